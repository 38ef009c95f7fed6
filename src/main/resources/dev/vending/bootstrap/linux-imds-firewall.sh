#!/bin/bash
# vending-imds-firewall: keeps CI jobs away from the instance metadata service (and so from the
# instance role, which reads the runner token). Idempotent: each rule is added once, first in its chain.
#   vending-imds-firewall jobs-user USER  drop USER's own traffic to IMDS (shell jobs run as USER;
#                                         root, i.e. the runner process and the watcher, keeps it;
#                                         never root itself)
#   vending-imds-firewall docker          drop container traffic to IMDS in Docker's DOCKER-USER chain
#                                         (run after each Docker start: Docker rebuilds its chains)
set -eu
case $1 in jobs-user) u=$(id -u "$2"); [ "$u" != 0 ]; c=OUTPUT m=(-m owner --uid-owner "$u") ;; docker) c=DOCKER-USER m=() ;; *) exit 2 ;; esac
for a in 'iptables 169.254.169.254/32' 'ip6tables fd00:ec2::254/128'; do
  set -- $a; [ $c = OUTPUT ] || $1 -w -n -L $c >/dev/null 2>&1 || $1 -w -N $c
  $1 -w -C $c -d $2 "${m[@]}" -j DROP 2>/dev/null || $1 -w -I $c 1 -d $2 "${m[@]}" -j DROP
done
