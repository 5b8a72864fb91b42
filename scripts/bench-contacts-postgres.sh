#!/usr/bin/env bash
# The contact search benchmark (`lds-loadgen --contacts`) on PostgreSQL: a private cluster from
# Debian's `postgresql` package in a temp folder on its own port, as test-lds-postgres.sh starts
# one, with one empty database for the run; removed afterwards. Arguments go to lds-loadgen
# (default `--contacts 100000`). Builds the release binaries first.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"
source scripts/pg-cluster.sh "${LDS_PG_PORT:-25433}"
as_pg "$pgbin/createdb -h 127.0.0.1 -p $pg_port -U lds bench"
nice -n 10 cargo build --release --locked -p lds -p lds-loadgen --bins
args=("$@")
[ ${#args[@]} -gt 0 ] || args=(--contacts 100000)
./target/release/lds-loadgen --database-url "postgres://lds@127.0.0.1:$pg_port/bench" "${args[@]}"
