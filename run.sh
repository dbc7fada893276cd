#!/usr/bin/env bash
# ./run.sh [--once]
# Sets up and starts ScaleLab on embedded defaults (project-local PostgreSQL and Azurite, an Orchestrator silo,
# a Worker silo and the Dashboard), runs the demo IsoFLOP study, prints its results and the scaling law fitted to them
# (with its intervals and warnings), then keeps serving until Ctrl-C. With --once it exits after printing the law.
set -euo pipefail
cd "$(dirname "$0")"
ROOT=$(pwd)
umask 077   # logs, secrets and data are for this user only
ONCE=0
case "${1:-}" in --once) ONCE=1 ;; "") ;; *) echo "usage: ./run.sh [--once]" >&2; exit 2 ;; esac

API_PORT=${SCALELAB_API_PORT:-5080}
DASHBOARD_PORT=${SCALELAB_DASHBOARD_PORT:-5081}
LOGS=$ROOT/.data/logs
mkdir -p "$LOGS" "$ROOT/.data/secrets"
chmod -R go-rwx "$LOGS" "$ROOT/.data/secrets"   # also logs written before umask 077 was set

infra/local/prerequisites.sh
build/restore.sh
echo "Building..."
dotnet build Orchestrator.sln -c Release --no-restore -v quiet -nologo -clp:ErrorsOnly >"$LOGS/build.log" 2>&1 || { cat "$LOGS/build.log"; exit 1; }

infra/local/postgres.sh start
infra/local/azurite.sh start

# An API key for this machine, generated once; only its hash is given to the orchestrator.
KEYFILE=$ROOT/.data/secrets/api-key
[ -f "$KEYFILE" ] || (umask 077 && head -c 24 /dev/urandom | base64 | tr -d '/+=' > "$KEYFILE")
export ConnectionStrings__Postgres="$(infra/local/postgres.sh connection-string)"
export ConnectionStrings__Blobs="$(infra/local/azurite.sh connection-string)"
export ScaleLab__ApiKeyHashes__0="$(tr -d '\n' < "$KEYFILE" | sha256sum | cut -d' ' -f1)"
export Training__CacheDirectory="$ROOT/.data/corpus"
export SCALELAB_API="http://127.0.0.1:$API_PORT/"
export ScaleLab__ApiUrl="$SCALELAB_API"   # where the dashboard sends mutations and links downloads
export SCALELAB_API_KEY="$(cat "$KEYFILE")"
BIN=Release/net10.0

PIDS=()
cleanup() {
  trap - INT TERM EXIT
  echo; echo "Stopping ScaleLab..."
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  infra/local/azurite.sh stop >/dev/null
  infra/local/postgres.sh stop >/dev/null
}
trap cleanup INT TERM EXIT

wait_for() { # url, seconds, what
  for _ in $(seq 1 "$2"); do curl -fsS "$1" >/dev/null 2>&1 && return 0; sleep 1; done
  echo "error: $3 did not come up; see $LOGS" >&2; exit 1
}

dotnet "src/Orchestrator/bin/$BIN/ScaleLab.Orchestrator.dll" --urls "http://127.0.0.1:$API_PORT" >"$LOGS/orchestrator.log" 2>&1 &
PIDS+=($!)
wait_for "http://127.0.0.1:$API_PORT/health" 120 "the orchestrator"
dotnet "src/Workers/bin/$BIN/ScaleLab.Workers.dll" >"$LOGS/worker.log" 2>&1 &
PIDS+=($!)
(cd src/Dashboard/bin/$BIN && exec dotnet ScaleLab.Dashboard.dll --urls "http://127.0.0.1:$DASHBOARD_PORT") >"$LOGS/dashboard.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 1 90); do
  curl -fsS "http://127.0.0.1:$API_PORT/api/workers" 2>/dev/null | grep -q slotId && break; sleep 1
done
curl -fsS "http://127.0.0.1:$API_PORT/api/workers" | grep -q slotId || { echo "error: no worker joined; see $LOGS/worker.log" >&2; exit 1; }
wait_for "http://127.0.0.1:$DASHBOARD_PORT/" 60 "the dashboard"

echo "Submitting the demo study (examples/sweeps/demo.json); its IsoFLOP law is fitted when it finishes..."
dotnet "src/Cli/bin/$BIN/scalelab.dll" submit examples/sweeps/demo.json --watch --fit isoflop

echo
echo "API:        http://127.0.0.1:$API_PORT/api/sweeps   (reference: /reference; API key in .data/secrets/api-key)"
echo "Dashboard:  http://127.0.0.1:$DASHBOARD_PORT/   (Log in there with the API key to submit, cancel or schedule)"
echo "Logs:       $LOGS"
[ "$ONCE" = 1 ] && exit 0
echo "Serving until Ctrl-C."
wait -n "${PIDS[@]}"
