#!/bin/bash
# vending termination watcher (systemd unit vending-watcher.service). See docs/lifecycle.md.
# Polls the instance metadata service and, on elastic fleets, the runner's own metrics on loopback.
#  - autoscaling/target-lifecycle-state = Terminated (scale-in, rolling replacement): stop taking jobs,
#    let running jobs finish while heartbeating the terminating lifecycle action (up to a limit),
#    unregister this machine, complete the lifecycle action with CONTINUE.
#  - spot/instance-action present (Spot interruption, 2 minutes): stop taking jobs at once, unregister
#    when idle or shortly before the interruption time; complete the lifecycle action only if the
#    Auto Scaling group also moves this instance to Terminated.
# Jobs still running at the drain limit or close to the Spot interruption are aborted by the runner
# itself (SIGTERM after the graceful SIGQUIT: gitlab-runner commands/multi.go handleGracefulShutdown ->
# handleForcefulShutdown -> abortAllBuilds), which reports each one to GitLab as failed before it
# exits; only then does this machine unregister. Never a third signal: that makes the runner exit
# at once without reporting.
#  - elastic fleets (--scale-on): while InService, the busy job slots (gitlab_runner_jobs) decide the instance's
#    scale-in protection (set while jobs run, cleared when idle: scale-in takes idle runners first), and with
#    jobs:TARGET the watcher publishes busy/concurrent as JobSlotUtilization (percent) once a minute, dimension
#    AutoScalingGroupName, which the group's target tracking policy averages.
# Settings come from the environment (/etc/vending/watcher.env); tests override the timings and URLs.
set -euo pipefail
export LC_ALL=C

: "${VENDING_ASG:?}" "${VENDING_TERMINATE_HOOK:?}"
IMDS_URL=${VENDING_IMDS_URL:-http://169.254.169.254}
POLL=${VENDING_POLL_SECONDS:-5}
HEARTBEAT=${VENDING_HEARTBEAT_SECONDS:-120}
DRAIN_LIMIT=${VENDING_DRAIN_LIMIT_SECONDS:-7200}
# Abort this long before a Spot interruption: the runner's shutdown_timeout (30 s) plus time to unregister.
SPOT_MARGIN=${VENDING_SPOT_MARGIN_SECONDS:-60}
# How long the runner gets to report its aborted jobs and exit (its shutdown_timeout, 30 s, plus a margin).
ABORT_WAIT=${VENDING_ABORT_SECONDS:-40}
# the runner's listen_address (linux.sh sets it in config.toml)
METRICS_URL=${VENDING_RUNNER_METRICS_URL:-http://127.0.0.1:9252/metrics}
NAMESPACE=${VENDING_METRIC_NAMESPACE:-}
PROTECT=${VENDING_PROTECT_BUSY:-}
PUBLISH_EVERY=${VENDING_PUBLISH_SECONDS:-60}

log() { printf '%s vending-watcher: %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$*"; }

# Seconds with up to 3 decimals to milliseconds, in bash arithmetic.
ms() {
  local int=${1%%.*} frac=000
  if [[ $1 == *.* ]]; then frac="${1#*.}000"; fi
  echo $((10#${int:-0} * 1000 + 10#${frac:0:3}))
}
now_ms() { local t=${EPOCHREALTIME/./}; echo $((t / 1000)); }

TOKEN='' TOKEN_AT=0
imds_token() {
  TOKEN=$(curl -sS -f -m 2 -X PUT "$IMDS_URL/latest/api/token" -H 'X-aws-ec2-metadata-token-ttl-seconds: 21600') || TOKEN=''
  TOKEN_AT=$(now_ms)
}
# Prints the body of latest/meta-data/$1. Returns 0 on 200, 1 on 404 (nothing to report), 2 otherwise.
imds_get() {
  local out code
  if [ -z "$TOKEN" ] || (($(now_ms) - TOKEN_AT > 3600000)); then imds_token; fi
  out=$(curl -sS -m 2 -w '\n%{http_code}' -H "X-aws-ec2-metadata-token: $TOKEN" "$IMDS_URL/latest/meta-data/$1") || return 2
  code=${out##*$'\n'}
  case "$code" in
    200) printf '%s' "${out%$'\n'*}" ;;
    404) return 1 ;;
    401) TOKEN=''; return 2 ;;
    *) return 2 ;;
  esac
}

asg() { aws autoscaling "$@" --auto-scaling-group-name "$VENDING_ASG" --lifecycle-hook-name "$VENDING_TERMINATE_HOOK" --instance-id "$INSTANCE_ID"; }
heartbeat() { asg record-lifecycle-action-heartbeat || log "lifecycle heartbeat failed (will retry)"; }
complete() {
  local i
  for i in 1 2 3 4 5; do
    if asg complete-lifecycle-action --lifecycle-action-result CONTINUE; then
      log "lifecycle action completed (CONTINUE): Auto Scaling terminates this instance now"
      return 0
    fi
    log "complete-lifecycle-action failed (attempt $i)"
    sleep "$i"
  done
  log "could not complete the lifecycle action: Auto Scaling continues after the hook's heartbeat timeout"
}

# Busy job slots, all slots and busy percent from the runner's Prometheus text: gitlab_runner_jobs counts the
# jobs the runner holds, one series per state (pending, running, ...; the "idle" series is 0);
# gitlab_runner_concurrent is its concurrent setting. Fails while the runner does not answer (pipefail).
slots() {
  curl -fsS -m 2 "$METRICS_URL" | awk -v c="${VENDING_CONCURRENCY:-0}" '
    $1 ~ /^gitlab_runner_jobs([{]|$)/ { b += $NF }
    $1 == "gitlab_runner_concurrent" && $NF > 0 { c = $NF }
    END { if (c <= 0) exit 1; printf "%d %d %.2f\n", b, c, b < c ? b * 100 / c : 100 }'
}
# Protected from scale-in while any job runs, so scale-in takes an idle runner first; the state is re-sent after
# a restart of the watcher (PROTECTED starts empty). The busy percentage is published once a minute.
PROTECTED='' NEXT_PUT=0
elastic() {
  local s b c pct p=no
  s=$(slots) || return 0
  read -r b c pct <<<"$s"
  if ((b > 0)); then p=yes; fi
  if [ -n "$PROTECT" ] && [ "$p" != "$PROTECTED" ] && aws autoscaling set-instance-protection --instance-ids "$INSTANCE_ID" \
    --auto-scaling-group-name "$VENDING_ASG" "--$([ $p = yes ] || echo no-)protected-from-scale-in"; then
    PROTECTED=$p
    log "scale-in protection $p ($b/$c busy)"
  fi
  if [ -n "$NAMESPACE" ] && (($(now_ms) >= NEXT_PUT)); then
    NEXT_PUT=$(($(now_ms) + $(ms "$PUBLISH_EVERY")))
    aws cloudwatch put-metric-data --namespace "$NAMESPACE" --metric-name JobSlotUtilization --unit Percent \
      --dimensions "AutoScalingGroupName=$VENDING_ASG" --value "$pct" || :
  fi
}

until INSTANCE_ID=$(imds_get instance-id); do log "instance metadata not reachable yet"; sleep "$POLL"; done
log "watching $INSTANCE_ID (ASG $VENDING_ASG): target-lifecycle-state and spot/instance-action every ${POLL}s"

STOP_PID='' DRAIN_START=0 DEADLINE=0 ABORT_DEADLINE='' UNREGISTERED='' LIFECYCLE='' LAST_BEAT=0 WHY='' SPOT_SEEN=''
begin_drain() { # $1 reason, $2 deadline (ms since epoch)
  [ -z "$STOP_PID" ] || return 0
  log "$1: stopping the runner gracefully (no new jobs; running jobs may finish)"
  DRAIN_START=$(now_ms)
  DEADLINE=$2
  WHY=$1
  gitlab-runner stop & # systemctl stop: the unit's KillSignal=SIGQUIT, waits until the runner exits
  STOP_PID=$!
}
stopping() { [ -n "$STOP_PID" ] && kill -0 "$STOP_PID" 2>/dev/null; }
# One SIGTERM to the runner's main process only (its jobs' processes are the runner's to end): the
# runner aborts every job, reports each as failed (failure reason runner_interrupted, or
# unknown_failure where GitLab does not list that one) and exits within its shutdown_timeout.
abort_jobs() {
  if [ "$WHY" = "scale-in or replacement" ]; then
    log "drain limit reached with jobs still running: the runner aborts them and reports them failed to GitLab"
  else
    log "$WHY: jobs still running ${SPOT_MARGIN}s before the interruption: the runner aborts them and reports them failed to GitLab"
  fi
  systemctl kill --kill-whom=main --signal=SIGTERM gitlab-runner.service || log "could not signal the runner"
  ABORT_DEADLINE=$(($(now_ms) + $(ms "$ABORT_WAIT")))
}
unregister() {
  if stopping; then
    log "the runner has not exited ${ABORT_WAIT}s after the abort; unregistering anyway"
    kill "$STOP_PID" 2>/dev/null || true
  else
    wait "$STOP_PID" || log "gitlab-runner stop exited with status $?"
    log "runner stopped after $((($(now_ms) - DRAIN_START) / 1000))s"
  fi
  gitlab-runner unregister --all-runners || log "unregister failed; GitLab removes the stale runner manager later"
  UNREGISTERED=yes
}

poll=$(ms "$POLL")
while :; do
  state=$(imds_get autoscaling/target-lifecycle-state) || state=''
  if [ -z "$SPOT_SEEN" ] && spot=$(imds_get spot/instance-action); then
    SPOT_SEEN=yes
    log "Spot interruption notice: $spot"
    at=$(sed -n 's/.*"time" *: *"\([^"]*\)".*/\1/p' <<<"$spot")
    epoch=$(date -u -d "$at" +%s 2>/dev/null) || epoch=$(($(now_ms) / 1000 + 120))
    spot_deadline=$(((epoch - 10#$SPOT_MARGIN) * 1000))
    if [ -z "$STOP_PID" ]; then
      begin_drain "Spot interruption" "$spot_deadline"
    elif [ -z "$ABORT_DEADLINE" ] && ((spot_deadline < DEADLINE)); then
      log "Spot interruption during the drain: running jobs are aborted ${SPOT_MARGIN}s before it"
      DEADLINE=$spot_deadline WHY="Spot interruption"
    fi
  fi
  if [ "$state" = Terminated ] && [ -z "$LIFECYCLE" ]; then
    LIFECYCLE=yes
    LAST_BEAT=$(now_ms)
    log "Auto Scaling is terminating this instance (target-lifecycle-state Terminated)"
    begin_drain "scale-in or replacement" $((LAST_BEAT + $(ms "$DRAIN_LIMIT")))
  fi
  if [ -n "$STOP_PID" ] && [ -z "$UNREGISTERED" ]; then
    if ! stopping; then
      unregister
    elif [ -z "$ABORT_DEADLINE" ] && (($(now_ms) >= DEADLINE)); then
      abort_jobs
    elif [ -n "$ABORT_DEADLINE" ] && (($(now_ms) >= ABORT_DEADLINE)); then
      unregister
    elif [ -n "$LIFECYCLE" ] && (($(now_ms) - LAST_BEAT >= $(ms "$HEARTBEAT"))); then
      LAST_BEAT=$(now_ms)
      log "jobs still running: heartbeat for the terminating lifecycle action"
      heartbeat
    fi
  fi
  # leaving instances no longer count as capacity: no protection changes, no datapoints
  if [ -z "$STOP_PID" ] && { [ -n "$PROTECT" ] || [ -n "$NAMESPACE" ]; }; then elastic; fi
  if [ -n "$UNREGISTERED" ] && [ -n "$LIFECYCLE" ]; then
    complete
    exit 0
  fi
  sleep "$((poll / 1000)).$(printf '%03d' $((poll % 1000)))"
done
