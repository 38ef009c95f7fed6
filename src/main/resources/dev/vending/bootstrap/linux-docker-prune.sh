#!/bin/bash
# vending-docker-prune FULL_PERCENT STATE_FILE: removes what CI jobs leave in Docker, never what a running job
# uses. vending-docker-prune.timer runs it hourly (docs/lifecycle.md, "Docker's disk"):
#  - stopped containers and unused networks created over 24 h ago (a running job's are running, or younger);
#  - build cache not used for 24 h (for build cache, Docker's until filter is the time of last use);
#  - images no container uses that no container used at the previous run either. Docker's own until filter
#    for images is their build date, so it would take an image pulled seconds ago for a job whose container
#    does not exist yet; STATE_FILE keeps the unused images of the previous run;
#  - once Docker's disk is FULL_PERCENT full and no job runs: every unused volume (the runner's /cache and
#    /builds volumes; a job's next stage reuses them, so never while a job runs) and all unused build cache.
set -uo pipefail
full=$1 state=$2
docker info >/dev/null 2>&1 || { echo "Docker is not running: nothing to prune"; exit 0; }
docker container prune --force --filter until=24h
docker network prune --force --filter until=24h
docker builder prune --all --force --filter until=24h
used=$(docker ps --all --quiet --no-trunc | xargs -r docker inspect --format '{{.Image}}' | sort -u)
unused=$(docker images --quiet --no-trunc | sort -u | comm -23 - <(printf '%s\n' "$used" | sed '/^$/d'))
for id in $(comm -12 <(printf '%s\n' "$unused") <(sort -u "$state" 2>/dev/null)); do
  # by each tag, then the id, without --force: an image a container took meanwhile stays
  # shellcheck disable=SC2046 # the tags are words
  docker rmi $(docker image inspect --format '{{join .RepoTags " "}}' "$id" 2>/dev/null) "$id" >/dev/null 2>&1 &&
    echo "removed image $id (unused for an hour)"
done
printf '%s\n' "$unused" >"$state"
# Busy: the runner's job count where a runner runs here (docker executor), else any running container.
busy() {
  local jobs
  if jobs=$(curl -fsS -m 2 http://127.0.0.1:9252/metrics 2>/dev/null | awk '$1 ~ /^gitlab_runner_jobs([{]|$)/ { b += $NF } END { print b + 0 }'); then
    [ "$jobs" != 0 ]
  else
    [ -n "$(docker ps --quiet)" ]
  fi
}
pct=$(df --output=pcent "$(docker info --format '{{.DockerRootDir}}')" | tail -n 1 | tr -dc 0-9)
if [ "${pct:-0}" -ge "$full" ]; then
  if busy; then
    echo "Docker's disk is $pct% full; jobs are running, so volumes stay until the next run"
  else
    echo "Docker's disk is $pct% full and no job runs: removing unused volumes and build cache"
    docker volume prune --all --force
    docker builder prune --all --force
  fi
fi
