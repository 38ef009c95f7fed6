# Docker hosts: the docker executor's runners and the docker-autoscaler workers. Both run these before Docker's
# first start.

# The IMDS firewall script (docs/security.md) and Docker's drop-in that applies its DOCKER-USER rule at every
# Docker start (Docker rebuilds its chains when it starts).
imds_firewall() {
cat >/usr/local/sbin/vending-imds-firewall <<'VENDING_EOF'
@@INCLUDE:linux-imds-firewall.sh@@
VENDING_EOF
  chmod 0700 /usr/local/sbin/vending-imds-firewall; mkdir -p /etc/systemd/system/docker.service.d
  printf '[Service]\nExecStartPost=/usr/local/sbin/vending-imds-firewall docker\n' >/etc/systemd/system/docker.service.d/vending-imds.conf
  systemctl daemon-reload
}

# Docker's disk (docs/lifecycle.md): its data on the NVMe instance store where the type has one, mounted at
# every boot before Docker starts, and an hourly prune of what jobs leave behind.
docker_disk() {
cat >/usr/local/sbin/vending-docker-storage <<'VENDING_EOF'
@@INCLUDE:linux-docker-storage.sh@@
VENDING_EOF
cat >/usr/local/sbin/vending-docker-prune <<'VENDING_EOF'
@@INCLUDE:linux-docker-prune.sh@@
VENDING_EOF
  chmod 0700 /usr/local/sbin/vending-docker-storage /usr/local/sbin/vending-docker-prune
  mkdir -p /var/lib/vending
  # Wanted, not required, by Docker: should the store fail, Docker still starts, on the root volume.
  cat >/etc/systemd/system/vending-docker-storage.service <<'UNIT'
[Unit]
Description=vending: Docker's data on the NVMe instance store, when the instance type has one
After=local-fs.target
Before=docker.service
[Service]
Type=oneshot
RemainAfterExit=yes
ExecStart=/usr/local/sbin/vending-docker-storage /var/lib/docker
[Install]
WantedBy=docker.service
UNIT
  cat >/etc/systemd/system/vending-docker-prune.service <<'UNIT'
[Unit]
Description=vending: remove the containers, images, networks, build cache and volumes CI jobs left in Docker
After=docker.service
[Service]
Type=oneshot
Nice=10
IOSchedulingClass=idle
ExecStart=/usr/local/sbin/vending-docker-prune 80 /var/lib/vending/docker-unused-images
UNIT
  cat >/etc/systemd/system/vending-docker-prune.timer <<'UNIT'
[Unit]
Description=vending: prune Docker hourly
[Timer]
OnBootSec=1h
OnUnitActiveSec=1h
RandomizedDelaySec=5m
[Install]
WantedBy=timers.target
UNIT
  systemctl daemon-reload
  systemctl enable vending-docker-storage.service vending-docker-prune.timer
  # an image with Docker enabled (--image-id) may have started it already: the store goes under it first
  systemctl stop docker.socket docker.service || true
  systemctl start vending-docker-storage.service || log "Docker's data stays on the root volume (vending-docker-storage failed)"
  systemctl start vending-docker-prune.timer
}
