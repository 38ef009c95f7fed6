# docker-autoscaler manager: its setup is in the stack's SSM parameter (user data is limited to 16 KB).
vending_before_register() {
  local setup
  if ! setup=$(aws ssm get-parameter --name '${ManagerSetup}' --query Parameter.Value --output text); then
    log "cannot read the manager setup from SSM parameter ${ManagerSetup} (instance role permissions?)"
    return 1
  fi
  eval "$setup"
  vending_manager_setup
}
