# ---- body: static, identical for every fleet ----
set -euo pipefail
umask 077
export AWS_DEFAULT_REGION="$VENDING_REGION" AWS_REGION="$VENDING_REGION"
LOG=/var/log/vending-bootstrap.log
exec > >(tee -a "$LOG" | logger -t vending-bootstrap) 2>&1

log() { printf '%s vending: %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$*"; }

imds_token() {
  curl -fsS -m 5 -X PUT http://169.254.169.254/latest/api/token -H 'X-aws-ec2-metadata-token-ttl-seconds: 21600'
}
IMDS_TOKEN=$(imds_token)
imds() { curl -fsS -m 5 -H "X-aws-ec2-metadata-token: $IMDS_TOKEN" "http://169.254.169.254/latest/meta-data/$1"; }

INSTANCE_ID=$(imds instance-id)
ACCOUNT_ID=$(curl -fsS -m 5 -H "X-aws-ec2-metadata-token: $IMDS_TOKEN" \
  http://169.254.169.254/latest/dynamic/instance-identity/document | sed -n 's/.*"accountId" *: *"\([0-9]*\)".*/\1/p')
LIFECYCLE=$(imds instance-life-cycle || echo on-demand)
if [ "$LIFECYCLE" = spot ]; then COMPUTETYPE=computetype-spot; else COMPUTETYPE=computetype-ondemand; fi
RUNNER_NAME="${INSTANCE_ID}-in-${ACCOUNT_ID}-at-${VENDING_REGION}"
TAGS="$COMPUTETYPE,$VENDING_FIXED_TAGS${VENDING_USER_TAGS:+,$VENDING_USER_TAGS}"

lifecycle() {
  aws autoscaling complete-lifecycle-action --auto-scaling-group-name "$VENDING_ASG" \
    --lifecycle-hook-name "$VENDING_LAUNCH_HOOK" --instance-id "$INSTANCE_ID" \
    --lifecycle-action-result "$1" || log "could not complete lifecycle action ($1)"
}
on_error() {
  log "bootstrap FAILED at line $1; abandoning launch so Auto Scaling replaces this instance"
  lifecycle ABANDON
}
trap 'on_error $LINENO' ERR

log "bootstrapping $RUNNER_NAME (fleet $VENDING_FLEET, $VENDING_EXECUTOR executor, $LIFECYCLE)"

# Reachability first: a clear line beats a hang in dnf or curl.
for url in "$VENDING_GITLAB_URL" https://gitlab-runner-downloads.s3.amazonaws.com; do
  if ! curl -sS -o /dev/null -m 20 --retry 3 --retry-connrefused "$url"; then
    log "cannot reach $url (check the subnet's route to the internet or NAT)"
    false
  fi
done

pkgs=(git jq)
if [ "$VENDING_EXECUTOR" = docker ]; then pkgs+=(docker); fi
dnf install -y -q "${pkgs[@]}"
if [ "$VENDING_EXECUTOR" = docker ]; then
  systemctl enable --now docker
fi

if [ "$VENDING_RUNNER_VERSION" = latest ]; then rel=latest; else rel="v$VENDING_RUNNER_VERSION"; fi
curl -fsSL --retry 5 -o /usr/local/bin/gitlab-runner \
  "https://gitlab-runner-downloads.s3.amazonaws.com/$rel/binaries/gitlab-runner-linux-$VENDING_ARCH"
chmod 0755 /usr/local/bin/gitlab-runner
id gitlab-runner >/dev/null 2>&1 || useradd --comment 'GitLab Runner' --create-home gitlab-runner --shell /bin/bash
if [ "$VENDING_EXECUTOR" = docker ]; then usermod -aG docker gitlab-runner; fi
gitlab-runner install --user=gitlab-runner --working-directory=/home/gitlab-runner

# The token never touches disk or the process list: variable only, passed through the environment.
case "$VENDING_TOKEN_SOURCE" in
  ssm:*) TOKEN=$(aws ssm get-parameter --with-decryption --name "${VENDING_TOKEN_SOURCE#ssm:}" \
           --query Parameter.Value --output text) ;;
  secretsmanager:*) TOKEN=$(aws secretsmanager get-secret-value --secret-id "${VENDING_TOKEN_SOURCE#secretsmanager:}" \
           --query SecretString --output text) ;;
  *) log "unknown token source"; false ;;
esac
[ -n "$TOKEN" ] || { log "the runner token is empty"; false; }

args=(register --non-interactive --url "$VENDING_GITLAB_URL" --name "$RUNNER_NAME" --executor "$VENDING_EXECUTOR")
if [ "$VENDING_EXECUTOR" = docker ]; then
  args+=(--docker-image "$VENDING_DOCKER_IMAGE" --docker-privileged="$VENDING_DOCKER_PRIVILEGED"
    --docker-volumes /cache)
fi
if [ "$VENDING_CACHE" = s3 ]; then
  args+=(--cache-type s3 --cache-shared --cache-s3-server-address s3.amazonaws.com
    --cache-s3-bucket-name "$VENDING_CACHE_BUCKET" --cache-s3-bucket-location "$VENDING_REGION"
    --cache-s3-authentication_type iam)
fi
if [[ "$TOKEN" == glrt-* ]]; then
  # Runner authentication token: tags, locking and run-untagged live on the GitLab side.
  CI_SERVER_TOKEN="$TOKEN" gitlab-runner "${args[@]}"
else
  REGISTRATION_TOKEN="$TOKEN" gitlab-runner "${args[@]}" --tag-list "$TAGS" --run-untagged=false --locked=false
fi
unset TOKEN
sed -i "s/^concurrent = .*/concurrent = $VENDING_CONCURRENCY/" /etc/gitlab-runner/config.toml
systemctl enable gitlab-runner
systemctl restart gitlab-runner
gitlab-runner verify >/dev/null

log "runner $RUNNER_NAME registered with tags $TAGS; ready"
trap - ERR
lifecycle CONTINUE
