set -Eeuo pipefail
umask 077
export AWS_DEFAULT_REGION="$VENDING_REGION" AWS_REGION="$VENDING_REGION" AWS_RETRY_MODE=standard
LOG=/var/log/vending-bootstrap.log
exec > >(tee -a "$LOG") 2>&1

log() { printf '%s vending: %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$*"; }

# A failed bootstrap is reported, never a silent hang: any exit before the end abandons the launch.
INSTANCE_ID='' DONE='' LINE=0 LOGS_SHIPPED=''
trap 'LINE=$LINENO' ERR
on_exit() {
  local rc=$?
  [ -z "$DONE" ] || return 0
  log "bootstrap FAILED (exit $rc near line $LINE of /run/vending-bootstrap.sh); abandoning the launch so Auto Scaling replaces this instance"
  if [ -n "$LOGS_SHIPPED" ]; then sleep 15; fi # let the CloudWatch agent ship this log first
  if [ -n "$INSTANCE_ID" ]; then
    lifecycle ABANDON
    if systematic; then signal FAILURE; fi
  fi
}
trap on_exit EXIT
lifecycle() {
  aws autoscaling complete-lifecycle-action --auto-scaling-group-name "$VENDING_ASG" \
    --lifecycle-hook-name "$VENDING_LAUNCH_HOOK" --instance-id "$INSTANCE_ID" \
    --lifecycle-action-result "$1" || log "could not complete the launch lifecycle action ($1)"
}

# Stack creation and each rolling-update batch wait for one signal per new instance (docs/lifecycle.md).
# Outside those (scale-out, schedules, replacements) CloudFormation refuses it (the CLI logs why): harmless.
signal() {
  aws cloudformation signal-resource --stack-name "$VENDING_STACK" --logical-resource-id "$VENDING_SIGNAL_RESOURCE" \
    --unique-id "$INSTANCE_ID" --status "$1" || true
}
# One FAILURE signal fails the whole stack operation at once, so one bad instance (a Spot instance reclaimed
# while booting, a bad host) only abandons its launch and the group replaces it. Systematic (docs/lifecycle.md):
# this and 2 more failures since the stack operation began (at most 1 h ago), no runner registered since, and
# this instance of the group's launch template version (not a rollback's leftover). Unknown is not.
systematic() {
  local since began v mine current failed registered
  since=$(( ($(date +%s) - 3600) * 1000 ))
  began=$(aws cloudformation describe-stacks --stack-name "$VENDING_STACK" \
    --query 'Stacks[0].LastUpdatedTime || Stacks[0].CreationTime' --output text) && began=$(date -u -d "$began" +%s%3N) || return 1
  if [ "$began" -gt "$since" ]; then since=$began; fi
  v=$(aws autoscaling describe-auto-scaling-groups --auto-scaling-group-names "$VENDING_ASG" --output text --query "AutoScalingGroups[0].\
[Instances[?InstanceId=='$INSTANCE_ID']|[0].LaunchTemplate.Version,MixedInstancesPolicy.LaunchTemplate.LaunchTemplateSpecification.Version]") || return 1
  read -r mine current <<<"$v"
  if [ "$mine" != "$current" ]; then log "launch template version $mine, the group's $current"; return 1; fi
  failed=$(logged "$since" '"bootstrap FAILED"') && registered=$(logged "$since" '"registered (concurrency"') || return 1
  log "since the stack operation began: $failed failed bootstraps, $registered registered"
  [ "$failed" -ge 3 ] && [ "$registered" -eq 0 ] && log "systematic failure: signalling FAILURE to CloudFormation"
}
# json: with text output the CLI applies --query to each page
logged() {
  aws logs filter-log-events --log-group-name "$VENDING_LOG_GROUP" --start-time "$1" --filter-pattern "$2" \
    --query 'length(events)' --output json | grep -x '[0-9][0-9]*'
}

IMDS=http://169.254.169.254/latest
IMDS_TOKEN=$(curl -fsS -m 5 --retry 5 --retry-connrefused -X PUT "$IMDS/api/token" -H 'X-aws-ec2-metadata-token-ttl-seconds: 21600')
imds() { curl -fsS -m 5 --retry 3 -H "X-aws-ec2-metadata-token: $IMDS_TOKEN" "$IMDS/$1"; }
INSTANCE_ID=$(imds meta-data/instance-id)
ACCOUNT_ID=$(imds dynamic/instance-identity/document | sed -n 's/.*"accountId" *: *"\([0-9]*\)".*/\1/p')
LIFECYCLE=$(imds meta-data/instance-life-cycle || echo on-demand)
if [ "$LIFECYCLE" = spot ]; then COMPUTETYPE=computetype-spot; else COMPUTETYPE=computetype-ondemand; fi
RUNNER_NAME="${INSTANCE_ID}-in-${ACCOUNT_ID}-at-${VENDING_REGION}"
TAGS="$COMPUTETYPE,$VENDING_FIXED_TAGS${VENDING_USER_TAGS:+,$VENDING_USER_TAGS}"
log "bootstrapping $RUNNER_NAME (stack $VENDING_STACK, fleet $VENDING_FLEET, $VENDING_EXECUTOR executor, $LIFECYCLE)"

# Installs what is missing: a pre-baked image (--image-id) that has the packages skips the download.
need() {
  local p missing=()
  for p; do rpm -q "$p" >/dev/null || missing+=("$p"); done
  [ ${#missing[@]} = 0 ] || dnf install -y -q "${missing[@]}"
}

# Logs first, so that any later failure is readable in CloudWatch Logs.
if ! need amazon-cloudwatch-agent; then
  log "cannot install packages from the Amazon Linux repositories (check the subnet's route to the internet, a NAT gateway or an S3 endpoint)"
  false
fi
touch /var/log/gitlab-runner.log /var/log/vending-watcher.log
stream() { printf '{"file_path":"%s","log_group_name":"%s","log_stream_name":"{instance_id}/%s","timezone":"UTC"}' "$1" "$VENDING_LOG_GROUP" "$2"; }
CW=/opt/aws/amazon-cloudwatch-agent/etc/vending.json
printf '{"agent":{"run_as_user":"root"},"logs":{"logs_collected":{"files":{"collect_list":[%s,%s,%s]}}}}\n' \
  "$(stream "$LOG" bootstrap)" "$(stream /var/log/gitlab-runner.log runner)" "$(stream /var/log/vending-watcher.log watcher)" >"$CW"
/opt/aws/amazon-cloudwatch-agent/bin/amazon-cloudwatch-agent-ctl -a fetch-config -m ec2 -s -c "file:$CW" >/dev/null
LOGS_SHIPPED=yes
log "shipping logs to CloudWatch Logs group $VENDING_LOG_GROUP, streams $INSTANCE_ID/{bootstrap,runner,watcher}"
# The launch template tags what every runner has; this instance's EC2 tag says its own (computetype from IMDS).
aws ec2 create-tags --resources "$INSTANCE_ID" --tags "[{\"Key\":\"vending:runner-tags\",\"Value\":\"$TAGS\"}]" || true

# Reachability: a clear line beats a hang in curl or gitlab-runner register.
for url in "$VENDING_GITLAB_URL" https://gitlab-runner-downloads.s3.amazonaws.com; do
  if ! curl -sS -o /dev/null -m 20 --retry 3 --retry-connrefused "$url"; then
    log "cannot reach $url (check the subnet's route to the internet or NAT, and security group egress)"
    false
  fi
done

# Jobs never reach IMDS, and so never the instance role that reads the runner token (docs/security.md):
# iptables drops the job user's and Docker containers' traffic to the metadata addresses; the runner
# waits for those rules, and Docker re-applies its rule at each start (it rebuilds its chains).
PRE=''
@@PART:linux-docker-host.sh@@
if [ "$VENDING_JOBS_IMDS" = blocked ]; then
  dnf install -y -q iptables-nft
  imds_firewall
  # the runner starts only once its jobs' rule is in place (ExecStartPre, at every start and boot)
  PRE='ExecStartPre=/usr/local/sbin/vending-imds-firewall jobs-user gitlab-runner'
fi
if [ "$VENDING_EXECUTOR" = docker ]; then
  need docker
  docker_disk
  systemctl enable --now docker
else
  need git
fi

# An image's gitlab-runner is kept when it is the requested version (or any version for "latest").
have=$(/usr/local/bin/gitlab-runner --version 2>/dev/null | sed -n 's/^Version: *//p') || have=''
if [ -z "$have" ] || [[ $VENDING_RUNNER_VERSION != @(latest|"$have") ]]; then
  if [ "$VENDING_RUNNER_VERSION" = latest ]; then rel=latest; else rel="v$VENDING_RUNNER_VERSION"; fi
  url="https://gitlab-runner-downloads.s3.amazonaws.com/$rel/binaries/gitlab-runner-linux-$VENDING_ARCH"
  if ! curl -fsSL --retry 5 -o /usr/local/bin/gitlab-runner "$url"; then
    log "cannot download gitlab-runner $VENDING_RUNNER_VERSION from $url (does that version exist?)"
    false
  fi
  chmod 0755 /usr/local/bin/gitlab-runner
fi
log "installed $(/usr/local/bin/gitlab-runner --version | head -n 1)"
id gitlab-runner >/dev/null 2>&1 || useradd --comment 'GitLab Runner' --create-home --shell /bin/bash gitlab-runner
if [ "$VENDING_EXECUTOR" = docker ]; then usermod -aG docker gitlab-runner; fi
gitlab-runner install --user=gitlab-runner --working-directory=/home/gitlab-runner
# Graceful stop: SIGQUIT makes the runner take no new jobs and wait for running ones. At the drain limit
# the watcher sends one SIGTERM, which makes the runner abort its jobs and report them failed within its
# shutdown_timeout (30 s, below); systemd's own SIGKILL comes 60 s after the drain limit, later than that.
mkdir -p /etc/systemd/system/gitlab-runner.service.d
cat >/etc/systemd/system/gitlab-runner.service.d/vending.conf <<UNIT
[Service]
$PRE
KillSignal=SIGQUIT
KillMode=mixed
TimeoutStopSec=$((VENDING_DRAIN_LIMIT + 60))
StandardOutput=append:/var/log/gitlab-runner.log
StandardError=inherit
UNIT

# The token never touches disk or the process list: a variable, handed over in the environment.
read_token() {
  case "$VENDING_TOKEN_SOURCE" in
    ssm:*) aws ssm get-parameter --with-decryption --name "${VENDING_TOKEN_SOURCE#ssm:}" --query Parameter.Value --output text ;;
    secretsmanager:*) aws secretsmanager get-secret-value --secret-id "${VENDING_TOKEN_SOURCE#secretsmanager:}" \
      --query SecretString --output text ;;
    *) echo "unknown token source (expected ssm:NAME or secretsmanager:ARN)" >&2; return 1 ;;
  esac
}
if ! TOKEN=$(read_token); then log "cannot read the runner token from $VENDING_TOKEN_SOURCE (instance role permissions?)"; false; fi
if [ -z "$TOKEN" ] || [ "$TOKEN" = None ]; then log "the runner token from $VENDING_TOKEN_SOURCE is empty"; false; fi

# A fleet shape's own step before registering (the docker-autoscaler manager defines it, see its part).
if declare -F vending_before_register >/dev/null; then vending_before_register; fi
args=(register --non-interactive --url "$VENDING_GITLAB_URL" --name "$RUNNER_NAME" --executor "$VENDING_EXECUTOR")
# docker-autoscaler runs the same docker settings on its workers (register asks for them as flags)
if [ "$VENDING_EXECUTOR" = docker ] || [ "$VENDING_EXECUTOR" = docker-autoscaler ]; then
  args+=(--docker-image "$VENDING_DOCKER_IMAGE" --docker-privileged="$VENDING_DOCKER_PRIVILEGED" --docker-volumes /cache)
fi
if [ "$VENDING_CACHE" = s3 ]; then
  args+=(--cache-type s3 --cache-shared --cache-s3-server-address "s3.$VENDING_REGION.amazonaws.com"
    --cache-s3-bucket-name "$VENDING_CACHE_BUCKET" --cache-s3-bucket-location "$VENDING_REGION"
    --cache-s3-authentication_type iam)
fi
if [[ "$TOKEN" == glrt-* ]]; then
  log "registering with a runner authentication token (tags, locking and run-untagged are set in GitLab)"
  if ! CI_SERVER_TOKEN="$TOKEN" gitlab-runner "${args[@]}"; then log "registration with $VENDING_GITLAB_URL failed"; false; fi
else
  log "registering with a legacy registration token, tags $TAGS"
  if ! REGISTRATION_TOKEN="$TOKEN" gitlab-runner "${args[@]}" --tag-list "$TAGS" --run-untagged=false --locked=false; then
    log "registration with $VENDING_GITLAB_URL failed"
    false
  fi
fi
unset TOKEN
# listen_address serves the runner's Prometheus metrics, on loopback only: the watcher reads busy job slots there
# (its default VENDING_RUNNER_METRICS_URL).
sed -i "s/^concurrent = .*/concurrent = $VENDING_CONCURRENCY\nlisten_address = \"127.0.0.1:9252\"/" /etc/gitlab-runner/config.toml
grep -q "^concurrent = $VENDING_CONCURRENCY\$" /etc/gitlab-runner/config.toml
# How long the runner has, after the watcher's SIGTERM, to report aborted jobs before it exits anyway.
grep -q '^shutdown_timeout' /etc/gitlab-runner/config.toml || sed -i '/^concurrent = /a shutdown_timeout = 30' /etc/gitlab-runner/config.toml
# config.toml holds the runner's token: root only (shell jobs run as gitlab-runner)
chown root:root /etc/gitlab-runner/config.toml; chmod 0600 /etc/gitlab-runner/config.toml

# Termination watcher (IMDS only) and unregister-on-poweroff for instances terminated outside the group.
mkdir -p /etc/vending
printf 'VENDING_%s\n' "ASG=$VENDING_ASG" "TERMINATE_HOOK=$VENDING_TERMINATE_HOOK" "DRAIN_LIMIT_SECONDS=$VENDING_DRAIN_LIMIT" \
  "CONCURRENCY=$VENDING_CONCURRENCY" "METRIC_NAMESPACE=$VENDING_METRIC_NAMESPACE" \
  "PROTECT_BUSY=$VENDING_PROTECT_BUSY" >/etc/vending/watcher.env
printf 'AWS_DEFAULT_REGION=%s\nAWS_RETRY_MODE=standard\n' "$VENDING_REGION" >>/etc/vending/watcher.env
cat >/usr/local/sbin/vending-watcher <<'VENDING_EOF'
@@INCLUDE:linux-watcher.sh@@
VENDING_EOF
cat >/usr/local/sbin/vending-unregister-on-shutdown <<'VENDING_EOF'
@@INCLUDE:linux-unregister-on-shutdown.sh@@
VENDING_EOF
chmod 0700 /usr/local/sbin/vending-watcher /usr/local/sbin/vending-unregister-on-shutdown
cat >/etc/systemd/system/vending-watcher.service <<'UNIT'
[Unit]
Description=vending: drain and unregister the runner when Auto Scaling or Spot terminates this instance
Wants=network-online.target
After=network-online.target gitlab-runner.service
[Service]
EnvironmentFile=/etc/vending/watcher.env
ExecStart=/usr/local/sbin/vending-watcher
Restart=on-failure
RestartSec=5
StandardOutput=append:/var/log/vending-watcher.log
StandardError=inherit
[Install]
WantedBy=multi-user.target
UNIT
cat >/etc/systemd/system/vending-unregister.service <<'UNIT'
[Unit]
Description=vending: unregister the runner when this instance powers off (not on reboot)
Wants=network-online.target
After=network-online.target
[Service]
Type=oneshot
RemainAfterExit=yes
ExecStart=/bin/true
ExecStop=/usr/local/sbin/vending-unregister-on-shutdown
TimeoutStopSec=60
StandardOutput=append:/var/log/vending-watcher.log
StandardError=inherit
[Install]
WantedBy=multi-user.target
UNIT
systemctl daemon-reload
systemctl enable gitlab-runner vending-unregister vending-watcher
# Before the runner: ordered After= it, the watcher would wait for a queued start (docs/docker-autoscaler.md)
systemctl start vending-unregister vending-watcher
# A fleet shape may start the runner its own way (the docker-autoscaler manager waits for its predecessor).
if declare -F vending_start_runner >/dev/null; then vending_start_runner; else systemctl restart gitlab-runner; fi
gitlab-runner verify >/dev/null

log "runner $RUNNER_NAME registered (concurrency $VENDING_CONCURRENCY); ready: completing the launch lifecycle action"
DONE=yes
lifecycle CONTINUE
signal SUCCESS
