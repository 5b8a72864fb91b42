# Sourced: starts a private PostgreSQL cluster from Debian's `postgresql` package in a temp
# folder on port $1, trusted for the user `lds` on loopback only, and stops and removes it when
# the sourcing script exits. Leaves `pg_port` and `pg_admin_url` (its `postgres` database).
pgbin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
pg_port="$1"
pg_dir=$(mktemp -d)
chown postgres "$pg_dir" 2>/dev/null || true
as_pg() { if [ "$(id -u)" = 0 ]; then su postgres -s /bin/bash -c "$*"; else bash -c "$*"; fi; }
as_pg "$pgbin/initdb -D $pg_dir/data -U lds --auth=trust >/dev/null"
as_pg "$pgbin/pg_ctl -D $pg_dir/data -o '-p $pg_port -k $pg_dir -c listen_addresses=127.0.0.1' -l $pg_dir/log -w start >/dev/null"
trap 'as_pg "$pgbin/pg_ctl -D $pg_dir/data -m immediate stop" >/dev/null 2>&1 || true; rm -rf "$pg_dir"' EXIT
pg_admin_url="postgres://lds@127.0.0.1:$pg_port/postgres"
