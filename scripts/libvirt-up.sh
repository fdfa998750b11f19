#!/usr/bin/env bash
# Brings up libvirtd for the compute agent's qemu:///system driver on a machine without systemd (containers, CI):
# installs the missing Debian packages (as root), writes the qemu driver's settings, starts virtlogd and libvirtd, and
# waits until qemu:///system answers. Idempotent; when libvirtd already answers it returns at once.
# (libvirt's test:/// driver runs inside the client library and needs none of this, only libvirt0.)
set -euo pipefail

say() { echo "libvirt-up: $*" >&2; }
answers() { virsh -c qemu:///system version >/dev/null 2>&1; }

if command -v virsh >/dev/null && answers; then
  exit 0
fi
if [[ $(id -u) != 0 ]]; then
  say "libvirtd is not answering on qemu:///system and only root can start it here: run this script as root"
  exit 1
fi

# --- packages ---------------------------------------------------------------------------------------------------------
# libvirt-daemon-system is left out on purpose: it pulls in polkit, iptables and a systemd/sysv integration that a
# container has no use for; its one file we need, /etc/libvirt/qemu.conf, is written below.
packages=(libvirt-daemon libvirt-daemon-driver-qemu libvirt-clients libvirt-dev pkg-config qemu-system-x86 qemu-utils)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]})); then
  say "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y --no-install-recommends "${missing[@]}" >/dev/null ||
    { apt-get update >/dev/null && apt-get install -y --no-install-recommends "${missing[@]}" >/dev/null; }
fi

# --- qemu driver settings ------------------------------------------------------------------------------------------------
# Debian's libvirtd runs guests as libvirt-qemu (a user libvirt-daemon-system would create) and confines them with a
# security driver; here guests run as root without one, so root-owned image caches and instance dirs are readable.
id libvirt-qemu >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin libvirt-qemu
mkdir -p /etc/libvirt
conf=/etc/libvirt/qemu.conf
touch "$conf"
set_conf() { # key value: replace an existing (maybe commented) line, else append
  if grep -Eq "^[#[:space:]]*$1[[:space:]]*=" "$conf"; then
    sed -i -E "s|^[#[:space:]]*$1[[:space:]]*=.*|$1 = $2|" "$conf"
  else
    echo "$1 = $2" >>"$conf"
  fi
}
before=$(sha256sum "$conf")
set_conf user '"root"'
set_conf group '"root"'
set_conf security_driver '"none"'
changed=$([[ $(sha256sum "$conf") != "$before" ]] && echo 1 || echo 0)

# --- daemons -------------------------------------------------------------------------------------------------------------
mkdir -p /var/run/libvirt /var/lib/libvirt/qemu /var/log/libvirt/qemu
running() { pgrep -x "$1" >/dev/null; }
if ! running virtlogd; then
  say "starting virtlogd"
  virtlogd -d
fi
if running libvirtd && ((changed)); then
  # a libvirtd started before the settings were written still runs guests as libvirt-qemu: restart it
  say "qemu.conf changed: restarting libvirtd"
  kill "$(pgrep -x libvirtd)"
  for _ in $(seq 50); do running libvirtd || break; sleep 0.1; done
fi
start_libvirtd() {
  say "starting libvirtd"
  libvirtd -d || true # it refuses while a libvirtd that is going away still holds the pid file: retried below
}
running libvirtd || start_libvirtd

for _ in $(seq 100); do
  # a libvirtd that was stopping when we looked (or died starting) is not coming back by itself
  running libvirtd || start_libvirtd
  if answers; then
    say "libvirtd answers on qemu:///system ($(virsh -c qemu:///system version 2>/dev/null | grep -i 'running hypervisor' || true))"
    exit 0
  fi
  sleep 0.2
done
say "libvirtd started but qemu:///system does not answer after 20 s; see /var/log/libvirt/ and \`libvirtd -v\`"
exit 1
