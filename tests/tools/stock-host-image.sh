#!/usr/bin/env bash
# stock-host-image.sh: make (once) the root filesystem image of the stock
# Debian 12 guest that tests/suites/stock-host.sh boots: debootstrap of
# bookworm with systemd as pid 1, dbus, podman, containerd, docker.io, runc and
# crun (Debian's packages, their stock configuration), the host kernel's
# modules, and a boot unit that runs the suite's guest script from the
# worktree shared in over 9p. The tree goes into an ext4 image (mkfs.ext4 -d)
# that the guest gets as a virtio-blk disk, opened snapshot=on so the cache
# stays pristine.
#
# Cached as /var/cache/vps/stock-host-bookworm-ARCH-KEY.img, KEY a hash of
# REV, the package list and the kernel version (bump REV when what this script
# writes into the image changes): one builder at a time
# (flock on the .lock file), building into a temp file renamed into place.
# The archive is the one this machine's apt uses (its sources), never a name
# written here. Prints the image path as its last line; progress on stderr.
#   STOCK_CACHE=DIR  cache dir (default /var/cache/vps)
#   STOCK_BUILD=0    do not build: fail when the image is not cached
set -u -o pipefail
KVER=${1:?usage: stock-host-image.sh KVER}
ARCH=$(dpkg --print-architecture 2>/dev/null || uname -m)
CACHE=${STOCK_CACHE:-/var/cache/vps}
SUITE=bookworm
REV=3
# what the guest runs: the engines and runtimes under test, what the shared
# harnesses would apt-get (the guest has no network), and vps's libraries;
# apparmor as on every stock Debian host (the kernel enables it, and dockerd
# refuses to run a container when it cannot load its profile)
PKGS="systemd systemd-sysv dbus udev kmod procps iproute2 iptables util-linux bsdutils
 bsdextrautils coreutils findutils e2fsprogs busybox-static
 podman conmon catatonit netavark aardvark-dns crun runc golang-github-containers-common
 containerd docker.io tini apparmor
 libseccomp2 libcap2 libmnl0 libjson-c5 libcrypt1 libsystemd0"
PKGS=$(echo $PKGS)
say() { echo "stock-host-image: $*" >&2; }
die() { say "$*"; exit 1; }

KEY=$(echo "rev $REV: $PKGS $KVER $ARCH" | sha256sum | cut -c1-16)
IMG=$CACHE/stock-host-$SUITE-$ARCH-$KEY.img
if [ -s "$IMG" ]; then echo "$IMG"; exit 0; fi
[ "${STOCK_BUILD:-1}" = 0 ] && die "$IMG is not cached (STOCK_BUILD=0)"
for c in debootstrap mkfs.ext4 depmod; do
	command -v "$c" >/dev/null || die "$c missing (apt-get install debootstrap e2fsprogs kmod)"
done
[ -d "/lib/modules/$KVER/kernel" ] || die "no modules for $KVER in /lib/modules"
mkdir -p "$CACHE" || die "cannot make $CACHE"

# one builder per image; a builder that died leaves only its temp files
exec 9>>"$IMG.lock" || die "cannot open $IMG.lock"
if ! flock -n 9; then
	say "waiting for another build of $IMG"
	flock 9 || die "lock $IMG.lock"
fi
if [ -s "$IMG" ]; then echo "$IMG"; exit 0; fi
rm -rf "$IMG".tmp.*

# the first archive URI of this machine's apt sources that is not -security
mirror() {
	local f
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -r "$f" ] && sed -n 's/^URIs:[[:space:]]*//p' "$f" | tr ' ' '\n'
	done
	[ -r /etc/apt/sources.list ] && awk '$1 == "deb" { for (i = 2; i <= NF; i++)
		if ($i ~ /^[a-z]+:\/\//) { print $i; break } }' /etc/apt/sources.list
}
MIRROR=$(mirror | grep -v -- '-security/*$' | grep . | head -1)
[ -n "$MIRROR" ] || die "no archive URI in /etc/apt/sources.list.d/*.sources or /etc/apt/sources.list"

T=$IMG.tmp.$$
R=$T/root
# debootstrap mounts proc and sys in the tree: never remove through a mount
cleanup() {
	findmnt -rno TARGET | grep -F "$R/" | sort -r | while read -r m; do umount -l "$m"; done
	rm -rf --one-file-system "$T" "$T.img"
}
trap cleanup EXIT
mkdir -p "$R"
t0=$SECONDS
say "debootstrap $SUITE (minbase + ${PKGS// /,}) from this machine's apt source; a few minutes"
if ! debootstrap --variant=minbase --include="${PKGS// /,}" "$SUITE" "$R" "$MIRROR" >"$T/debootstrap.log" 2>&1; then
	tail -n 15 "$T/debootstrap.log" >&2
	die "debootstrap failed (log above)"
fi
say "debootstrap done in $((SECONDS - t0)) s"

# the host kernel's modules (the guest boots that kernel)
mkdir -p "$R/lib/modules"
cp -a "/lib/modules/$KVER" "$R/lib/modules/" && depmod -b "$R" "$KVER" || die "copying modules $KVER"

echo stockhost >"$R/etc/hostname"
printf '127.0.0.1 localhost\n127.0.1.1 stockhost\n' >"$R/etc/hosts"
printf '/dev/vda / ext4 rw,noatime 0 1\n' >"$R/etc/fstab"
# a fixed machine-id: no first-boot set-up (presets) on every boot of the snapshot
od -An -N16 -tx1 /dev/urandom | tr -d ' \n' >"$R/etc/machine-id" && echo >>"$R/etc/machine-id"
# The engines' own daemons would start at boot and are not what is tested (the
# harnesses start private ones): masked, as are the timers and gettys, to keep
# the TCG boot short. The engines' configuration files are left as Debian ships them.
for u in docker.service docker.socket containerd.service podman.service podman.socket \
	apt-daily.timer apt-daily-upgrade.timer man-db.timer e2scrub_all.timer fstrim.timer \
	e2scrub_reap.service getty@tty1.service systemd-timesyncd.service; do
	ln -sf /dev/null "$R/etc/systemd/system/$u"
done
# the boot hook: mount the shares named on the kernel command line and run
# the suite's guest script from the worktree; the guest powers off after it
cat >"$R/usr/local/sbin/vps-stock-boot" <<'EOF'
#!/bin/bash
# stock-host guest boot hook (tests/tools/stock-host-image.sh): mount the 9p
# shares (vpstop: the vps worktree, read-only; vpsshared: the shared harnesses,
# read-only; vpsout: where the results go), then run the worktree's guest script.
arg() { tr ' ' '\n' </proc/cmdline | sed -n "s/^vpsstock\.$1=//p" | head -1; }
top=$(arg top) shared=$(arg shared) out=/run/vps-stock-out
mkdir -p "$top" "$shared" "$out"
modprobe -a virtio_pci 9pnet_virtio 9p
o=trans=virtio,version=9p2000.L,msize=512000
mount -t 9p -o "$o,ro" vpstop "$top" && mount -t 9p -o "$o,ro" vpsshared "$shared" &&
	mount -t 9p -o "$o" vpsout "$out" || { echo "FAIL stock-host boot: 9p shares" >/dev/ttyS0; systemctl poweroff; exit 1; }
bash "$top/tests/suites/stock-host.guest" "$top" "$shared" "$out" "$(arg run)" >"$out/guest.log" 2>&1
echo "=== guest done rc=$?" >>"$out/guest.log"
sync
systemctl poweroff
EOF
chmod 755 "$R/usr/local/sbin/vps-stock-boot"
cat >"$R/etc/systemd/system/vps-stock.service" <<'EOF'
[Unit]
Description=vps stock-host test run (tests/suites/stock-host.sh)
After=basic.target dbus.service systemd-udev-trigger.service
Wants=dbus.service
[Service]
# simple, not oneshot: the boot (multi-user.target) must not wait for the tests
Type=simple
ExecStart=/usr/local/sbin/vps-stock-boot
StandardOutput=journal+console
[Install]
WantedBy=multi-user.target
EOF
ln -sf /etc/systemd/system/vps-stock.service "$R/etc/systemd/system/multi-user.target.wants/vps-stock.service"
rm -rf "$R/var/cache/apt/archives/"*.deb "$R/var/lib/apt/lists/"*_Packages

# the ext4 image: the tree plus room for the engines' storage
mb=$(($(du -sm "$R" | cut -f1) + 4096))
say "mkfs.ext4 -d: ${mb} MiB image"
mkfs.ext4 -q -F -L vpsstock -d "$R" "$T.img" "${mb}M" 2>"$T/mkfs.log" || { cat "$T/mkfs.log" >&2; die "mkfs.ext4 -d failed"; }
mv "$T.img" "$IMG" || die "rename into $IMG"
rm -f "$IMG.lock"
say "cached $IMG in $((SECONDS - t0)) s"
echo "$IMG"
