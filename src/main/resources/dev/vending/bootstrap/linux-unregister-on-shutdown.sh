#!/bin/bash
# ExecStop of vending-unregister.service: when the instance powers off for good (terminated outside
# the Auto Scaling group, Spot reclaim, manual shutdown), unregister this machine's runner so no
# registration is left behind. A reboot keeps the registration. See docs/lifecycle.md.
set -euo pipefail
if systemctl list-jobs --no-legend 2>/dev/null | grep -Eq '(reboot|kexec)\.target'; then
  echo "vending: rebooting, keeping the runner registration"
  exit 0
fi
if grep -q '^\[\[runners\]\]' /etc/gitlab-runner/config.toml 2>/dev/null; then
  echo "vending: shutting down, unregistering this runner"
  timeout 45 gitlab-runner unregister --all-runners || echo "vending: unregister failed; GitLab removes the stale runner manager later"
fi
