#!/usr/bin/env bash
# A --vm VPS's root: virtio-blk (an ext4 image, vps bundle --disk) vs 9p (the
# rootfs directory shared by QEMU), same busybox tree (issue 18). Two numbers,
# medians of N runs (default 3) each: the cold boot-to-exit of /bin/true
# (vps run --vm-cold, timed on the host), and a file-heavy workload inside:
# untar of a ~100 MB tree of small files (the host's /usr/include, ~8000
# files) onto the root, then sync, timed inside by /proc/uptime. Writes
# bench/out/disk-vm.tsv. QEMU is CPU-heavy: run it under the shared lock:
#   make bench-disk-vm      (N=3 VPS=./vps)
set -euo pipefail
TOP=$(cd "$(dirname "$0")/.." && pwd)
VPS=${VPS:-$TOP/vps}
N=${N:-3}
TIMEIT=$TOP/build/bench/timeit
WORK=$(mktemp -d /tmp/vps-bench-disk.XXXXXX)
export VPS_INVENTORY=$WORK/inv
ROOT=$WORK/state
trap '"$VPS" --root "$ROOT" delete --force x >/dev/null 2>&1; rm -rf "$WORK"' EXIT
mkdir -p "$ROOT" "$WORK/tree/bin" "$WORK/tree/x"
cp /bin/busybox "$WORK/tree/bin/"
for a in sh true tar sync cat rm; do ln -s busybox "$WORK/tree/bin/$a"; done
tar -cf "$WORK/tree/tree.tar" -C /usr include
files=$(tar -tf "$WORK/tree/tree.tar" | wc -l)
mb=$(($(stat -c %s "$WORK/tree/tree.tar") >> 20))

echo "disk-vm: tree ready ($(date +%T))" >&2
"$VPS" bundle "$WORK/p9" --name p9 --template "dir:$WORK/tree" --userns host --memory 1G >/dev/null
"$VPS" bundle "$WORK/blk" --name blk --template "dir:$WORK/tree" --userns host --memory 1G \
	--disk 1G >/dev/null
args() { # BUNDLE ARGS-JSON
	jq ".process.terminal = false | .process.args = $2" "$1/config.json" >"$WORK/c.json"
	mv "$WORK/c.json" "$1/config.json"
}
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
boot() { # BUNDLE -> median ms of a cold boot running /bin/true
	local i w=()
	args "$1" '["/bin/true"]'
	for i in $(seq "$N"); do
		w+=("$("$TIMEIT" -- "$VPS" --root "$ROOT" run --vm-cold -b "$1" x |
			sed -n 's/.*wall_us=\([0-9]*\).*/\1/p')")
	done
	printf '%s\n' "${w[@]}" | median | awk '{printf "%.0f", $1/1000}'
}
untar() { # BUNDLE -> median ms of untar+sync inside (and the last run's check)
	local i t=() out
	args "$1" '["/bin/sh", "-c", "rm -rf /x/*; sync; a=$(cat /proc/uptime); tar -xf /tree.tar -C /x && sync; b=$(cat /proc/uptime); echo ${a%% *} ${b%% *}"]'
	for i in $(seq "$N"); do
		out=$("$VPS" --root "$ROOT" run --vm-cold -b "$1" x | tr -d '\r' | tail -1)
		t+=("$(awk '{printf "%.0f", ($2 - $1) * 1000}' <<<"$out")")
	done
	printf '%s\n' "${t[@]}" | median
}
# one-time costs (accelerator probe, vmlinux extraction) are not part of a boot
args "$WORK/p9" '["/bin/true"]'
"$VPS" --root "$ROOT" run --vm-cold -b "$WORK/p9" x >/dev/null 2>&1
echo "disk-vm: bundles ready, warm-up done ($(date +%T))" >&2
mkdir -p "$TOP/bench/out"
{
	printf 'root\tcold_boot_ms\tuntar_sync_ms\truns\n'
	printf '9p (rootfs dir)\t%s\t%s\t%s\n' "$(boot "$WORK/p9")" "$(untar "$WORK/p9")" "$N"
	printf 'virtio-blk (ext4 image)\t%s\t%s\t%s\n' "$(boot "$WORK/blk")" "$(untar "$WORK/blk")" "$N"
} | tee "$TOP/bench/out/disk-vm.tsv"
echo "# tree: $files entries, $mb MiB; vm: $("$VPS" --root "$ROOT" features | jq -r '.annotations["org.vps.vm"]'); load average: $(cut -d' ' -f1-3 /proc/loadavg)"
