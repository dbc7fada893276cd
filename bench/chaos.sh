#!/usr/bin/env bash
# Chaos for longer: the integration test ChaosTests (tests/IntegrationTests/ChaosTests.cs) with its kills going on for
# MINUTES instead of 3, and a study as much longer (50 runs per 3 minutes). Every 30 s a random Worker silo is SIGKILLed
# and a replacement started; the orchestrator is SIGKILLed and restarted once. Then the database is audited (every run
# succeeded exactly once, no loss step lost or duplicated, every resume from a stored checkpoint, the sweep finished)
# and the figures printed as a table: kills survived, re-queue latency, wasted compute.
# The test starts its own PostgreSQL, Azurite and ScaleLab processes (like ./test.sh); nothing else needs to run.
# usage: bench/chaos.sh [MINUTES] [SEED]   (default 10 minutes, a random seed; the table names the seed to replay)
set -euo pipefail
cd "$(dirname "$0")/.."
minutes=${1:-10}
log=$(mktemp --suffix=.log)
trap 'rm -f "$log"' EXIT
dotnet build Orchestrator.sln -c Debug -v quiet -nologo -clp:ErrorsOnly
status=0
SCALELAB_CHAOS_MINUTES=$minutes SCALELAB_CHAOS_SEED=${2:-} dotnet test tests/IntegrationTests --no-build \
  --filter "FullyQualifiedName~ChaosTests" --logger "console;verbosity=detailed" >"$log" 2>&1 || status=$?
# The test's own output (xUnit prints it once per reporter): the seed, each kill, the table and any fault.
sed -E 's/^\[xUnit\.net [0-9:.]+\] *//; s/^ +//' "$log" \
  | grep -E '^(chaos seed|[0-9]{2}:[0-9]{2} killed|\||fault:)' | awk '!seen[$0]++'
if [ "$status" -ne 0 ]; then
  echo "FAILED (exit $status); the test's verdict:"
  grep -E -A3 '^\s*(Error Message|Failed ScaleLab)' "$log" | head -20
fi
exit "$status"
