#!/bin/bash
# vending-docker-storage DIR: puts DIR (Docker's data root, /var/lib/docker) on the instance's NVMe instance
# store when the instance type has one (m7gd, m6gd, c6gd, ...): local SSD, faster than EBS and off the
# root volume. vending-docker-storage.service runs it at every boot, before Docker. The store keeps its data
# across a reboot but is blank after a stop and start (or a move to another host), so whatever is missing is
# made again: the RAID 0 array over several devices, the filesystem, the mount. No store: nothing changes.
set -eu
dir=$1 label=vending-data array=/dev/md/vending-data
if mountpoint -q "$dir"; then exit 0; fi
# Instance store devices by their NVMe model name: the enumeration order (nvme0n1, nvme1n1...) mixes them
# with EBS volumes and may change from one start to the next.
devs=()
while read -r dev model; do
  if [ "$model" = 'Amazon EC2 NVMe Instance Storage' ]; then devs+=("$dev"); fi
done < <(lsblk --nodeps --noheadings --paths --output NAME,MODEL)
if [ ${#devs[@]} = 0 ]; then echo "no instance store: Docker's data stays on the root volume"; exit 0; fi
udevadm settle || true
# after a reboot the filesystem is still there (an array is assembled again by udev, or here)
fs=$(blkid -t LABEL=$label -o device | head -n 1) || fs=''
if [ -z "$fs" ] && [ ${#devs[@]} -gt 1 ]; then
  command -v mdadm >/dev/null || dnf install -y -q mdadm
  mdadm --assemble --scan >/dev/null 2>&1 || true
  fs=$(blkid -t LABEL=$label -o device | head -n 1) || fs=''
fi
if [ -z "$fs" ]; then
  if [ ${#devs[@]} = 1 ]; then
    fs=${devs[0]}
  else
    mdadm --create "$array" --run --level=0 --raid-devices=${#devs[@]} "${devs[@]}"
    fs=$array
  fi
  # -K: no discard pass, AWS trims instance store SSDs before it gives them to an instance
  mkfs.xfs -q -K -L $label "$fs"
  echo "made an XFS filesystem on $fs (${devs[*]})"
fi
mkdir -p "$dir"
mount -o noatime "$fs" "$dir"
echo "Docker's data ($dir) on the instance store: $fs"
