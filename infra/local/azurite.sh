#!/usr/bin/env bash
# Project-local Azurite (blob only): pinned by package-lock.json, data in .data/, loopback, a non-default port,
# and an account whose key is generated here (so no key, not even the well-known development one, is in the repo).
# usage: infra/local/azurite.sh start|stop|status|connection-string
# env:   SCALELAB_AZURITE_PORT (10100), SCALELAB_AZURITE_DATA (.data/azurite),
#        SCALELAB_AZURITE_BLOB (the command that runs the blob service; default: the pinned package's azurite-blob)
set -euo pipefail
umask 077   # the data, the secrets and the log are for this user only
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
PORT=${SCALELAB_AZURITE_PORT:-10100}
DATA=${SCALELAB_AZURITE_DATA:-$ROOT/.data/azurite}
SECRETS=$(dirname "$DATA")/secrets
KEYFILE=$SECRETS/azurite-$(basename "$DATA").key
PIDFILE=$(dirname "$DATA")/$(basename "$DATA").pid
LOG=$(dirname "$DATA")/$(basename "$DATA").log
ACCOUNT=scalelab

listening() { (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; }

running() { [ -f "$PIDFILE" ] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null; }

connection_string() {
  echo "DefaultEndpointsProtocol=http;AccountName=$ACCOUNT;AccountKey=$(cat "$KEYFILE");BlobEndpoint=http://127.0.0.1:$PORT/$ACCOUNT;"
}

start() {
  if [ -z "${SCALELAB_AZURITE_BLOB:-}" ] && [ ! -x "$HERE/node_modules/.bin/azurite-blob" ]; then
    (cd "$HERE" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
  fi
  mkdir -p "$DATA" "$SECRETS" && chmod 700 "$SECRETS"
  [ -f "$KEYFILE" ] || (umask 077 && head -c 32 /dev/urandom | base64 -w0 > "$KEYFILE")
  if running && [ "$(cat "$PIDFILE.port" 2>/dev/null)" != "$PORT" ]; then stop >/dev/null; fi
  if running && listening; then echo "Azurite on 127.0.0.1:$PORT (data $DATA)"; return; fi
  if listening; then echo "error: port $PORT is taken by another process" >&2; exit 1; fi
  AZURITE_ACCOUNTS="$ACCOUNT:$(cat "$KEYFILE")" nohup ${SCALELAB_AZURITE_BLOB:-"$HERE/node_modules/.bin/azurite-blob"} \
    --blobHost 127.0.0.1 --blobPort "$PORT" --location "$DATA" --skipApiVersionCheck --loose \
    >"$LOG" 2>&1 &
  echo $! > "$PIDFILE"
  echo "$PORT" > "$PIDFILE.port"
  for _ in $(seq 1 100); do listening && break; sleep 0.1; done
  listening || { echo "error: Azurite did not start; see $LOG" >&2; tail -5 "$LOG" >&2; exit 1; }
  echo "Azurite on 127.0.0.1:$PORT (data $DATA)"
}

stop() {
  if running; then
    local pid; pid=$(cat "$PIDFILE"); kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  fi
  rm -f "$PIDFILE" "$PIDFILE.port"
  echo "Azurite on port $PORT stopped"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) if running && listening; then echo running; else echo stopped; exit 3; fi ;;
  connection-string) connection_string ;;
  *) echo "usage: $0 start|stop|status|connection-string" >&2; exit 2 ;;
esac
