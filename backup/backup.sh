#!/bin/sh
# One backup of the shop: the database (pg_dump, custom format) and the media folder (product
# images), together in one file, $BACKUP_DIR/daily/shop-<UTC time>.tar, which restore.sh takes.
# Then the retention: every backup of the last BACKUP_KEEP_DAILY days that have one, and the last
# backup of each of the last BACKUP_KEEP_WEEKLY weeks (weekly/shop-<ISO week>.tar); older ones
# are deleted. With BACKUP_OFFSITE set (an rclone remote:path), the new files are copied there too.
#
# The same script runs in the compose stack's backup service (docker-compose.yml) and for
# `make backup` on the embedded database (backend/app/devbackup.py). It reads:
#   PGHOST PGPORT PGUSER PGPASSWORD PGDATABASE  the database, as libpq reads them
#   MEDIA_DIR                                   the media folder
#   BACKUP_DIR                                  where backups are kept
#   BACKUP_KEEP_DAILY (7) BACKUP_KEEP_WEEKLY (4) BACKUP_OFFSITE (unset: no off-site copy)
set -eu

: "${MEDIA_DIR:?set MEDIA_DIR (the media folder)}"
: "${BACKUP_DIR:?set BACKUP_DIR (where backups are kept)}"
keep_daily=${BACKUP_KEEP_DAILY:-7}
keep_weekly=${BACKUP_KEEP_WEEKLY:-4}

say() { echo "backup: $*"; }

stamp=$(date -u +%Y%m%dT%H%M%SZ)
week=$(date -u +%G-W%V)
mkdir -p "$BACKUP_DIR/daily" "$BACKUP_DIR/weekly"
# Built beside its final place, so a backup is either whole under its name or absent.
work=$(mktemp -d "$BACKUP_DIR/.partial.XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM

revision=$(psql -X -A -t -q -c "SELECT version_num FROM alembic_version" 2>/dev/null || echo unknown)
pg_dump --format=custom --file="$work/database.dump"
if [ -d "$MEDIA_DIR" ]; then
    tar -C "$MEDIA_DIR" -cf "$work/media.tar" .
else
    mkdir "$work/media" && tar -C "$work/media" -cf "$work/media.tar" . && rmdir "$work/media"
fi
{
    echo "created=$stamp"
    echo "schema_revision=$revision"
    echo "pg_dump=$(pg_dump --version)"
} >"$work/manifest.txt"

name="shop-$stamp.tar"
tar -C "$work" -cf "$work/$name" manifest.txt database.dump media.tar
mv "$work/$name" "$BACKUP_DIR/daily/$name"
# The week's newest backup: a second name for the same file (a copy where links are refused).
ln -f "$BACKUP_DIR/daily/$name" "$BACKUP_DIR/weekly/shop-$week.tar" 2>/dev/null \
    || cp "$BACKUP_DIR/daily/$name" "$BACKUP_DIR/weekly/shop-$week.tar"
say "wrote $BACKUP_DIR/daily/$name ($(wc -c <"$BACKUP_DIR/daily/$name") bytes, schema $revision)"

# Retention. Names sort by time: shop-YYYYMMDDTHHMMSSZ.tar and shop-YYYY-Www.tar.
days=$(for file in "$BACKUP_DIR"/daily/shop-*.tar; do basename "$file" | cut -c6-13; done \
    | sort -u -r | head -n "$keep_daily")
for file in "$BACKUP_DIR"/daily/shop-*.tar; do
    day=$(basename "$file" | cut -c6-13)
    if ! echo "$days" | grep -qx "$day"; then
        rm -f "$file" && say "deleted $file (older than $keep_daily days with backups)"
    fi
done
for file in "$BACKUP_DIR"/weekly/shop-*.tar; do echo "$file"; done | sort -r \
    | tail -n "+$((keep_weekly + 1))" | while read -r old; do
        rm -f "$old" && say "deleted $old"
    done

if [ -n "${BACKUP_OFFSITE:-}" ]; then
    # copy, never sync: what is deleted here (or by an intruder here) stays off-site; the
    # off-site store's own lifecycle rules decide how long it keeps them.
    rclone copy "$BACKUP_DIR" "$BACKUP_OFFSITE" --exclude ".partial.*/**" --exclude "last-success"
    say "copied to $BACKUP_OFFSITE"
fi
date -u +%Y-%m-%dT%H:%M:%SZ >"$BACKUP_DIR/last-success"
