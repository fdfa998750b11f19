#!/usr/bin/env bash
# Builds Cumulo's default guest, "tiny" (what cirros is to devstack), from Debian packages only:
#   tiny-vmlinuz     the linux-image-cloud-amd64 kernel, taken out of its .deb (nothing is installed into /boot)
#   tiny-initrd.img  a gzip'd cpio: busybox-static and its applets, the virtio modules, an init that prints a banner on
#                    the serial console, brings up eth0 by DHCP, reads hostname / SSH key / user data from the metadata
#                    service at 169.254.169.254 when there is one, serves a page with `httpd -p 80`, and ends at a
#                    `login:` prompt on ttyS0 (user root, password "tiny"). The ACPI power button (virsh shutdown,
#                    a clean power-off) syncs and powers the guest off.
#   tiny.qcow2       the same kernel and initramfs on a bootable disk (FAT with syslinux, whose config appends
#                    console=ttyS0), for clouds that boot disks only; left out when syslinux/mtools/dosfstools/qemu-utils
#                    are missing and cannot be installed.
#   SHA256SUMS       sha256sum(1) lines for the files;  tiny.json  version, kernel release and sha256/size per file.
# Boot it with: qemu-system-x86_64 -m 256 -nographic -kernel tiny-vmlinuz -initrd tiny-initrd.img -append console=ttyS0
#
# Usage: scripts/build-tiny-image.sh <outdir>
# Cached: when <outdir> already holds this version's files and they match SHA256SUMS, it does nothing.
# Missing tools (busybox-static, cpio; syslinux, mtools, dosfstools, qemu-utils for the disk) are installed with apt-get when running as root; the kernel .deb comes from the
# apt cache (or <outdir>/debs) when present, else `apt-get download` into <outdir>/debs.
set -euo pipefail

TINY_VERSION=0.2
# modules the guest loads at boot (with their dependencies): NIC, disks, entropy, and the ACPI power button with the
# event device busybox acpid reads it from (both are modules in the cloud kernel: CONFIG_ACPI_BUTTON=m, INPUT_EVDEV=m)
MODULES=(virtio_pci virtio_net virtio_blk virtio_scsi virtio_console virtio-rng button evdev)

out=${1:?usage: build-tiny-image.sh <outdir>}
mkdir -p "$out"
out=$(cd "$out" && pwd)
say() { echo "build-tiny-image: $*" >&2; }
# the cache key: this version and this script's content, so an edited script rebuilds
script_sha=$(sha256sum "${BASH_SOURCE[0]}" | cut -c1-16)

cached() {
  [[ -f "$out/SHA256SUMS" && -f "$out/tiny.json" && -f "$out/tiny-vmlinuz" && -f "$out/tiny-initrd.img" ]] || return 1
  grep -q "\"version\": \"$TINY_VERSION\"" "$out/tiny.json" || return 1
  grep -q "\"script\": \"$script_sha\"" "$out/tiny.json" || return 1
  (cd "$out" && sha256sum --quiet --strict -c SHA256SUMS >/dev/null 2>&1)
}

# one builder per output directory; a second waits and then finds the cache
exec 9>"$out/.lock"
flock 9
if cached; then
  say "cached in $out (version $TINY_VERSION)"
  exit 0
fi

# --- tools ---------------------------------------------------------------------------------------------------------
need=()
dpkg -s busybox-static >/dev/null 2>&1 || need+=(busybox-static)
command -v cpio >/dev/null || need+=(cpio)
disk_tools=(syslinux mtools dosfstools qemu-utils)
disk_need=()
for p in "${disk_tools[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || disk_need+=("$p"); done
[[ $(id -u) == 0 ]] && need+=("${disk_need[@]}")
if ((${#need[@]})); then
  if [[ $(id -u) != 0 ]]; then
    say "missing ${need[*]}: install them (apt-get install -y ${need[*]}) or run as root"
    exit 1
  fi
  say "installing ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y --no-install-recommends "${need[@]}" >/dev/null 2>&1 ||
    { apt-get update -qq >/dev/null 2>&1 && apt-get install -y --no-install-recommends "${need[@]}" >/dev/null; }
fi
busybox=/bin/busybox

rm -rf "$out"/.build.* # left by a build that was killed (we hold the lock, so none is running)
work=$(mktemp -d "$out/.build.XXXXXX")
trap 'rm -rf "$work"' EXIT

# --- kernel --------------------------------------------------------------------------------------------------------
# linux-image-cloud-amd64 is a metapackage; the kernel is the package it depends on (linux-image-<abi>-cloud-amd64).
kpkg=$(apt-cache depends linux-image-cloud-amd64 2>/dev/null | awk '/Depends: linux-image-/ {print $2; exit}')
deb=''
if [[ -n $kpkg ]]; then
  deb=$(ls -1 /var/cache/apt/archives/"${kpkg}"_*_amd64.deb "$out/debs/${kpkg}"_*_amd64.deb 2>/dev/null | sort -V | tail -1 || true)
  if [[ -z $deb ]]; then
    say "downloading $kpkg"
    # kept in <outdir>/debs, so a rebuild (a newer script) needs no download
    mkdir -p "$out/debs"
    (cd "$out/debs" && apt-get download "$kpkg" >/dev/null 2>&1) ||
      (cd "$out/debs" && apt-get update -qq >/dev/null 2>&1 && apt-get download "$kpkg" >/dev/null 2>&1) || true
    deb=$(ls -1 "$out/debs/${kpkg}"_*_amd64.deb 2>/dev/null | sort -V | tail -1 || true)
    # older kernels' packages are no longer needed
    find "$out/debs" -name '*.deb' ! -name "${kpkg}_*" -delete
  fi
fi
# offline fallback: any cloud kernel already in the apt cache
[[ -n $deb ]] || deb=$(ls -1 /var/cache/apt/archives/linux-image-[0-9]*-cloud-amd64_*_amd64.deb 2>/dev/null | sort -V | tail -1 || true)
[[ -n $deb ]] || { say "no linux-image-*-cloud-amd64 .deb found or downloadable"; exit 1; }
say "kernel from $(basename "$deb")"
dpkg-deb -x "$deb" "$work/kpkg"
vmlinuz=$(ls -1 "$work"/kpkg/boot/vmlinuz-* | head -1)
krel=${vmlinuz##*/vmlinuz-}
moddir="$work/kpkg/lib/modules/$krel"

# --- initramfs tree ------------------------------------------------------------------------------------------------
root="$work/root"
mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,etc/init.d,etc/acpi/PWRF,proc,sys,dev,run,tmp,root,var/log,www,lib/modules/"$krel",usr/share/udhcpc}
chmod 1777 "$root/tmp"
chmod 700 "$root/root"
cp "$busybox" "$root/bin/busybox"
for applet in $("$busybox" --list-full); do
  [[ -e "$root/$applet" ]] || ln -s /bin/busybox "$root/$applet"
done
[[ $(id -u) == 0 ]] && mknod -m 600 "$root/dev/console" c 5 1 2>/dev/null || true

# kernel modules, with their dependencies (read from each .ko's .modinfo), in load order
declare -A kopath=() loaded=()
while IFS= read -r ko; do
  n=${ko##*/}; n=${n%.ko*}; kopath[${n//-/_}]=$ko
done < <(find "$moddir/kernel" -name '*.ko*')
order=()
add_module() {
  local m=${1//-/_} dep
  [[ -n ${loaded[$m]:-} ]] && return 0
  loaded[$m]=1
  [[ -n ${kopath[$m]:-} ]] || return 0 # built into the kernel
  for dep in $(tr '\0' '\n' <"${kopath[$m]}" | sed -n 's/^depends=//p' | tr ',' ' '); do add_module "$dep"; done
  order+=("$m")
}
for m in "${MODULES[@]}"; do add_module "$m"; done
for m in "${order[@]}"; do
  ko=${kopath[$m]}
  case $ko in
    *.ko.xz) xz -dc "$ko" >"$root/lib/modules/$krel/$m.ko" ;;
    *.ko.zst) zstd -qdc "$ko" >"$root/lib/modules/$krel/$m.ko" ;;
    *) cp "$ko" "$root/lib/modules/$krel/$m.ko" ;;
  esac
  echo "$m" >>"$root/lib/modules/$krel/load-order"
done

# users: root, password "tiny" (fixed salt, so the build is the same every time)
pwhash=$("$busybox" mkpasswd -m sha512 tiny cumulotiny)
cat >"$root/etc/passwd" <<EOF
root:x:0:0:root:/root:/bin/sh
www:x:33:33:www:/www:/bin/false
EOF
echo "root:$pwhash:19000:0:99999:7:::" >"$root/etc/shadow"
chmod 600 "$root/etc/shadow"
printf 'root:x:0:\nwww:x:33:\n' >"$root/etc/group"
echo tiny >"$root/etc/hostname"
printf '127.0.0.1 localhost\n' >"$root/etc/hosts"
printf '/bin/sh\n' >"$root/etc/shells"
printf 'Cumulo tiny guest %s (\\n) on \\l -- login as root, password "tiny"\n\n' "$TINY_VERSION" >"$root/etc/issue"
echo "$TINY_VERSION" >"$root/etc/tiny-version"

cat >"$root/init" <<'EOF'
#!/bin/sh
# PID 1 from the initramfs: mount the kernel's filesystems, then hand over to busybox init (/etc/inittab).
export PATH=/sbin:/bin:/usr/sbin:/usr/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
mkdir -p /dev/pts /dev/shm
mount -t devpts devpts /dev/pts
mount -t tmpfs -o mode=755 tmpfs /run
exec /sbin/init
EOF
chmod 755 "$root/init"

cat >"$root/etc/inittab" <<'EOF'
::sysinit:/etc/init.d/rcS
ttyS0::respawn:/sbin/getty -L 115200 ttyS0 vt100
::ctrlaltdel:/sbin/reboot
::shutdown:/bin/echo "tiny: shutting down"
EOF

cat >"$root/etc/init.d/rcS" <<'EOF'
#!/bin/sh
# Boot: banner, modules, network by DHCP, metadata, web page. Every step is bounded and none is fatal.
export PATH=/sbin:/bin:/usr/sbin:/usr/bin
say() { echo "tiny: $*" >/dev/console; }
read -r version </etc/tiny-version
echo >/dev/console
echo "=== Cumulo tiny guest $version booted (kernel $(uname -r)) ===" >/dev/console
hostname -F /etc/hostname
kver=$(uname -r)
if [ -f /lib/modules/$kver/load-order ]; then
  while read -r m; do insmod /lib/modules/$kver/$m.ko 2>/dev/null; done </lib/modules/$kver/load-order
fi
# the ACPI power button: its input device shows up in /dev/input once button and evdev are loaded
for _ in 1 2 3 4 5 6 7 8 9 10; do [ -e /dev/input/event0 ] && break; sleep 0.1; done
if [ -e /dev/input/event0 ] && acpid -c /etc/acpi -l /var/log/acpid.log; then
  say "acpid: the power button powers off"
else
  say "no ACPI power button: a clean shutdown is not possible"
fi
ip link set lo up
sleep 0.2 2>/dev/null
ip=
if [ -e /sys/class/net/eth0 ]; then
  ip link set eth0 up
  if udhcpc -i eth0 -s /usr/share/udhcpc/default.script -t 3 -T 1 -A 1 -n -q -f >/dev/null 2>&1; then
    ip=$(ip -4 -o addr show dev eth0 | awk '{print $4}' | head -1)
    say "eth0 up, address $ip"
  else
    say "eth0: no DHCP answer, continuing without network"
  fi
else
  say "no eth0"
fi
mkdir -p /run/cumulo /root/.ssh
# the metadata service: EC2's address, unless the kernel command line names another (cumulo.metadata=http://host:port)
md=$(sed -n 's/.*cumulo\.metadata=\([^ ]*\).*/\1/p' /proc/cmdline)
md=${md:-http://169.254.169.254}
if [ -n "$ip" ]; then
  # the hostname answers whether there is a metadata service at all; without one, the rest is not tried.
  # (`timeout`, not `wget -T`: busybox 1.35's static wget crashes with -T)
  if timeout 3 wget -q -O /run/cumulo/hostname $md/latest/meta-data/hostname 2>/dev/null && [ -s /run/cumulo/hostname ]; then
    h=$(head -1 /run/cumulo/hostname | cut -d. -f1)
    [ -n "$h" ] && { hostname "$h"; echo "$h" >/etc/hostname; say "hostname $h (metadata)"; }
    metadata=1
  else
    say "no metadata service at $md"
  fi
fi
if [ -n "${metadata:-}" ]; then
  if timeout 3 wget -q -O /run/cumulo/public-key $md/latest/meta-data/public-keys/0/openssh-key 2>/dev/null && [ -s /run/cumulo/public-key ]; then
    cp /run/cumulo/public-key /root/.ssh/authorized_keys && chmod 600 /root/.ssh/authorized_keys
    say "SSH public key installed for root"
  fi
  if timeout 3 wget -q -O /run/cumulo/user-data $md/latest/user-data 2>/dev/null && [ -s /run/cumulo/user-data ]; then
    say "user data: $(wc -c </run/cumulo/user-data) bytes"
    if head -c 2 /run/cumulo/user-data | grep -q '^#!'; then
      chmod 700 /run/cumulo/user-data
      (/run/cumulo/user-data >/run/cumulo/user-data.log 2>&1; say "user data script exited $?") &
    fi
  fi
fi
cat >/www/index.html <<HTML
<!doctype html><title>$(hostname)</title><h1>Cumulo tiny guest $version</h1><p>host $(hostname), address ${ip:-none}</p>
HTML
httpd -p 80 -h /www -u www:www && say "httpd serving on :80"
say "up in $(cut -d' ' -f1 /proc/uptime)s"
EOF
chmod 755 "$root/etc/init.d/rcS"

# busybox acpid runs /etc/acpi/<action>/<parameter> for an event; the power button is PWRF/00000080. A clean power-off:
# busybox init's poweroff runs the ::shutdown entries, stops every process, syncs and powers off; sync first anyway, so
# whatever the guest wrote is on disk even if the stopping hangs.
cat >"$root/etc/acpi/PWRF/00000080" <<'EOF'
#!/bin/sh
echo "tiny: power button pressed, powering off" >/dev/console
sync
exec poweroff
EOF
chmod 755 "$root/etc/acpi/PWRF/00000080"

cat >"$root/usr/share/udhcpc/default.script" <<'EOF'
#!/bin/sh
# udhcpc hook: apply the lease to the interface.
case "$1" in
  deconfig) ip -4 addr flush dev "$interface"; ip link set "$interface" up ;;
  bound|renew)
    ip -4 addr flush dev "$interface"
    ip addr add "$ip/${mask:-24}" ${broadcast:+broadcast "$broadcast"} dev "$interface"
    [ -n "$mtu" ] && ip link set "$interface" mtu "$mtu"
    for r in $router; do ip route replace default via "$r" dev "$interface"; break; done
    : >/etc/resolv.conf
    for d in $dns; do echo "nameserver $d" >>/etc/resolv.conf; done
    [ -n "$domain" ] && echo "search $domain" >>/etc/resolv.conf
    ;;
esac
exit 0
EOF
chmod 755 "$root/usr/share/udhcpc/default.script"

# --- pack ----------------------------------------------------------------------------------------------------------
# reproducible: the same inputs give the same bytes (fixed timestamps, sorted names, no gzip name/time)
export SOURCE_DATE_EPOCH=1700000000
find "$root" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +
(cd "$root" && find . -mindepth 1 | LC_ALL=C sort | cpio -o -H newc -R 0:0 --reproducible --quiet) | gzip -9n >"$work/tiny-initrd.img"
cp "$vmlinuz" "$work/tiny-vmlinuz"
touch -d "@$SOURCE_DATE_EPOCH" "$work/tiny-initrd.img" "$work/tiny-vmlinuz"
files=(tiny-vmlinuz tiny-initrd.img)
# the disk: no partition table, one FAT filesystem whose boot sector is syslinux's (SeaBIOS boots it like a floppy)
if command -v syslinux >/dev/null && command -v mcopy >/dev/null && command -v mkfs.vfat >/dev/null && command -v qemu-img >/dev/null; then
  cat >"$work/syslinux.cfg" <<'EOF'
SERIAL 0 115200
DEFAULT tiny
TIMEOUT 0
PROMPT 0
LABEL tiny
  KERNEL vmlinuz
  INITRD initrd.img
  APPEND console=ttyS0
EOF
  touch -d "@$SOURCE_DATE_EPOCH" "$work/syslinux.cfg"
  truncate -s 32M "$work/disk.img"
  mkfs.vfat -n TINY -i 7111a1e0 "$work/disk.img" >/dev/null
  syslinux --install "$work/disk.img"
  mcopy -m -i "$work/disk.img" "$work/syslinux.cfg" ::syslinux.cfg
  mcopy -m -i "$work/disk.img" "$work/tiny-vmlinuz" ::vmlinuz
  mcopy -m -i "$work/disk.img" "$work/tiny-initrd.img" ::initrd.img
  qemu-img convert -c -O qcow2 "$work/disk.img" "$work/tiny.qcow2"
  files+=(tiny.qcow2)
else
  say "no syslinux/mtools/dosfstools/qemu-utils: skipping the disk variant tiny.qcow2"
fi
(cd "$work" && sha256sum "${files[@]}" >SHA256SUMS)
{
  printf '{\n  "version": "%s",\n  "script": "%s",\n  "kernel": "%s",\n  "kernelPackage": "%s",\n  "files": {\n' "$TINY_VERSION" "$script_sha" "$krel" "$(basename "$deb")"
  sep=''
  for f in "${files[@]}"; do
    printf '%s    "%s": { "sha256": "%s", "size": %s }' "$sep" "$f" "$(sha256sum "$work/$f" | cut -d' ' -f1)" "$(stat -c %s "$work/$f")"
    sep=$',\n'
  done
  printf '\n  }\n}\n'
} >"$work/tiny.json"
# the manifest last, so an interrupted build never looks cached
rm -f "$out/SHA256SUMS"
rm -f "$out/tiny.qcow2"
for f in "${files[@]}" tiny.json SHA256SUMS; do mv -f "$work/$f" "$out/$f"; done
say "built $out (kernel $krel, modules: ${order[*]})"
