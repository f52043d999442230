#!/usr/bin/env bash
# Boot-to-exit of `vps run --vm` (busybox /bin/true): a cold boot (--vm-cold),
# a start from the VM snapshot (the default), and the container mode, same
# bundle; and the PSS of an idle VM's QEMU (/proc/PID/smaps_rollup), cold and
# as one of two VMs restored from one snapshot. Prints medians of N runs
# (default 5) and writes bench/out/vm.tsv. Run under the subreaper: `make bench-vm`.
#   N=5  VPS=./vps
set -euo pipefail
TOP=$(cd "$(dirname "$0")/.." && pwd)
VPS=${VPS:-$TOP/vps}
N=${N:-5}
TIMEIT=$TOP/build/bench/timeit
WORK=$(mktemp -d /tmp/vps-bench-vm.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
ROOT=$WORK/state
r=$WORK/b/rootfs
mkdir -p "$r"/{bin,proc,sys,dev,tmp,etc} "$ROOT"
cp /bin/busybox "$r/bin/busybox"
for a in true sh; do ln -s busybox "$r/bin/$a"; done
echo 'root:x:0:0:root:/:/bin/sh' >"$r/etc/passwd"
(cd "$WORK/b" && "$VPS" spec)
jq '.process.terminal = false | .process.args = ["/bin/true"]' "$WORK/b/config.json" >"$WORK/c.json"
mv "$WORK/c.json" "$WORK/b/config.json"

# one-time costs (accelerator probe, vmlinux extraction) are not part of a boot
"$VPS" --root "$ROOT" run --vm -b "$WORK/b" vm-warm >/dev/null 2>&1

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
measure() { # measure MODE-FLAG... -> medians of wall ms and max RSS kB
	local i out wall=() rss=()
	for i in $(seq "$N"); do
		out=$("$TIMEIT" -- "$VPS" --root "$ROOT" run "$@" -b "$WORK/b" "vm-bench-$i")
		wall+=("$(sed -n 's/.*wall_us=\([0-9]*\).*/\1/p' <<<"$out")")
		rss+=("$(sed -n 's/.*maxrss_kb=\([0-9]*\).*/\1/p' <<<"$out")")
	done
	printf '%s\t%s\n' "$(printf '%s\n' "${wall[@]}" | median | awk '{printf "%.1f", $1/1000}')" \
		"$(printf '%s\n' "${rss[@]}" | median)"
}
# QEMU's PSS (kB) of an idle VM: create MODE-FLAG NAME... (detached), read, delete
pss() {
	local id p mode=$1 out=()
	shift
	for id in "$@"; do "$VPS" --root "$ROOT" create "$mode" -b "$WORK/b" "$id" >/dev/null 2>&1; done
	sleep 1
	for id in "$@"; do
		p=$("$VPS" --root "$ROOT" state "$id" | jq -r .pid)
		out+=("$(awk '/^Pss:/ {print $2}' "/proc/$p/smaps_rollup")")
	done
	for id in "$@"; do "$VPS" --root "$ROOT" delete --force "$id" >/dev/null 2>&1; done
	echo "${out[0]}"
}
accel=$("$VPS" --root "$ROOT" features | jq -r '.annotations["org.vps.vm"]')
export VPS_VM_SNAPSHOTS=$WORK/snap
cold=$(measure --vm-cold)
cold_pss=$(pss --vm-cold vm-pss-cold)
"$VPS" --root "$ROOT" run --vm -b "$WORK/b" vm-snap-build >/dev/null 2>&1
snap=$(measure --vm)
snap_pss=$(pss --vm vm-pss-a vm-pss-b)
one_pss=$(pss --vm vm-pss-one)
# where a snapshot start's time goes (vps --debug marks, ms since vps_vm_create)
t0=$(date +%s%N)
"$VPS" --root "$ROOT" --debug run --vm -b "$WORK/b" vm-steps 2>&1 >/dev/null |
	sed -n 's/^vps: vm: +\([0-9]*\) ms \(.*\)/\1\t\2/p' >"$WORK/steps"
echo "$((($(date +%s%N) - t0) / 1000000))	the whole vps run, wall (with --debug)" >>"$WORK/steps"
ct=$(measure)
mkdir -p "$TOP/bench/out"
{
	printf 'mode\tmedian_ms\tmaxrss_kb\tidle_pss_kb\truns\n'
	printf "vm cold\t%s\t%s\t%s\n" "$cold" "$cold_pss" "$N"
	printf "vm snapshot\t%s\t%s\t%s\n" "$snap" "$snap_pss" "$N"
	printf "vm snapshot, alone\t-\t-\t%s\t-\n" "$one_pss"
	printf 'container\t%s\t-\t%s\n' "$ct" "$N"
} | tee "$TOP/bench/out/vm.tsv"
echo "# vm: $accel; load average: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "# one snapshot start, step by step (ms since the VM part of run began):"
sed 's/^/#   /' "$WORK/steps"
