#!/usr/bin/env bash
# Refusal time of the worst payload of each crash class (deep YAML, alias bomb, size amplifiers, overflows, unpaired
# surrogates, empty fit, empty time zone), against a running orchestrator: client wall time and the orchestrator's CPU.
# Needs a running stack: start ./run.sh in another terminal first (it serves the API on :5080).
# usage: bench/hardening.sh [repeats]
set -euo pipefail
cd "$(dirname "$0")/.."
API="http://127.0.0.1:${SCALELAB_API_PORT:-5080}/"
curl -fsS "${API}health" >/dev/null || { echo "error: start ./run.sh first" >&2; exit 1; }
PID=$(pgrep -f 'ScaleLab.Orchestrator.dll' | head -1)
dotnet build bench/HardeningBench -c Release -v quiet -nologo -clp:ErrorsOnly
dotnet bench/HardeningBench/bin/Release/net10.0/hardening-bench.dll "$API" "$PID" "$(cat .data/secrets/api-key)" "${1:-5}"
