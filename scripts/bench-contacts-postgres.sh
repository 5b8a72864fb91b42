#!/usr/bin/env bash
# The contact search benchmark (`lds-loadgen --contacts`) on PostgreSQL: a private cluster from
# Debian's `postgresql` package in a temp folder on its own port, as test-lds-postgres.sh starts
# one, with one empty database for the run; removed afterwards. Arguments go to lds-loadgen
# (default `--contacts 100000`). Builds the release binaries first.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"
pgbin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
port="${LDS_PG_PORT:-25433}"
dir=$(mktemp -d)
chown postgres "$dir" 2>/dev/null || true
as_pg() { if [ "$(id -u)" = 0 ]; then su postgres -s /bin/bash -c "$*"; else bash -c "$*"; fi; }
as_pg "$pgbin/initdb -D $dir/data -U lds --auth=trust >/dev/null"
as_pg "$pgbin/pg_ctl -D $dir/data -o '-p $port -k $dir -c listen_addresses=127.0.0.1' -l $dir/log -w start >/dev/null"
trap 'as_pg "$pgbin/pg_ctl -D $dir/data -m immediate stop" >/dev/null 2>&1 || true; rm -rf "$dir"' EXIT
as_pg "$pgbin/createdb -h 127.0.0.1 -p $port -U lds bench"
nice -n 10 cargo build --release --locked -p lds -p lds-loadgen --bins
args=("$@")
[ ${#args[@]} -gt 0 ] || args=(--contacts 100000)
./target/release/lds-loadgen --database-url "postgres://lds@127.0.0.1:$port/bench" "${args[@]}"
