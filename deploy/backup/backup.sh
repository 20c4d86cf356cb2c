#!/bin/sh
# Dump the school database with pg_dump (custom format), check the dump is
# readable, and delete dumps older than KEEP_DAYS.
#
# Settings (environment): the libpq variables PGHOST, PGPORT, PGUSER,
# PGDATABASE (default carte); BACKUP_DIR (default /var/backups/carte-scolaire);
# KEEP_DAYS (default 30). Prints the path of the new dump.
set -eu

: "${PGDATABASE:=carte}"
: "${BACKUP_DIR:=/var/backups/carte-scolaire}"
: "${KEEP_DAYS:=30}"
export PGDATABASE
PG_BIN="${PG_BIN:-/usr/lib/postgresql/15/bin}"

mkdir -p "$BACKUP_DIR"
stamp=$(date -u +%Y%m%dT%H%M%SZ)
out="$BACKUP_DIR/$PGDATABASE-$stamp.dump"
tmp="$out.partial"

"$PG_BIN/pg_dump" --format=custom --compress=6 --no-password --file="$tmp"
# a dump that pg_restore cannot list is not a backup
"$PG_BIN/pg_restore" --list "$tmp" > /dev/null
mv "$tmp" "$out"
chmod 600 "$out"

find "$BACKUP_DIR" -maxdepth 1 -name "$PGDATABASE-*.dump" -mtime +"$KEEP_DAYS" -delete
echo "$out"
