"""Tests of the Quartiere Ruhr dashboard (a package, so that test and conftest names may repeat)."""
