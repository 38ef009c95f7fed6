#!/bin/bash
# vending-imds-firewall: keeps CI jobs away from the instance metadata service (and so from the
# instance role, which reads the runner token). Idempotent: each rule is added once, first in its chain.
#   vending-imds-firewall jobs-user USER  drop USER's own traffic to IMDS (shell jobs run as USER;
#                                         root, i.e. the runner process and the watcher, keeps it)
#   vending-imds-firewall docker          drop container traffic to IMDS in Docker's DOCKER-USER chain
#                                         (run after each Docker start: Docker rebuilds its chains)
set -euo pipefail
rule() { "$1" -w -C "$2" "${@:3}" 2>/dev/null || "$1" -w -I "$2" 1 "${@:3}"; }
case "$1" in
  jobs-user)
    uid=$(id -u "$2")
    # never cut root (the runner process) off
    [ "$uid" != 0 ]
    rule iptables OUTPUT -d 169.254.169.254/32 -m owner --uid-owner "$uid" -j DROP
    rule ip6tables OUTPUT -d fd00:ec2::254/128 -m owner --uid-owner "$uid" -j DROP
    ;;
  docker)
    for t in iptables ip6tables; do "$t" -w -n -L DOCKER-USER >/dev/null 2>&1 || "$t" -w -N DOCKER-USER; done
    rule iptables DOCKER-USER -d 169.254.169.254/32 -j DROP
    rule ip6tables DOCKER-USER -d fd00:ec2::254/128 -j DROP
    ;;
  *) exit 2 ;;
esac
