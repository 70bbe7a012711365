#!/usr/bin/env bash
# Start the public (read-only) dashboard. Set the host names the public reaches it by:
#   QUARTIER_ALLOWED_HOSTS='quartiere.example.org www.quartiere.example.org' deploy/run_public.sh --server.port 8501
# Put a reverse proxy with TLS and security headers in front (docs/SECURITY.md S-13).
set -euo pipefail
cd "$(dirname "$0")/.."
set -a
# shellcheck source=/dev/null
source deploy/public.env
set +a
: "${QUARTIER_ALLOWED_HOSTS:?set QUARTIER_ALLOWED_HOSTS, e.g. quartiere.example.org (space-separated)}"
export STREAMLIT_SERVER_ALLOWED_HOSTS="$QUARTIER_ALLOWED_HOSTS"
exec "${PYTHON:-.venv/bin/python}" -m streamlit run app.py "$@"
