#!/usr/bin/env bash
# Dashboard responsiveness with 1,000 runs in a sweep (seeded straight into PostgreSQL), measured side by side:
# REST reads of curves per run against one batched read, page open in Debian's Chromium, Plotly redraws WebGL against SVG.
# Needs a running stack: start ./run.sh in another terminal first (it serves the API on :5080 and the dashboard on :5081).
# usage: bench/dashboard.sh [runs]
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-1000}
curl -fsS http://127.0.0.1:${SCALELAB_DASHBOARD_PORT:-5081}/ >/dev/null || { echo "error: start ./run.sh first" >&2; exit 1; }
dotnet build bench/DashboardBench -c Release -v quiet -nologo -clp:ErrorsOnly
dotnet bench/DashboardBench/bin/Release/net10.0/dashboard-bench.dll "http://127.0.0.1:${SCALELAB_DASHBOARD_PORT:-5081}/" \
  "http://127.0.0.1:${SCALELAB_API_PORT:-5080}/" "$(infra/local/postgres.sh connection-string)" "$RUNS"
