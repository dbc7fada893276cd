#!/usr/bin/env bash
# The control plane under a backlog (issue #18): for each queue size, a fresh database, an orchestrator (Release) on it,
# that many tiny runs queued through the REST API by two owners, then a silo of 100 simulated worker slots joins and
# dispatches are measured for a window (60 s, or until the queue drains). Prints one table and tears everything down.
# It runs its own PostgreSQL and ports, so a ./run.sh beside it is not disturbed.
# usage: bench/control-plane.sh [queue sizes...]        (default: 1000 10000 100000)
# env:   CONTROL_PLANE_WINDOW (60 s), CONTROL_PLANE_SUBMIT_CAP (600 s), CONTROL_PLANE_TRAIN_MS (5), CONTROL_PLANE_SLOTS (100),
#        SCALELAB_PG_PORT (55532), CONTROL_PLANE_API_PORT (5180)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
umask 077
SIZES=("$@")
[ ${#SIZES[@]} -gt 0 ] || SIZES=(1000 10000 100000)
API_PORT=${CONTROL_PLANE_API_PORT:-5180}
export SCALELAB_PG_PORT=${SCALELAB_PG_PORT:-55532}
export SCALELAB_PG_DATA=$ROOT/.data/control-plane/postgres
LOGS=$ROOT/.data/control-plane/logs
mkdir -p "$LOGS"

build/restore.sh
dotnet build src/Orchestrator -c Release --no-restore -v quiet -nologo -clp:ErrorsOnly
dotnet build bench/ControlPlaneBench -c Release --no-restore -v quiet -nologo -clp:ErrorsOnly

# Two API keys, two owners: made up for this run, only their hashes given to the orchestrator.
KEYS=("$(head -c 18 /dev/urandom | base64 | tr -d '/+=')" "$(head -c 18 /dev/urandom | base64 | tr -d '/+=')")
hash() { printf %s "$1" | sha256sum | cut -d' ' -f1; }

ORCHESTRATOR=""
DATABASE=""
psql_admin() { # sql: run against the server's maintenance database
  local cs; cs=$(SCALELAB_PG_DB=postgres infra/local/postgres.sh connection-string)
  PGPASSWORD=${cs##*Password=} psql -h 127.0.0.1 -p "$SCALELAB_PG_PORT" -U scalelab -d postgres -qtA -c "$1"
}
stop_size() {
  if [ -n "$ORCHESTRATOR" ]; then kill "$ORCHESTRATOR" 2>/dev/null || true; wait "$ORCHESTRATOR" 2>/dev/null || true; ORCHESTRATOR=""; fi
  if [ -n "$DATABASE" ]; then psql_admin "DROP DATABASE IF EXISTS $DATABASE WITH (FORCE)" || true; DATABASE=""; fi
}
cleanup() {
  trap - INT TERM EXIT
  stop_size
  infra/local/postgres.sh stop >/dev/null
}
trap cleanup INT TERM EXIT
SCALELAB_PG_DB=postgres infra/local/postgres.sh start

ROWS=()
for size in "${SIZES[@]}"; do
  # A fresh database (and with it a fresh cluster and scheduler) per size, so sizes never mix.
  DATABASE=control_plane_$size
  psql_admin "DROP DATABASE IF EXISTS $DATABASE WITH (FORCE)"
  psql_admin "CREATE DATABASE $DATABASE"
  POSTGRES=$(SCALELAB_PG_DB=$DATABASE infra/local/postgres.sh connection-string)
  echo "== $size runs: database $DATABASE, logs in $LOGS"
  ConnectionStrings__Postgres=$POSTGRES Orleans__ClusterId=$DATABASE Orleans__SiloPort=11311 Orleans__GatewayPort=30311 \
  ScaleLab__ApiKeyHashes__0=$(hash "${KEYS[0]}") ScaleLab__ApiKeyHashes__1=$(hash "${KEYS[1]}") \
    dotnet src/Orchestrator/bin/Release/net10.0/ScaleLab.Orchestrator.dll --urls "http://127.0.0.1:$API_PORT" >"$LOGS/orchestrator-$size.log" 2>&1 &
  ORCHESTRATOR=$!
  for _ in $(seq 1 120); do curl -fsS "http://127.0.0.1:$API_PORT/health" >/dev/null 2>&1 && break; sleep 1; done
  curl -fsS "http://127.0.0.1:$API_PORT/health" >/dev/null || { echo "error: the orchestrator did not come up; see $LOGS/orchestrator-$size.log" >&2; exit 1; }

  ROWS+=("$(dotnet bench/ControlPlaneBench/bin/Release/net10.0/control-plane-bench.dll \
    --ConnectionStrings:Postgres="$POSTGRES" --Orleans:ClusterId="$DATABASE" --Orleans:SiloPort=11312 \
    --Bench:ApiUrl="http://127.0.0.1:$API_PORT/" --Bench:ApiKeys:0="${KEYS[0]}" --Bench:ApiKeys:1="${KEYS[1]}" \
    --Bench:OrchestratorPid="$ORCHESTRATOR" --Bench:Runs="$size" --Bench:WindowSeconds="${CONTROL_PLANE_WINDOW:-60}" \
    --Bench:SubmitCapSeconds="${CONTROL_PLANE_SUBMIT_CAP:-600}" --Bench:TrainMilliseconds="${CONTROL_PLANE_TRAIN_MS:-5}" \
    --Bench:Slots="${CONTROL_PLANE_SLOTS:-100}" 2> >(tee "$LOGS/bench-$size.log" >&2))")
  stop_size
done

echo
echo "| queued runs | dispatches/s | queue wait p50 / p99 | slot gap p50 / p99 | WAL bytes / dispatch | scheduler state | orchestrator RSS MB |"
echo "|---|---|---|---|---|---|---|"
printf '%s\n' "${ROWS[@]}"
