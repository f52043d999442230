#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# vps migrate's downtime and total time (issue 19):
#   bash bench/migrate.sh [N]     (default 3 rounds each; make bench-migrate)
# A busybox VPS (vps bundle --userns host; its init holds M MiB of anonymous
# memory in a shell variable and runs a counter) moves live and offline
# between two state roots and inventories on this machine (--to-root), for
# M = 64 and 512. Each move prints vps migrate's last line; the means of
# downtime, dump, copy, restore (or start) and total are printed per case.
# The criu is the one tests/tools/criu-private.sh provides.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
n=${1:-3}
vps=$top/vps
criu=$(bash "$top/tests/tools/criu-private.sh" "${CRIU_PREFIX:-/var/cache/vps/criu-trixie}")
w=$(mktemp -d /tmp/vps-bench-mig.XXXXXX)
export VPS_INVENTORY=$w/inv-a
va() { "$vps" --root "$w/a" --inventory "$w/inv-a" --criu "$criu" "$@"; }
vb() { "$vps" --root "$w/b" --inventory "$w/inv-b" --criu "$criu" "$@"; }
cleanup() {
	for s in a b; do
		for id in $(ls "$w/$s" 2>/dev/null); do "$vps" --root "$w/$s" delete -f "$id" >/dev/null 2>&1 || true; done
	done
	rm -rf "$w"
}
trap cleanup EXIT
mkdir -p "$w/a" "$w/b"

# vpsb NAME MIB: the VPS, started, its memory held
vpsb() {
	"$vps" --inventory "$w/inv-a" bundle "$w/$1.a" --name "$1" --userns host --memory 2G >/dev/null
	jq --arg m "$(($2 * 1048576))" '.process.args = ["sh", "-c",
		"trap \"exit 0\" USR2; rm -f /tmp/held; x=$(head -c " + $m + " /dev/zero | tr \"\\\\0\" a); echo ${#x} >/tmp/held; sh -c '"'"'i=0; while :; do i=$((i+1)); echo $i >/tmp/count; sleep 0.05; done'"'"' & wait"]' \
		"$w/$1.a/config.json" >"$w/c.json" && mv "$w/c.json" "$w/$1.a/config.json"
	va start "$1"
	for i in $(seq 600); do [ -s "$w/$1.a/rootfs/tmp/held" ] && break; sleep 0.1; done
	sleep 0.3
}

# one NAME MODE FROM [nowait]: move it and print the last line's numbers
one() {
	local out
	if [ "$3" = a ]; then
		out=$(va migrate "$1" "--$2" --to-root "$w/b" --to-inventory "$w/inv-b" --to-bundle "$w/$1.b")
	else
		out=$(vb migrate "$1" "--$2" --to-root "$w/a" --to-inventory "$w/inv-a" --to-bundle "$w/$1.a")
	fi
	echo "$out" >&2
	# an offline move starts the init afresh: let it hold its memory again
	local to=$([ "$3" = a ] && echo b || echo a)
	[ -n "${4:-}" ] || for i in $(seq 600); do [ -s "$w/$1.$to/rootfs/tmp/held" ] && break; sleep 0.1; done
	# migrated N to D: downtime D ms (dump X, copy Y, restore Z), total T ms, B bytes copied
	echo "$out" | sed -E 's/.*downtime ([0-9]+) ms \([a-z]+ ([0-9]+), copy ([0-9]+), [a-z]+ ([0-9]+)\), total ([0-9]+) ms, ([0-9]+) bytes.*/\1 \2 \3 \4 \5 \6/'
}

echo "case rounds downtime_ms dump_ms copy_ms restore_ms total_ms bytes"
for mib in 64 512; do
	name=bm$mib
	vpsb "$name" "$mib"
	rss=$(awk '/^total_rss |^anon /{print int($2/1048576); exit}' \
		/sys/fs/cgroup/memory/vps/"$name"@*/memory.stat 2>/dev/null || echo "?")
	echo "# $name: holds $(cat "$w/$name.a/rootfs/tmp/held") bytes; cgroup rss ${rss} MiB" >&2
	for mode in live offline; do
		from=a
		for i in $(seq "$n"); do
			one "$name" "$mode" "$from"
			if [ "$from" = a ]; then from=b; else from=a; fi
		done | awk -v c="busybox-${mib}M-$mode" '{ d += $1; du += $2; co += $3; r += $4; t += $5; b += $6; k++ }
			END { printf "%s %d %.0f %.0f %.0f %.0f %.0f %.0f\n", c, k, d / k, du / k, co / k, r / k, t / k, b / k }'
		if [ -d "$w/b/$name" ]; then # leave it on a for the next mode
			vb migrate "$name" --offline --to-root "$w/a" --to-inventory "$w/inv-a" --to-bundle "$w/$name.a" >/dev/null
		fi
		for i in $(seq 600); do [ -s "$w/$name.a/rootfs/tmp/held" ] && break; sleep 0.1; done
	done
	va stop "$name" >/dev/null
	va destroy "$name" >/dev/null
done
# systemd: the debian template (cached under /var/cache/vps) with --userns host, live
if "$vps" --inventory "$w/inv-a" bundle "$w/sd.a" --template debian --name sd --userns host >/dev/null 2>&1; then
	va start sd
	for i in $(seq 150); do
		s=$(va exec sd systemctl is-system-running 2>/dev/null) || true
		case $s in running | degraded) break ;; esac
		sleep 0.2
	done
	from=a
	for i in $(seq "$n"); do
		one sd live "$from" nowait
		if [ "$from" = a ]; then from=b; else from=a; fi
	done | awk '{ d += $1; du += $2; co += $3; r += $4; t += $5; b += $6; k++ }
		END { printf "systemd-live %d %.0f %.0f %.0f %.0f %.0f %.0f\n", k, d / k, du / k, co / k, r / k, t / k, b / k }'
	if [ -d "$w/b/sd" ]; then vb stop sd >/dev/null; else va stop sd >/dev/null; fi
else
	echo "# systemd: no debian template here (vps bundle --template debian failed)" >&2
fi
echo "criu $("$criu" --version | sed -n 's/^Version: //p'), kernel $(uname -r), $(nproc) CPUs"
