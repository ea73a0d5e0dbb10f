#!/bin/sh
# Restore one backup made by backup.sh: the database and the media folder as they were.
#
#   restore.sh /path/to/shop-20261123T023000Z.tar
#
# Stop everything that writes first (the API, the worker and beat: see "Restore" in README.md).
# The archive is checked before anything is touched; the database is then replaced in ONE
# transaction (the public schema dropped and the backup's loaded), so a failure leaves it as it
# was; then the media folder's content is replaced. Reads the same variables as backup.sh.
# A backup from an older release has that release's schema: run the migrations afterwards.
set -eu

file=${1:?usage: restore.sh BACKUP_FILE}
: "${MEDIA_DIR:?set MEDIA_DIR (the media folder)}"
say() { echo "restore: $*"; }

[ -f "$file" ] || { say "no such file: $file"; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM

tar -C "$work" -xf "$file" manifest.txt database.dump media.tar
pg_restore --list "$work/database.dump" >/dev/null
tar -tf "$work/media.tar" >/dev/null
say "$(tr '\n' ' ' <"$work/manifest.txt")"

{
    echo "SET client_min_messages = warning;"
    echo "DROP SCHEMA IF EXISTS public CASCADE;"
    echo "CREATE SCHEMA public;"
    # Owners and grants of the server the backup came from need not exist here.
    pg_restore --no-owner --no-privileges --file=- "$work/database.dump"
} | psql -X -q --single-transaction -v ON_ERROR_STOP=1 --file=- >/dev/null
say "database restored"

mkdir -p "$MEDIA_DIR"
find "$MEDIA_DIR" -mindepth 1 -delete
# As root (the backup service), tar gives the files their owners from the archive: the app's
# user in the stack, so the API can write there again.
tar -C "$MEDIA_DIR" -xf "$work/media.tar"
say "media restored into $MEDIA_DIR ($(find "$MEDIA_DIR" -type f | wc -l) files)"
