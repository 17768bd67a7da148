# shellcheck shell=bash
# Runs inside a fresh mount + PID namespace (see run_in_env in env.sh): mounts what a
# command needs into the root filesystem, then chroots into it. Everything mounted or
# started here vanishes when the command ends.
#   enter-rootfs.sh ROOTFS REPO [NAME=VALUE...] -- CMD [ARGS...]
set -euo pipefail
rootfs="$1" repo="$2"
shift 2
envs=()
while [ "$1" != "--" ]; do envs+=("$1"); shift; done
shift

mount -t proc proc "$rootfs/proc"
mount --rbind /dev "$rootfs/dev"
mount -t tmpfs -o mode=1777 tmpfs "$rootfs/dev/shm"
mount --rbind /sys "$rootfs/sys"
mount -t tmpfs -o mode=1777 tmpfs "$rootfs/tmp"
mkdir -p "$rootfs/src"
mount --bind "$repo" "$rootfs/src"
# ../shared (fixtures, references) sits beside the clone, as /shared beside /src.
if [ -d "$repo/../shared" ]; then
  mkdir -p "$rootfs/shared"
  mount --bind "$repo/../shared" "$rootfs/shared"
fi

# The host's own qbittorrent-nox (Debian 12: 4.5.2) for the v4 compatibility tests, run through
# /usr/local/bin/qbittorrent-nox-4 as `chroot /host`; it shares /tmp with the rootfs.
if [ -x /usr/bin/qbittorrent-nox ]; then
  mkdir -p "$rootfs/host"
  mount --bind / "$rootfs/host"
  mount -t proc proc "$rootfs/host/proc"
  mount --rbind /dev "$rootfs/host/dev"
  mount --bind "$rootfs/tmp" "$rootfs/host/tmp"
fi

cd /
exec chroot "$rootfs" /usr/bin/env -i "${envs[@]}" /bin/bash -c 'cd /src && exec "$@"' bash "$@"
