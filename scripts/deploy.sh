#!/usr/bin/env bash
# `make deploy`: this checkout's release onto the running compose stack, the API without a gap.
#
#   1. build the images (backend, nginx, backup), and take a backup (the backup service);
#   2. run the migrations while the old release still serves: a release's migrations only
#      expand the schema (README.md, "Upgrades"), so the old code keeps working on it;
#   3. replace the worker and beat (a task in flight finishes first, unfinished ones are
#      redelivered: acks_late);
#   4. start as many new API replicas as are running, wait until each is healthy, give nginx
#      time to see them (it asks Docker's DNS every 10 s), then stop the old ones gracefully;
#      a new replica that does not become healthy is removed and the old ones keep serving;
#   5. recreate nginx and the backup service if their image or configuration changed.
#
# The same sequence as docker-rollout and similar tools: scale up beside the old containers
# (--no-recreate), wait for health, retire the old ones.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { echo "[deploy] $*"; }
health() { docker inspect --format '{{if .State.Health}}{{.State.Health.Status}}{{else}}none{{end}}' "$1"; }

say "building the images"
docker compose build
if [ -n "$(docker compose ps -q backup)" ]; then
    say "a backup before anything changes"
    docker compose exec -T backup backup.sh
fi
say "migrations (the old release keeps serving)"
docker compose run --rm migrate
say "worker and beat"
docker compose up -d --no-deps worker beat

old=$(docker compose ps -q api)
if [ -z "$old" ]; then
    say "no API running: starting the stack"
    docker compose up -d
    exit 0
fi
count=$(wc -l <<<"$old")
say "starting $count new API replicas beside the $count running"
docker compose up -d --no-deps --no-recreate --scale "api=$((count * 2))" api
new=$(docker compose ps -q api | grep -vxF "$old" || true)

deadline=$((SECONDS + 180))
for id in $new; do
    until [ "$(health "$id")" = healthy ]; do
        if [ "$(health "$id")" = unhealthy ] || [ "$SECONDS" -gt "$deadline" ]; then
            say "replica ${id:0:12} is not healthy: removing the new replicas, the old ones stay"
            docker logs --tail 50 "$id" || true
            # shellcheck disable=SC2086 # one id per word
            docker rm -f $new >/dev/null
            exit 1
        fi
        sleep 2
    done
    say "replica ${id:0:12} is healthy"
done
say "waiting 15 s for nginx to resolve the new replicas"
sleep 15

for id in $old; do
    say "stopping old replica ${id:0:12}"
    docker stop --time 30 "$id" >/dev/null
    docker rm "$id" >/dev/null
done
docker compose up -d --no-deps --no-recreate --scale "api=$count" api

say "nginx and the backup service"
docker compose up -d --no-deps nginx backup
docker compose ps
say "done"
