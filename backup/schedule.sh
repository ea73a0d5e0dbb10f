#!/bin/sh
# The backup service's loop (docker-compose.yml): a backup every day at BACKUP_TIME (UTC, HH:MM,
# default 02:30), and one at start when the last one is more than a day old or missing. A failed
# backup is retried in an hour. `last-success` in BACKUP_DIR is what the health check reads.
set -eu

: "${BACKUP_DIR:?set BACKUP_DIR}"
at=${BACKUP_TIME:-02:30}
hour=$(echo "$at" | cut -d: -f1 | sed 's/^0//')
minute=$(echo "$at" | cut -d: -f2 | sed 's/^0//')

run() {
    backup.sh || { echo "backup: FAILED; trying again in an hour"; return 1; }
}

mkdir -p "$BACKUP_DIR"
if [ -z "$(find "$BACKUP_DIR/last-success" -mmin -1440 2>/dev/null)" ]; then
    run || true
fi
while :; do
    now=$(( $(date -u +%s) % 86400 ))
    wait=$(( (hour * 3600 + minute * 60 - now + 86400) % 86400 ))
    [ "$wait" -gt 0 ] || wait=86400
    echo "backup: next one in ${wait} s (at $at UTC)"
    sleep "$wait"
    until run; do sleep 3600; done
done
