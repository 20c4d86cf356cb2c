#!/bin/sh
# Restore a dump made by backup.sh into a NEW database, then print what it holds.
#
#   restore.sh DUMP TARGET_DATABASE [OWNER]
#
# With OWNER (the app's database role, e.g. carte) the new database and its
# tables belong to it, as the original did; run as a superuser (postgres).
# The running database is never touched: check the restored one, then switch
# (see deploy/README.md, "Restore"). Connection settings are the libpq
# variables PGHOST, PGPORT, PGUSER. The target database must not exist yet.
set -eu

if [ $# -lt 2 ] || [ $# -gt 3 ]; then
    echo "usage: restore.sh DUMP TARGET_DATABASE [OWNER]" >&2
    exit 2
fi
dump=$1
target=$2
owner=${3:-}
PG_BIN="${PG_BIN:-/usr/lib/postgresql/15/bin}"

if [ ! -r "$dump" ]; then
    echo "restore.sh: cannot read dump $dump" >&2
    exit 2
fi
"$PG_BIN/pg_restore" --list "$dump" > /dev/null

tables_sql="SELECT table_name FROM information_schema.tables
            WHERE table_schema = 'public' AND table_type = 'BASE TABLE'
            AND table_name <> 'spatial_ref_sys' ORDER BY table_name"

if [ -n "$owner" ]; then
    "$PG_BIN/createdb" --no-password --owner="$owner" "$target"
else
    "$PG_BIN/createdb" --no-password "$target"
fi
"$PG_BIN/pg_restore" --no-password --no-owner --exit-on-error --single-transaction \
    --dbname="$target" "$dump"
if [ -n "$owner" ]; then  # ALTER TABLE ... OWNER also moves the tables' sequences
    "$PG_BIN/psql" --no-password --dbname="$target" --tuples-only --no-align --quiet \
        --command="$tables_sql" |
    while read -r table; do
        "$PG_BIN/psql" --no-password --dbname="$target" --quiet -v ON_ERROR_STOP=1 \
            --command="ALTER TABLE \"$table\" OWNER TO \"$owner\""
    done
fi

# what the restored database holds: one line per table, "table<TAB>rows"
"$PG_BIN/psql" --no-password --dbname="$target" --tuples-only --no-align --quiet \
    --command="$tables_sql" |
while read -r table; do
    rows=$("$PG_BIN/psql" --no-password --dbname="$target" --tuples-only --no-align \
        --command="SELECT count(*) FROM \"$table\"")
    printf '%s\t%s\n' "$table" "$rows"
done
