#!/bin/sh
# Restore one backup made by backup.sh: the database and the media folder as they were.
#
#   restore.sh /path/to/shop-20261123T023000Z.tar
#
# Stop everything that writes first (the API, the worker and beat: see "Restore" in README.md).
# The archive is checked before anything is touched. While the shop's own sessions (the API's
# and the worker's, application_name "shop") are connected to the database, the restore refuses
# and says what to stop, unless RESTORE_CLOSE_SESSIONS=yes: then every other session of the
# database is closed. The database is then replaced in ONE transaction that first holds every
# table without ever waiting for one (fence.sql: never a deadlock with a session still there,
# never a wait without end), then drops the public schema and loads the backup's, so a failure
# leaves it as it was; then the media folder's content is replaced. Reads the same variables as
# backup.sh, and RESTORE_CLOSE_SESSIONS (yes or no, default no).
# A backup from an older release has that release's schema: run the migrations afterwards.
set -eu

file=${1:?usage: restore.sh BACKUP_FILE}
: "${MEDIA_DIR:?set MEDIA_DIR (the media folder)}"
close=${RESTORE_CLOSE_SESSIONS:-no}
say() { echo "restore: $*"; }
case $close in
    yes | no) ;;
    *) say "RESTORE_CLOSE_SESSIONS is yes or no, not '$close'"; exit 2 ;;
esac
fence=$(dirname "$0")/fence.sql
[ -f "$fence" ] || { say "fence.sql is missing beside $0"; exit 1; }
# Its own name in pg_stat_activity, never the shop's.
export PGAPPNAME=shop-restore

[ -f "$file" ] || { say "no such file: $file"; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM

tar -C "$work" -xf "$file" manifest.txt database.dump media.tar
pg_restore --list "$work/database.dump" >/dev/null
tar -tf "$work/media.tar" >/dev/null
say "$(tr '\n' ' ' <"$work/manifest.txt")"

# The database's name, and how many other sessions it has: of the shop, and in all.
sessions=$(psql -X -A -t -q -F ' ' -c "SELECT current_database(),
    count(*) FILTER (WHERE application_name = 'shop'), count(*)
    FROM pg_stat_activity
    WHERE datname = current_database() AND pid <> pg_backend_pid()
        AND backend_type = 'client backend'")
read -r database shop_sessions other_sessions <<EOF
$sessions
EOF
if [ "$close" = yes ]; then
    [ "$other_sessions" -eq 0 ] || say "closing the $other_sessions other sessions of" \
        "database $database (RESTORE_CLOSE_SESSIONS=yes)"
elif [ "$shop_sessions" -gt 0 ]; then
    say "refused, nothing was changed: the shop is running ($shop_sessions of its sessions are" \
        "connected to database $database). Stop what writes to it first: docker compose stop" \
        "api worker beat (make run: Ctrl-C), then restore again; or set RESTORE_CLOSE_SESSIONS=yes" \
        "to close every other session of the database for the restore."
    exit 1
fi

{
    echo "SET client_min_messages = warning;"
    echo "SET LOCAL shop_fence.close_sessions = '$close';"
    cat "$fence"
    # The fence holds every table; what else the DROP needs is never waited for long.
    echo "SET LOCAL lock_timeout = '10s';"
    echo "DROP SCHEMA IF EXISTS public CASCADE;"
    echo "CREATE SCHEMA public;"
    # Owners and grants of the server the backup came from need not exist here.
    pg_restore --no-owner --no-privileges --file=- "$work/database.dump"
} | psql -X -q --single-transaction -v ON_ERROR_STOP=1 --file=- >/dev/null || {
    say "failed, nothing was changed: the database is as it was (the error is above)"
    exit 1
}
say "database restored"

mkdir -p "$MEDIA_DIR"
find "$MEDIA_DIR" -mindepth 1 -delete
# As root (the backup service), tar gives the files their owners from the archive: the app's
# user in the stack, so the API can write there again.
tar -C "$MEDIA_DIR" -xf "$work/media.tar"
say "media restored into $MEDIA_DIR ($(find "$MEDIA_DIR" -type f | wc -l) files)"
