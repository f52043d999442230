#!/usr/bin/env bash
# make bench-procview: what a VPS's /proc view costs per read (issue 18).
# 10000 whole reads of /proc/meminfo, /proc/cpuinfo, /proc/uptime and
# /proc/stat on the host, inside a busybox VPS without lxcfs (org.vps.procview
# kernel) and inside one with a private lxcfs (as Debian's package runs it);
# then 10000 sysinfo(2) calls on the host, in a VPS under its monitor (the
# call is a seccomp notification its sysinfo server answers) and in one
# without a monitor (a foreground run: the kernel answers).
set -euo pipefail
cd "$(dirname "$0")/.."
VPS=$PWD/vps PROCREAD=$PWD/build/bench/procread N=${N:-10000}
PROBE=$PWD/build/tests/sysinfo_probe
W=$(mktemp -d /tmp/vps-bench-pv.XXXXXX)
export VPS_INVENTORY=$W/inv # its VPSes are not the host's: never the real inventory
lxpid=
cleanup() {
	[ -n "$lxpid" ] && kill "$lxpid" 2>/dev/null && sleep 0.3
	umount -l "$W/lxcfs" 2>/dev/null || true
	"$VPS" --root "$W/state" delete --force pvb >/dev/null 2>&1 || true
	"$VPS" --root "$W/state" delete --force pvs >/dev/null 2>&1 || true
	rm -rf "$W"
}
trap cleanup EXIT
mkdir -p "$W/lxcfs"
lxcfs -f -p "$W/lxcfs.pid" --enable-cfs "$W/lxcfs" >"$W/lxcfs.log" 2>&1 &
lxpid=$!
for _ in $(seq 50); do [ -r "$W/lxcfs/proc/meminfo" ] && break; sleep 0.1; done
"$VPS" bundle "$W/b" --name pvb --memory 256M --cpus 1 >/dev/null
cp "$PROCREAD" "$W/b/rootfs/bin/procread"
cp "$PROBE" "$W/b/rootfs/bin/sysinfo_probe"
files="/proc/meminfo /proc/cpuinfo /proc/uptime /proc/stat"
run_in() { # MODE: kernel | lxcfs
	local ann='.annotations["org.vps.procview"]="kernel"'
	[ "$1" = lxcfs ] && ann=".annotations[\"org.vps.procview\"]=\"auto\" | .annotations[\"org.vps.lxcfs\"]=\"$W/lxcfs\""
	local cmd="for f in $files; do procread \$f $N; done"
	jq "$ann | .process.terminal=false | .process.args=[\"/bin/sh\",\"-c\",\"$cmd\"]" \
		"$W/b/config.json" >"$W/c" && mv "$W/c" "$W/b/config.json"
	"$VPS" --root "$W/state" run pvb --bundle "$W/b"
}
echo "# host"
for f in $files; do "$PROCREAD" "$f" "$N"; done
echo "# VPS, org.vps.procview=kernel (no lxcfs)"
run_in kernel
echo "# VPS, lxcfs $(lxcfs --version 2>&1 | head -1)"
run_in lxcfs
calls() { echo "sysinfo calls=$N us_per_call=$(awk -v ns="$1" 'BEGIN {printf "%.2f", ns / 1000}')"; }
echo "# sysinfo(2) on the host"
calls "$("$PROBE" bench "$N")"
echo "# sysinfo(2) in a VPS under its monitor (seccomp user notification)"
jq '.annotations["org.vps.procview"]="kernel" | .process.args=["/bin/sleep","600"]' \
	"$W/b/config.json" >"$W/c" && mv "$W/c" "$W/b/config.json"
"$VPS" --root "$W/state" run -d pvs --bundle "$W/b"
calls "$("$VPS" --root "$W/state" exec pvs sysinfo_probe bench "$N")"
"$VPS" --root "$W/state" delete --force pvs
echo "# sysinfo(2) in a VPS without a monitor (foreground run: the kernel's answer)"
jq '.process.args=["/bin/sysinfo_probe","bench","'"$N"'"]' \
	"$W/b/config.json" >"$W/c" && mv "$W/c" "$W/b/config.json"
calls "$("$VPS" --root "$W/state" run pvb --bundle "$W/b")"
