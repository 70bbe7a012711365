"""Benchmark: the first heat-network layout on the largest demo quarter.

Times :func:`quartier_geo.domain.network.layout_network` (street graph, service pipes,
Steiner tree) and the figures on the quarter with the most buildings, for three selections:
the default blocks (densest heat-density class), half of the blocks and every block, each
from the nearest existing network. Prints buildings, terminals, trench length and seconds
(best of ``--repeat`` runs; the first run of each is reported separately as "cold").

    python benchmarks/bench_network.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from quartier_geo.data import layers
from quartier_geo.data.reference import load_reference
from quartier_geo.domain import network
from quartier_geo.domain.bundle import build_quarter_bundle, select_quarter


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    ref = load_reference()
    region = layers.load_region(ref)
    qid = int(region.buildings.groupby("quarter_id").size().idxmax())
    bundle = build_quarter_bundle(select_quarter(region, qid), ref=ref)
    assert bundle.blocks is not None
    params = network.network_parameters(ref.network_parameters)
    every = sorted(bundle.blocks["block_id"].astype(str))
    selections = {
        "densest class": network.densest_blocks(bundle.blocks, ref.thresholds),
        "half of the blocks": every[: len(every) // 2],
        "every block": every,
    }
    print(
        f"quarter {qid}: {len(bundle.buildings)} buildings, {len(every)} blocks, "
        f"{len(bundle.streets) if bundle.streets is not None else 0} street segments"
    )
    print(
        f"{'selection':<20}{'blocks':>7}{'buildings':>10}{'trench m':>10}{'cold s':>8}{'best s':>8}"
    )
    for name, blocks in selections.items():
        chosen = network.select_blocks(bundle.buildings, blocks)
        times = []
        for _ in range(max(args.repeat, 1)):
            started = time.perf_counter()
            source, _ident = network.network_source_point(bundle.networks, chosen)
            layout = network.layout_network(chosen, bundle.streets, source)
            figures = network.network_figures(layout, params)
            times.append(time.perf_counter() - started)
        print(
            f"{name:<20}{len(blocks):>7}{figures.connected_buildings:>10}"
            f"{figures.trench_length_m:>10.0f}{times[0]:>8.3f}{min(times):>8.3f}"
        )


if __name__ == "__main__":
    main()
