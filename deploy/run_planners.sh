#!/usr/bin/env bash
# Start N planner-mode Streamlit processes on one PostgreSQL workspace, for nginx in front
# (deploy/nginx/quartiere-planners.conf). Usage:
#   QUARTIER_DATABASE_URL=postgresql://… deploy/run_planners.sh 2 8501
# starts processes on 127.0.0.1:8501 and 127.0.0.1:8502 and waits for them. Every process
# reads the same .streamlit/secrets.toml ([auth] with one cookie_secret) and roles file.
set -euo pipefail
cd "$(dirname "$0")/.."
count="${1:?number of processes, e.g. 2}"
first_port="${2:-8501}"
: "${QUARTIER_DATABASE_URL:?set QUARTIER_DATABASE_URL=postgresql://… (one workspace for all)}"
export QUARTIER_MODE=planner
python="${PYTHON:-.venv/bin/python}"
"$python" -m quartier_geo database status >/dev/null  # fail early: database reachable?
pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true' EXIT INT TERM
for i in $(seq 0 $((count - 1))); do
  "$python" -m streamlit run app.py --server.address 127.0.0.1 \
    --server.port $((first_port + i)) --server.headless true &
  pids+=($!)
done
wait
