#!/usr/bin/env bash
# Project-local PostgreSQL: loopback only, a non-default port, password auth with a generated secret.
# usage: infra/local/postgres.sh start|stop|status|connection-string|where|destroy
# env:   SCALELAB_PG_PORT (55432), SCALELAB_PG_DATA (.data/postgres), SCALELAB_PG_DB (scalelab; "postgres", the
#        database initdb makes, needs no psql: the GPU bundle's PostgreSQL has none)
# Safe to re-run: start on a running cluster is a no-op; start after a crash recovers (PostgreSQL replays its WAL).
# The data is kept between runs; `destroy` stops the server and deletes it.
#
# Where the data lives: as an ordinary user, in SCALELAB_PG_DATA. As root it cannot: PostgreSQL refuses to run as
# root, so it runs as the system user scalelab-pg, and that user cannot reach a checkout under a private directory
# (/root is mode 700, and so is every `mktemp -d`). So a root-run cluster lives in /var/lib/scalelab-pg/HASH/
# (owned by scalelab-pg, mode 700), HASH derived from the SCALELAB_PG_DATA path, so two checkout paths (or the tests'
# cluster and the demo's) never share one. Its password is kept beside it, so deleting the checkout's .data (or
# cloning again to the same path) finds the same database; `destroy` removes both. `where` prints the folder.
set -euo pipefail
umask 077   # the data, the secrets and the log are for this user only
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
PORT=${SCALELAB_PG_PORT:-55432}
REQUESTED=$(realpath -m "${SCALELAB_PG_DATA:-$ROOT/.data/postgres}")
DB=${SCALELAB_PG_DB:-scalelab}
SECRETS=$(dirname "$REQUESTED")/secrets
PWFILE=$SECRETS/postgres-$(basename "$REQUESTED").password
OS_USER=scalelab-pg
if [ "$(id -u)" = 0 ]; then
  SERVER_HOME=/var/lib/scalelab-pg
  CLUSTER=$SERVER_HOME/$(printf %s "$REQUESTED" | sha256sum | cut -c1-16)
  DATA=$CLUSTER/data
  LOG=$CLUSTER/postgres.log
  PWFILE=$CLUSTER/password
else
  CLUSTER=""
  DATA=$REQUESTED
  LOG=$(dirname "$REQUESTED")/$(basename "$REQUESTED").log
fi

bin() {
  if command -v "$1" >/dev/null 2>&1; then command -v "$1"; return; fi
  local found; found=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
  [ -n "$found" ] && [ -x "$found/$1" ] && { echo "$found/$1"; return; }
  echo "error: $1 not found; install the PostgreSQL server binaries (apt-get install postgresql)" >&2; exit 1
}

as_owner() {
  # From a folder the server's user can enter: pg_ctl and initdb change back to the caller's directory.
  if [ "$(id -u)" = 0 ]; then (cd "$CLUSTER" && runuser -u "$OS_USER" -- "$@"); else "$@"; fi
}

ensure_owner() {
  [ "$(id -u)" = 0 ] || return 0
  id -u "$OS_USER" >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin "$OS_USER"
  install -d -m 700 -o "$OS_USER" "$SERVER_HOME" "$CLUSTER"
  # Which checkout this cluster belongs to, for whoever finds it in /var/lib.
  printf '%s\n' "$REQUESTED" > "$CLUSTER/requested-by"
}

password() {
  [ -f "$PWFILE" ] && { cat "$PWFILE"; return; }
  echo "error: the password of the PostgreSQL cluster in $DATA is missing ($PWFILE); start afresh with: $0 destroy" >&2
  exit 1
}

connection_string() {
  echo "Host=127.0.0.1;Port=$PORT;Database=$DB;Username=scalelab;Password=$(password)"
}

running() { [ -f "$DATA/PG_VERSION" ] && as_owner "$(bin pg_ctl)" -D "$DATA" status >/dev/null 2>&1; }

# The port a running cluster listens on (line 4 of postmaster.pid).
running_port() { sed -n 4p "$DATA/postmaster.pid" 2>/dev/null; }

start() {
  ensure_owner
  mkdir -p "$SECRETS" && chmod 700 "$SECRETS"
  # A root-run cluster made before its password moved beside it: bring the checkout's copy over.
  local legacy=$SECRETS/postgres-$(basename "$REQUESTED").password
  if [ -n "$CLUSTER" ] && [ ! -f "$PWFILE" ] && [ -f "$legacy" ]; then cp "$legacy" "$PWFILE"; fi
  if [ ! -f "$DATA/PG_VERSION" ]; then
    [ -f "$PWFILE" ] || (umask 077 && head -c 24 /dev/urandom | base64 | tr -d '/+=' > "$PWFILE")
    rm -rf "$DATA" && mkdir -p "$DATA"
    local pw; pw=$(mktemp -p "${CLUSTER:-${TMPDIR:-/tmp}}"); cp "$PWFILE" "$pw"
    if [ "$(id -u)" = 0 ]; then chown "$OS_USER" "$DATA" "$pw"; fi
    as_owner "$(bin initdb)" -D "$DATA" -U scalelab --pwfile="$pw" --auth=scram-sha-256 -E UTF8 --locale=C.UTF-8 >/dev/null
    rm -f "$pw"
  fi
  if [ "$(id -u)" = 0 ]; then chown -R "$OS_USER" "$DATA"; touch "$LOG"; chown "$OS_USER" "$LOG"; fi
  if running && [ "$(running_port)" != "$PORT" ]; then
    # Left running on another port (an earlier run chose another one): restart it where we were asked.
    as_owner "$(bin pg_ctl)" -D "$DATA" -m fast -w stop >/dev/null
  fi
  if ! running; then
    as_owner "$(bin pg_ctl)" -D "$DATA" -l "$LOG" -w -t 60 \
      -o "-p $PORT -c listen_addresses=127.0.0.1 -c unix_socket_directories='' -c max_connections=200 -c fsync=on" start >/dev/null \
      || { echo "error: PostgreSQL did not start; see $LOG" >&2; tail -5 "$LOG" >&2; exit 1; }
  fi
  [ "$DB" = postgres ] || PGPASSWORD=$(password) "$(bin psql)" -h 127.0.0.1 -p "$PORT" -U scalelab -d postgres -tAq \
    -c "SELECT 1 FROM pg_database WHERE datname = '$DB'" | grep -q 1 \
    || PGPASSWORD=$(password) "$(bin psql)" -h 127.0.0.1 -p "$PORT" -U scalelab -d postgres -q -c "CREATE DATABASE \"$DB\""
  echo "PostgreSQL on 127.0.0.1:$PORT (data $DATA)"
}

stop() {
  if running; then as_owner "$(bin pg_ctl)" -D "$DATA" -m fast -w stop >/dev/null; fi
  echo "PostgreSQL on port $PORT stopped"
}

destroy() {
  stop >/dev/null
  rm -rf "$DATA" "$LOG"
  [ -z "$CLUSTER" ] || rm -rf "$CLUSTER"
  echo "PostgreSQL data $DATA deleted"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) if running; then echo running; else echo stopped; exit 3; fi ;;
  connection-string) connection_string ;;
  where) echo "$DATA" ;;
  destroy) destroy ;;
  *) echo "usage: $0 start|stop|status|connection-string|where|destroy" >&2; exit 2 ;;
esac
