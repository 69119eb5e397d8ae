#!/usr/bin/env bash
# A throwaway local PostgreSQL server for the storage and API tests (Debian's packages).
#
#   eval "$(scripts/ci_postgres.sh start)"   # installs if needed, starts on a free port, and
#                                            # prints `export STAFFCAST_TEST_POSTGRES_URL=...`
#   scripts/ci_postgres.sh stop DIR           # stops the server started in DIR and removes it
#
# Everything but the final `export` lines goes to stderr. Runs the server as the `postgres`
# user when called as root (PostgreSQL refuses to run as root).
set -euo pipefail

as_root() {
    if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
        echo "ci_postgres: need root (or sudo) to run: $*" >&2; return 1
    fi
}

as_server_user() {
    if [ "$(id -u)" = 0 ]; then su postgres -s /bin/sh -c "$*"; else sh -c "$*"; fi
}

bindir() {
    ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1
}

start() {
    if [ -z "$(bindir)" ] || [ ! -x "$(bindir)/initdb" ]; then
        echo "ci_postgres: installing PostgreSQL from Debian's packages" >&2
        as_root apt-get update -qq >&2
        as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
    fi
    local bin dir port
    bin=$(bindir)
    dir=$(mktemp -d /tmp/staffcast-pg.XXXXXX)
    port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    if [ "$(id -u)" = 0 ]; then chown postgres "$dir"; fi
    as_server_user "'$bin/initdb' -D '$dir/data' -A trust -U postgres --no-sync -E UTF8" >/dev/null
    as_server_user "'$bin/pg_ctl' -D '$dir/data' -l '$dir/server.log' -w \
        -o \"-p $port -k '$dir' -c listen_addresses=127.0.0.1 -c fsync=off\" start" >&2
    as_server_user "'$bin/createdb' -h 127.0.0.1 -p $port -U postgres staffcast_test" >&2
    echo "ci_postgres: PostgreSQL $("$bin/postgres" --version | awk '{print $3}') on port $port ($dir)" >&2
    echo "export STAFFCAST_TEST_POSTGRES_URL=postgresql+psycopg://postgres@127.0.0.1:$port/staffcast_test"
    echo "export STAFFCAST_TEST_POSTGRES_DIR=$dir"
}

stop() {
    local dir=${1:?usage: ci_postgres.sh stop DIR}
    as_server_user "'$(bindir)/pg_ctl' -D '$dir/data' -m fast -w stop" >&2 || true
    rm -rf "$dir"
}

case "${1:-}" in
    start) start ;;
    stop) stop "${2:-}" ;;
    *) echo "usage: $0 start | stop DIR" >&2; exit 2 ;;
esac
