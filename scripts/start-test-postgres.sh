#!/usr/bin/env bash
# Starts a throwaway PostgreSQL cluster for the test suite (installing Debian's package if missing)
# and prints its URL. PostgreSQL refuses to run as root, so as root the cluster belongs to `postgres`.
set -euo pipefail
PGDATA_DIR=${PGDATA_DIR:-/tmp/followup-test-postgres}
PGPORT=${PGPORT:-55432}

if ! ls -d /usr/lib/postgresql/*/bin >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql) >&2
  else
    echo "PostgreSQL is not installed: apt-get install postgresql" >&2; exit 1
  fi
fi
BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)

as_owner() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

if [ ! -f "$PGDATA_DIR/PG_VERSION" ]; then
  mkdir -p "$PGDATA_DIR"
  [ "$(id -u)" = 0 ] && chown postgres:postgres "$PGDATA_DIR"
  as_owner "$BIN/initdb" -D "$PGDATA_DIR" -A trust -U postgres --encoding=UTF8 --locale=C.UTF-8 >&2
fi
if ! as_owner "$BIN/pg_ctl" -D "$PGDATA_DIR" status >/dev/null 2>&1; then
  as_owner "$BIN/pg_ctl" -D "$PGDATA_DIR" -o "-p $PGPORT -k /tmp -c listen_addresses=127.0.0.1" -l "$PGDATA_DIR/server.log" -w start >&2
fi
echo "postgresql://postgres@127.0.0.1:$PGPORT/postgres"
