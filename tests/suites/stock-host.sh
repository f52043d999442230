#!/usr/bin/env bash
# timeout: 1500
# A stock Debian 12 host (issue 20): a QEMU guest (TCG; Debian's kernel by PVH
# boot of its ELF vmlinux, a busybox initramfs that mounts the root) whose root
# is a virtio-blk ext4 image of a debootstrapped bookworm with systemd as pid 1,
# pure cgroup v2, dbus, podman, containerd, docker.io, runc and crun
# (tests/tools/stock-host-image.sh, cached in /var/cache/vps; the disk is opened
# snapshot=on, so every boot starts from the same image). This worktree (its
# vps) and the shared harnesses are shared in read-only over 9p, results come
# back over a third, writable 9p share. The guest runs tests/suites/stock-host.guest:
# host checks, a timed `podman run` with the stock configuration, then the
# podman, containerd and docker harnesses with the systemd cgroup driver, each
# with runc (Debian's, the reference) and with vps.
#   default (make check): the host checks, podman run with runc and vps, and a
#     few harness cases per engine (STOCK_CASES_*); vps cases that fail only
#     because vps refuses --systemd-cgroup are reported as SKIP.
#   STOCK_FULL=1 (make test-stock-host): every case of the three harnesses with
#     runc and with vps, results as they are; bounded by STOCK_DEADLINE seconds
#     per harness run (default 1800: TCG makes every engine command seconds long)
#     and a guest timeout of their sum plus 900: at most about 3.5 hours.
#   STOCK_ENGINES="podman containerd docker" (or none), STOCK_RUNTIMES="runc vps": subsets;
#     STOCK_CASES_podman=REGEX (and _containerd, _docker; no spaces) picks that
#     engine's cases in a full run too.
#   STOCK_RUNC=failed (with STOCK_FULL=1): per engine every case with vps, then
#     runc (the reference) only on the cases vps failed: about half the time
#     when vps passes most, and enough to tell "vps fails where runc passes".
#   STOCK_BUILD=0: do not build the image when it is not cached (SKIP instead).
#   KEEP=1: keep the work dir (console, every harness's output and logs).
# Needs qemu-system-x86, linux-image-amd64, busybox-static, debootstrap and
# the archive this machine's apt uses (once, for the image).
set -u -o pipefail
TOP=${VPS_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
cd "$TOP" || exit 1
. "$TOP/tests/tools/guest-kernel.bash"
fail_setup() { echo "FAIL stock-host setup: $*"; exit 1; }
skip_all() { echo "SKIP stock-host: $*"; exit 0; }
VPS=${VPS:-$TOP/vps}
# the shared folder beside the checkout (or beside a worktree's parent)
SHARED=$(for d in ${VPS_SHARED:-"$TOP/../shared" "$TOP/../../shared"}; do
	[ -d "$d/suites/clients" ] && cd "$d" && pwd && break; done)
[ -n "$SHARED" ] || fail_setup "no shared folder with suites/clients beside $TOP (set VPS_SHARED)"
CACHE=${STOCK_CACHE:-/var/cache/vps}
FULL=${STOCK_FULL:-0}
ENGINES=${STOCK_ENGINES:-podman containerd docker}
[ "$ENGINES" = none ] && ENGINES= # only the host checks and podman run
RUNTIMES=${STOCK_RUNTIMES:-runc vps}
DEADLINE=${STOCK_DEADLINE:-1800}
REF=${STOCK_RUNC:-all}
# full runs: every case, or the cases STOCK_CASES_ENGINE gives (a re-run)
for e in podman containerd docker; do v=STOCK_CASES_$e; printf -v "FULL_CASES_$e" %s "${!v:--}"; done
# make check: per engine a plain run (the container's scope made and removed
# through systemd), a memory limit (a resource systemd owns as MemoryMax) and a
# freeze or an update; three cases keep each harness run near a minute under TCG
STOCK_CASES_podman=${STOCK_CASES_podman:-'^(run-true|memory-limit|pause-unpause)$'}
STOCK_CASES_containerd=${STOCK_CASES_containerd:-'^(run-echo|memory-limit|pause-resume)$'}
STOCK_CASES_docker=${STOCK_CASES_docker:-'^(run-true|memory|update-cpus-alone)$'}

command -v qemu-system-x86_64 >/dev/null || fail_setup "qemu-system-x86_64 missing (apt-get install qemu-system-x86)"
file -L /bin/busybox 2>/dev/null | grep -q 'statically linked' ||
	fail_setup "/bin/busybox is not static (apt-get install busybox-static)"
KVER=$(guest_kver)
[ -n "$KVER" ] || fail_setup "no Debian kernel with 9p modules (apt-get install linux-image-amd64)"
[ -x "$VPS" ] || fail_setup "$VPS not built (make)"
mkdir -p "$CACHE" || fail_setup "cannot make $CACHE"

t0=$SECONDS
IMG=$(bash "$TOP/tests/tools/stock-host-image.sh" "$KVER" 2>"$CACHE/.stock-host-build.$$.log" | tail -1)
if [ ! -s "$IMG" ]; then
	why=$(tail -n 3 "$CACHE/.stock-host-build.$$.log" | tr '\n' ' ')
	rm -f "$CACHE/.stock-host-build.$$.log"
	skip_all "the guest image cannot be built here: $why"
fi
[ $((SECONDS - t0)) -gt 5 ] && echo "# image built in $((SECONDS - t0)) s: $IMG"
rm -f "$CACHE/.stock-host-build.$$.log"
VMLINUX=$CACHE/stock-host-vmlinux-$KVER
err=$(guest_vmlinux "$KVER" "$VMLINUX") || fail_setup "$err"

W=$(mktemp -d /tmp/vps-stock.XXXXXX)
[ -n "${KEEP:-}" ] || trap 'rm -rf "$W"' EXIT
# initramfs: busybox and the modules to mount the ext4 root on virtio-blk,
# then systemd as pid 1 on it
I=$W/initramfs
mkdir -p "$I"/{bin,proc,sys,dev,root,mods}
cp /bin/busybox "$I/bin/busybox"
MODS="virtio_ring virtio virtio_pci_legacy_dev virtio_pci_modern_dev virtio_pci virtio_blk crc16 mbcache jbd2 crc32c_generic ext4"
err=$(guest_initramfs_mods "$KVER" "$I/mods" $MODS) || fail_setup "$err"
cat >"$I/init" <<INIT
#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t proc proc /proc; mount -t sysfs sys /sys; mount -t devtmpfs dev /dev
for m in $MODS; do insmod /mods/\$m.ko || echo "stock-host initramfs: insmod \$m failed"; done
for i in \$(seq 1 50); do [ -b /dev/vda ] && break; sleep 0.1; done
mount -t ext4 -o rw,noatime /dev/vda /root || { echo "stock-host initramfs: cannot mount /dev/vda"; poweroff -f; }
umount /proc /sys; mount --move /dev /root/dev
exec switch_root /root /lib/systemd/systemd
INIT
chmod +x "$I/init"
(cd "$I" && find . | cpio -o -H newc --quiet) >"$W/initrd" || fail_setup "cpio failed"

# what the guest runs
mkdir -p "$W/out"
{
	[ "$FULL" = 1 ] || echo "mode check"
	for e in $ENGINES; do
		v=FULL_CASES_$e
		[ "$FULL" = 1 ] || v=STOCK_CASES_$e
		cases=${!v}
		d=$DEADLINE
		[ "$FULL" = 1 ] || d=240 # three cases
		if [ "$FULL" = 1 ] && [ "$REF" = failed ]; then
			echo "$e vps $cases $d" # then runc on what vps failed only
			echo "$e runc @vps-failed $d"
		else
			for rt in $RUNTIMES; do echo "$e $rt $cases $d"; done
		fi
	done
} >"$W/out/run.conf"
runs=$(grep -vc '^mode' "$W/out/run.conf")
TMO=1200 # make check: 800 s seen with other TCG guests on the two cores
[ "$FULL" = 1 ] && TMO=$((runs * (DEADLINE + 120) + 900))

echo "# booting the stock guest ($KVER, TCG, 2 vCPUs, 3 GiB; $runs harness runs; timeout ${TMO}s; console: $W/console)"
t0=$(date +%s.%N)
timeout -k 5 "$TMO" qemu-system-x86_64 -accel tcg -M pc -cpu max -smp 2 -m 3072M -nodefaults \
	-display none -no-reboot -monitor none -serial "file:$W/console" -nic none \
	-kernel "$VMLINUX" -initrd "$W/initrd" \
	-append "console=ttyS0 quiet loglevel=3 panic=-1 rdinit=/init tsc=reliable no_timer_check mitigations=off 8250.nr_uarts=1 cryptomgr.notests random.trust_cpu=on nowatchdog systemd.unified_cgroup_hierarchy=1 systemd.show_status=error vpsstock.top=$TOP vpsstock.shared=$SHARED" \
	-drive "file=$IMG,if=virtio,format=raw,snapshot=on,cache=unsafe" \
	-fsdev "local,id=vpstop,path=$TOP,security_model=passthrough,readonly=on,multidevs=remap" \
	-device virtio-9p-pci,fsdev=vpstop,mount_tag=vpstop \
	-fsdev "local,id=vpsshared,path=$SHARED,security_model=passthrough,readonly=on,multidevs=remap" \
	-device virtio-9p-pci,fsdev=vpsshared,mount_tag=vpsshared \
	-fsdev "local,id=vpsout,path=$W/out,security_model=passthrough" \
	-device virtio-9p-pci,fsdev=vpsout,mount_tag=vpsout
rc=$?
wall=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.0f", b - a }')
log=$W/out/guest.log
[ -f "$log" ] && tr -d '\r' <"$log" | grep -E '^(PASS|FAIL|SKIP|#)'
echo "# guest wall time (boot, tests, poweroff): $wall s"
if ! grep -q '^=== guest done' "$log" 2>/dev/null; then
	echo "FAIL stock-host: the guest did not finish (qemu rc=$rc); last console lines:"
	tr -d '\r' <"$W/console" | tail -n 20 | sed 's/^/#   /'
	[ -f "$log" ] && tail -n 5 "$log" | sed 's/^/#   guest.log: /'
	exit 1
fi
# per engine and runtime: the harness's own summary line
for e in $ENGINES; do
	for rt in $RUNTIMES; do
		[ -f "$W/out/$e-$rt.out" ] && echo "# summary $e/$rt: $(grep -cE '^PASS ' "$W/out/$e-$rt.out") passed, $(grep -cE '^FAIL ' "$W/out/$e-$rt.out") failed ($(tail -1 "$W/out/$e-$rt.out"))"
	done
	# the cases that matter: vps fails where runc (the reference) passes
	o=$W/out/$e
	[ -f "$o-vps.out" ] && [ -f "$o-runc.out" ] &&
		echo "# $e: vps fails, runc passes: $(comm -12 <(sed -n 's/^FAIL \([^:]*\):.*/\1/p' "$o-vps.out" | sort) \
			<(sed -n 's/^PASS \(.*\)/\1/p' "$o-runc.out" | sort) | tr '\n' ' ')"
done
exit 0
