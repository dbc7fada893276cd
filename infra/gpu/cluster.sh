#!/usr/bin/env bash
# The whole ScaleLab stack on a GPU machine that has PyTorch (CUDA libtorch) but no .NET, no PostgreSQL, no Node and
# no network: PostgreSQL, Azurite, the Orchestrator, a Worker silo on CUDA and the Dashboard, from the pack that
# infra/gpu/bundle.sh made. Run from the repository root.
#
#   infra/gpu/cluster.sh unpack              unpacks the .gpu/cluster-*.tar.xz parts present (one call carries one)
#   infra/gpu/cluster.sh study FILE [OUT [SECONDS]]
#                                            brings the stack up, submits FILE through the CLI and follows it to the
#                                            end (or for SECONDS: exit 3 while it runs on; the next `study` of the
#                                            same FILE follows it on), writes the results to OUT, takes the stack down
#   infra/gpu/cluster.sh up | down           the stack alone (up leaves it serving, and starts again what died)
#
# OUT gets: the sweep with its runs and arms as JSON (REST), the services' logs, and the database itself (postgres.tar.xz: a
# data folder for PostgreSQL 17) so that the dashboard can show the study elsewhere (docs/gpu.md says how).
# env: SCALELAB_CLUSTER_HOME (/tmp/scalelab-cluster), SCALELAB_RUNS_PER_GPU (8; Worker:RunsPerGpu),
#      SCALELAB_TORCH_LIB (a libtorch folder; default: the python3 torch package's lib), SCALELAB_NATIVE (off: no
#      native library). Ports (loopback): API 5090, dashboard 5091, PostgreSQL 55490, Azurite 10190, silos 11190-1
#      and gateway 30090, so that the stack can come up beside ./run.sh's.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$(pwd)
HOME_DIR=${SCALELAB_CLUSTER_HOME:-/tmp/scalelab-cluster}
DATA=$HOME_DIR/data
LOGS=$DATA/logs
API_PORT=5090
DASHBOARD_PORT=5091

unpack() {
  local parts=(.gpu/cluster-*.tar.xz)
  [ -e "${parts[0]}" ] || { echo "error: no .gpu/cluster-*.tar.xz here; make them with infra/gpu/bundle.sh" >&2; exit 1; }
  (umask 022 && mkdir -p "$HOME_DIR" && for part in "${parts[@]}"; do echo "Unpacking $part"; xz -dc -T0 "$part" | tar -xf - -C "$HOME_DIR"; done)
}

environment() {
  for need in dotnet/dotnet node/node apps/orchestrator postgres/bin/postgres azurite/azurite-blob.js; do
    [ -e "$HOME_DIR/$need" ] || { echo "error: $HOME_DIR/$need is missing; unpack both parts first" >&2; exit 1; }
  done
  umask 077
  mkdir -p "$LOGS" "$DATA/secrets"
  export DOTNET_ROOT=$HOME_DIR/dotnet DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_gcServer=0
  export PATH="$HOME_DIR/dotnet:$HOME_DIR/node:$HOME_DIR/postgres/bin:$PATH"
  export SCALELAB_PG_DATA=$DATA/postgres SCALELAB_PG_DB=postgres SCALELAB_PG_PORT=55490
  export SCALELAB_AZURITE_DATA=$DATA/azurite SCALELAB_AZURITE_PORT=10190 \
    SCALELAB_AZURITE_BLOB="$HOME_DIR/node/node $HOME_DIR/azurite/azurite-blob.js"
}

torch_lib() {
  if [ -n "${SCALELAB_TORCH_LIB:-}" ]; then echo "$SCALELAB_TORCH_LIB"; return; fi
  python3 -c 'import torch, os; print(os.path.dirname(torch.__file__) + "/lib")'
}

PIDS=()
start() { # name, command... (a service still running is left as it is, so `up` also restarts what died)
  local name=$1; shift
  if [ -f "$DATA/$name.pid" ] && kill -0 "$(cat "$DATA/$name.pid")" 2>/dev/null; then return; fi
  nohup "$@" >"$LOGS/$name.log" 2>&1 &
  PIDS+=($!)
  echo $! > "$DATA/$name.pid"
}

wait_for() { # url, seconds, what, log
  for _ in $(seq 1 "$2"); do curl -fsS "$1" >/dev/null 2>&1 && return 0; sleep 1; done
  echo "error: $3 did not come up" >&2; tail -20 "$4" >&2; exit 1
}

up() {
  environment
  infra/local/postgres.sh start
  infra/local/azurite.sh start
  local keyfile=$DATA/secrets/api-key
  [ -f "$keyfile" ] || head -c 24 /dev/urandom | base64 | tr -d '/+=' > "$keyfile"
  export ConnectionStrings__Postgres="$(infra/local/postgres.sh connection-string)"
  export ConnectionStrings__Blobs="$(infra/local/azurite.sh connection-string)"
  export ScaleLab__ApiKeyHashes__0="$(tr -d '\n' < "$keyfile" | sha256sum | cut -d' ' -f1)"
  export SCALELAB_API="http://127.0.0.1:$API_PORT/" ScaleLab__ApiUrl="http://127.0.0.1:$API_PORT/"
  export SCALELAB_API_KEY="$(cat "$keyfile")"
  export Orleans__ClusterId=scalelab-gpu Training__CacheDirectory=$HOME_DIR/corpus   # the default corpus, when part 3 came

  start orchestrator env Orleans__SiloPort=11190 Orleans__GatewayPort=30090 \
    dotnet "$HOME_DIR/apps/orchestrator/ScaleLab.Orchestrator.dll" --urls "http://127.0.0.1:$API_PORT"
  wait_for "http://127.0.0.1:$API_PORT/health" 120 "the orchestrator" "$LOGS/orchestrator.log"

  # The worker: CUDA libtorch from the PyTorch package (or SCALELAB_TORCH_LIB), and the native library built here
  # against it, since it must match that libtorch exactly.
  local lib worker_env=(Orleans__SiloPort=11191 Worker__RunsPerGpu="${SCALELAB_RUNS_PER_GPU:-8}")
  lib=$(torch_lib)
  worker_env+=(LD_LIBRARY_PATH="$lib:$HOME_DIR/apps/worker${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}")
  if [ -e "$lib/libtorch_cuda.so" ]; then
    worker_env+=(Torch__NativeLibraryPath="$lib")
    if [ "${SCALELAB_NATIVE:-on}" != off ]; then
      local native=$HOME_DIR/native/libscalelab_native.so
      if [ ! -f "$native" ] || [ -n "$(find native infra/gpu/build-native.sh -newer "$native" -type f)" ]; then
        echo "Building the native library against $lib..."
        infra/gpu/build-native.sh "$HOME_DIR/native" >/dev/null
      fi
      worker_env+=(Torch__NativeOpsPath="$native")
    fi
  fi
  start worker env "${worker_env[@]}" dotnet "$HOME_DIR/apps/worker/ScaleLab.Workers.dll"
  (cd "$HOME_DIR/apps/dashboard" && start dashboard dotnet ScaleLab.Dashboard.dll --urls "http://127.0.0.1:$DASHBOARD_PORT")
  for _ in $(seq 1 120); do curl -fsS "${SCALELAB_API}api/workers" 2>/dev/null | grep -q slotId && break; sleep 1; done
  curl -fsS "${SCALELAB_API}api/workers" | grep -q slotId || { echo "error: no worker joined" >&2; tail -30 "$LOGS/worker.log" >&2; exit 1; }
  wait_for "http://127.0.0.1:$DASHBOARD_PORT/" 60 "the dashboard" "$LOGS/dashboard.log"
  echo "ScaleLab is up: API ${SCALELAB_API}, dashboard http://127.0.0.1:$DASHBOARD_PORT/, slots:"
  curl -fsS "${SCALELAB_API}api/workers" | python3 -m json.tool | grep -E '"(slotId|deviceName|memoryBytes)"'
}

down() {
  environment
  for name in dashboard worker orchestrator; do
    local pid; pid=$(cat "$DATA/$name.pid" 2>/dev/null) || continue
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
    rm -f "$DATA/$name.pid"
  done
  infra/local/azurite.sh stop
  infra/local/postgres.sh stop
}

study() { # FILE OUT SECONDS
  local file=$1 out=${2:-$DATA/results} seconds=${3:-0}
  mkdir -p "$out"
  trap 'down >/dev/null 2>&1 || true' EXIT
  up
  # A study this cluster already holds (an earlier call's, cut short by its time limit) is followed, not submitted
  # again: its finished runs are in the database, and the runs cut off are re-queued and resume from checkpoints.
  local idfile=$DATA/study-$(sha256sum < "$file" | cut -c1-16).id sweep
  if [ ! -s "$idfile" ]; then
    dotnet "$HOME_DIR/apps/cli/scalelab.dll" submit "$file" | tee "$out/submit.txt"
    grep -m1 -oE '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}' "$out/submit.txt" > "$idfile"
  fi
  sweep=$(cat "$idfile")
  local started=$SECONDS status=Queued
  while :; do
    curl -fsS "${SCALELAB_API}api/sweeps/$sweep" > "$out/sweep.json"
    status=$(python3 - "$out/sweep.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1])); s = d["sweep"]
running = sum(r["status"] == "Running" for r in d["runs"])
print(f"{s['runsFinished']}/{s['runCount']} finished, {s['runsFailed']} failed, {running} running", file=sys.stderr)
print(s["status"])
PY
)
    case "$status" in Queued|Running) ;; *) break ;; esac
    if [ "$seconds" -gt 0 ] && [ $((SECONDS - started)) -ge "$seconds" ]; then break; fi
    sleep 10
  done 2> >(while read -r line; do echo "$(date +%T) $line"; done)
  echo "Sweep $sweep: $status after $((SECONDS - started)) s in this call."
  curl -fsS "${SCALELAB_API}api/sweeps/$sweep/arms" > "$out/arms.json" || true
  curl -fsS "${SCALELAB_API}api/workers" > "$out/workers.json" || true
  dotnet "$HOME_DIR/apps/cli/scalelab.dll" sweep "$sweep" > "$out/results.txt" || true
  down
  trap - EXIT
  tail -c 4000000 "$LOGS/worker.log" > "$out/worker.log"; tail -c 2000000 "$LOGS/orchestrator.log" > "$out/orchestrator.log"
  # The database folder itself (a root-run cluster lives under /var/lib/scalelab-pg, see infra/local/postgres.sh).
  local pgdata; pgdata=$(infra/local/postgres.sh where)
  tar -cf - -C "$(dirname "$pgdata")" "$(basename "$pgdata")" | xz -6 -T0 > "$out/postgres.tar.xz"
  ls -l "$out"
  case "$status" in Queued|Running) return 3 ;; Succeeded) return 0 ;; *) return 1 ;; esac
}

case "${1:-}" in
  unpack) unpack ;;
  up) up ;;
  down) down ;;
  study) [ -n "${2:-}" ] || { echo "usage: $0 study FILE [OUT [SECONDS]]" >&2; exit 2; }; study "$2" "${3:-}" "${4:-0}" ;;
  *) echo "usage: $0 unpack | up | down | study FILE [OUT [SECONDS]]" >&2; exit 2 ;;
esac
