# docker-autoscaler runner manager setup (see docs/docker-autoscaler.md). Kept in an SSM parameter of the
# stack (user data is limited to 16 KB); the common bootstrap reads it and runs vending_manager_setup just
# before registering. It goes through CloudFormation's Fn::Sub, so shell variables are written without
# braces. No job runs on the manager: jobs run in Docker on the workers.
VENDING_MANAGER_ASG='${AWS::StackName}-runners'
vending_manager_setup() {
  VENDING_WORKER_ASG='${AWS::StackName}-workers'
  VENDING_FLEETING_DIR=/var/lib/vending/fleeting
  install -d -m 0700 /etc/gitlab-runner /var/lib/vending "$VENDING_FLEETING_DIR"
  # The [[runners]] entry `gitlab-runner register` merges into config.toml (TEMPLATE_CONFIG_FILE is its
  # --template-config); it holds no token. config.toml itself is written by register with mode 0600.
  cat >/etc/gitlab-runner/vending-autoscaler.toml <<'VENDING_EOF'
@@CONFIG_TEMPLATE@@
VENDING_EOF
  export TEMPLATE_CONFIG_FILE=/etc/gitlab-runner/vending-autoscaler.toml
  # The plugin owns the worker group's desired capacity, and AZ rebalancing would terminate instances that
  # run jobs (GitLab asks for AZRebalance suspended). CloudFormation has no property for suspended processes,
  # so the manager suspends it at every boot; its role may do this on the worker group only.
  if ! aws autoscaling suspend-processes --auto-scaling-group-name "$VENDING_WORKER_ASG" --scaling-processes AZRebalance; then
    log "cannot suspend AZRebalance on the worker group $VENDING_WORKER_ASG"
    false
  fi
  log "worker group $VENDING_WORKER_ASG: AZRebalance suspended"
  # A rolling update launches the new manager as soon as the old one enters Terminating:Wait, and the old one
  # drains for up to the drain limit: two managers must never drive one worker group (each would scale and
  # delete the other's workers). So the runner service starts only once no other manager of the group is in
  # service or terminating; a newer one (Pending) is never waited for, so two cannot wait for each other.
  cat >/usr/local/sbin/vending-await-previous-manager <<'VENDING_EOF'
#!/bin/bash
# usage: vending-await-previous-manager GROUP SELF_INSTANCE_ID --wait|--once
# --once exits 0: none there, 1: one there, 2: group unreadable; never polls (VENDING_AWAIT_POLL_SECONDS is the unit's)
set -u
group=$1 self=$2 once=$3 waited=0
query="AutoScalingGroups[0].Instances[?InstanceId!='$self' && (LifecycleState=='InService' || starts_with(LifecycleState, 'Terminating'))].InstanceId"
while :; do
  if older=$(aws autoscaling describe-auto-scaling-groups --auto-scaling-group-names "$group" --query "$query" --output text); then
    if [ -z "$older" ] || [ "$older" = None ]; then exit 0; fi
    if [ "$once" = --once ]; then echo "previous runner manager still there: $older"; exit 1; fi
    if [ $((waited % 300)) -eq 0 ]; then echo "waiting for the previous runner manager ($older) to drain and go"; fi
  else
    if [ "$once" = --once ]; then echo "cannot read the manager group $group"; exit 2; fi
    echo "cannot read the manager group $group; retrying"
  fi
  sleep "$VENDING_AWAIT_POLL_SECONDS"
  waited=$((waited + VENDING_AWAIT_POLL_SECONDS))
done
VENDING_EOF
  chmod 0700 /usr/local/sbin/vending-await-previous-manager
  # The pinned fleeting plugin comes from GitLab's OCI registry before each start (a no-op once installed);
  # the runner finds it in the same directory.
  mkdir -p /etc/systemd/system/gitlab-runner.service.d
  cat >/etc/systemd/system/gitlab-runner.service.d/vending-fleeting.conf <<UNIT
[Service]
Environment=FLEETING_PLUGIN_PATH=$VENDING_FLEETING_DIR VENDING_AWAIT_POLL_SECONDS=15 AWS_DEFAULT_REGION=$VENDING_REGION AWS_RETRY_MODE=standard
TimeoutStartSec=infinity
ExecStartPre=/usr/local/sbin/vending-await-previous-manager $VENDING_MANAGER_ASG $INSTANCE_ID --wait
ExecStartPre=/usr/local/bin/gitlab-runner fleeting --config /etc/gitlab-runner/config.toml install
UNIT
}
# The bootstrap's start of the runner service (see vending_manager_setup): it waits for the start, and so
# checks it, unless a previous manager may still be draining (or the group is unreadable); then the start waits
# in the background and the bootstrap signals at once (the update need not wait for the old one's drain).
vending_start_runner() {
  local rc=0
  /usr/local/sbin/vending-await-previous-manager "$VENDING_MANAGER_ASG" "$INSTANCE_ID" --once || rc=$?
  if [ $rc = 0 ]; then systemctl restart gitlab-runner; return; fi
  if [ $rc = 1 ]; then log "the previous runner manager is still draining: this one starts taking jobs when it is gone"
  else log "cannot read the manager group: the runner starts when no previous manager is left"; fi
  systemctl restart --no-block gitlab-runner
}
