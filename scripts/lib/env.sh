# shellcheck shell=bash
# Shared by the scripts: where the environment lives and how to run a command inside it.
#
# Two modes, chosen once:
#   native  the host has Python >= 3.14.2 (and qbittorrent-nox, chromium): a venv in .venv
#   rootfs  anything else (our Debian 12 machines): a Debian sid root filesystem with
#           python3.14, qBittorrent 5.3, Chromium, docker-compose and Node.js, cached outside the
#           clone under $MEDIAHUB_CACHE and keyed by a hash of what it contains. Commands run in it
#           through unshare + chroot, so its mounts and daemons vanish when the command ends.
# MEDIAHUB_ENV=native|rootfs overrides the choice.

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
MEDIAHUB_CACHE="${MEDIAHUB_CACHE:-/var/cache/mediahub}"

# Debian packages of the root filesystem. Changing this list builds a new one.
ROOTFS_PACKAGES="python3.14,python3.14-venv,python3.14-dev,g++,ca-certificates,qbittorrent-nox,chromium,dbus-x11,docker-compose,procps,nodejs,libturbojpeg0"
# Debian packages installed into an existing rootfs (apt-get in a chroot), outside its hash: adding
# one here does not rebuild the rootfs (kubernetes-client: kubectl, for tests/stack/test_kubernetes.py;
# git: tests/test_workflows.py makes a history to write a changelog from).
ROOTFS_EXTRA_PACKAGES="kubernetes-client git"
ROOTFS_SUITE="sid"
ROOTFS_MIRROR="${MEDIAHUB_DEBIAN_MIRROR:-http://deb.debian.org/debian}"

_hash() { sha256sum | cut -c1-16; }

rootfs_key() { printf '%s\n%s\n' "$ROOTFS_SUITE" "$ROOTFS_PACKAGES" | _hash; }
requirements_key() { cat "$REPO/requirements.txt" "$REPO/requirements_test.txt" | _hash; }

ROOTFS="$MEDIAHUB_CACHE/rootfs-$(rootfs_key)"
VENV_NAME="venv-$(requirements_key)"

host_python_ok() {
  command -v python3 >/dev/null 2>&1 &&
    python3 -c 'import sys; sys.exit(0 if sys.version_info >= (3, 14, 2) else 1)' 2>/dev/null
}

env_mode() {
  if [ -n "${MEDIAHUB_ENV:-}" ]; then
    echo "$MEDIAHUB_ENV"
  elif host_python_ok && command -v qbittorrent-nox >/dev/null 2>&1; then
    echo native
  else
    echo rootfs
  fi
}

# The venv as seen by commands run in the environment.
venv_path() {
  if [ "$(env_mode)" = native ]; then echo "$REPO/.venv"; else echo "/opt/$VENV_NAME"; fi
}

# Variables passed from the caller into the environment (the rootfs starts from an empty one).
_passthrough_env() {
  local name
  for name in CI TERM COLUMNS PYTEST_ADDOPTS HYPOTHESIS_PROFILE; do
    [ -n "${!name:-}" ] && printf '%s=%s\n' "$name" "${!name}"
  done
  env | grep -E '^MEDIAHUB_' || true
}

# run_in_env CMD [ARGS...]: run a command inside the environment, from the repository root.
run_in_env() {
  local venv
  venv="$(venv_path)"
  if [ "$(env_mode)" = native ]; then
    (cd "$REPO" && PATH="$venv/bin:$PATH" VIRTUAL_ENV="$venv" "$@")
    return
  fi
  local -a envs=(
    "HOME=/root" "LANG=C.UTF-8" "PATH=$venv/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
    "VIRTUAL_ENV=$venv" "SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt"
    "PIP_CERT=/etc/ssl/certs/ca-certificates.crt" "NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt"
    "MEDIAHUB_QBT4_BIN=/usr/local/bin/qbittorrent-nox-4"
  )
  while IFS= read -r line; do [ -n "$line" ] && envs+=("$line"); done < <(_passthrough_env)
  unshare --mount --pid --fork --kill-child --propagation private -- \
    /bin/bash "$REPO/scripts/lib/enter-rootfs.sh" "$ROOTFS" "$REPO" "${envs[@]}" -- "$@"
}

# What ran and how long each part took, for scripts/lib/summary.py (kept out of git).
RESULTS="$REPO/.test-results"

# part NAME CMD...: run one part of a test run; its exit status and seconds go to
# $RESULTS/parts, and its status is returned.
part() {
  local name=$1 started status=0
  shift
  started=$(date +%s)
  "$@" || status=$?
  printf '%s %s %s\n' "$name" "$status" "$(($(date +%s) - started))" >>"$RESULTS/parts"
  return "$status"
}
