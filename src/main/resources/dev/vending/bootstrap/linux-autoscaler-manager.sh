# docker-autoscaler runner manager setup (see docs/docker-autoscaler.md). Kept in an SSM parameter of the
# stack (user data is limited to 16 KB); the common bootstrap reads it and runs vending_manager_setup just
# before registering. It goes through CloudFormation's Fn::Sub, so shell variables are written without
# braces. No job runs on the manager: jobs run in Docker on the workers.
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
  # The pinned fleeting plugin comes from GitLab's OCI registry before each start (a no-op once installed);
  # the runner finds it in the same directory.
  mkdir -p /etc/systemd/system/gitlab-runner.service.d
  cat >/etc/systemd/system/gitlab-runner.service.d/vending-fleeting.conf <<UNIT
[Service]
Environment=FLEETING_PLUGIN_PATH=$VENDING_FLEETING_DIR
ExecStartPre=/usr/local/bin/gitlab-runner fleeting --config /etc/gitlab-runner/config.toml install
UNIT
}
