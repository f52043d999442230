#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# vps migrate's downtime and total time (issue 19):
#   bash bench/migrate.sh [N]     (default 3 moves each; make bench-migrate)
# A busybox VPS (vps bundle --userns host; its init holds M MiB of anonymous
# memory in a shell variable and runs a counter) and a systemd VPS (the debian
# template, --userns host, "running", plus a shell started with vps exec -d
# holding M MiB) move live and offline between two state roots and
# inventories on this machine (--to-root), for M = 64 and 512. Each move
# prints vps migrate's last line; the means of downtime, dump (or stop), copy,
# restore (or start) and total are printed per case. The criu is the one
# tests/tools/criu-private.sh provides. CASES="bb64 bb512 sd64 sd512" (the
# default) picks the cases. The engines' own checkpoint + restore
# is printed next to it where it works here (see crun_note below).
# RUN_TMPFS=1 runs it all in a private mount namespace whose /run is a new
# tmpfs, as a systemd host's is: criu keeps its kernel probe cache
# (/run/criu.kdat) only on a tmpfs, and this machine's /run is not one.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
n=${1:-3}
vps=$top/vps
criu=${MIG_CRIU:-$(bash "$top/tests/tools/criu-private.sh" "${CRIU_PREFIX:-/var/cache/vps}")}
if [ -n "${RUN_TMPFS:-}" ] && [ -z "${MIG_CRIU:-}" ]; then
	# the criu picked outside (its probe in the namespace could pick another)
	exec env MIG_CRIU="$criu" unshare -m --propagation slave \
		sh -c 'mount -t tmpfs tmpfs /run && exec bash "$0" "$@"' "$0" "$@"
fi
w=$(mktemp -d /tmp/vps-bench-mig.XXXXXX)
export VPS_INVENTORY=$w/inv-a
va() { "$vps" --root "$w/a" --inventory "$w/inv-a" --criu "$criu" "$@"; }
vb() { "$vps" --root "$w/b" --inventory "$w/inv-b" --criu "$criu" "$@"; }
vat() { if [ "$1" = a ]; then shift; va "$@"; else shift; vb "$@"; fi; }
other() { if [ "$1" = a ]; then echo b; else echo a; fi; }
cleanup() {
	for s in a b; do
		for id in $(ls "$w/$s" 2>/dev/null); do "$vps" --root "$w/$s" delete -f "$id" >/dev/null 2>&1 || true; done
	done
	rm -rf "$w"
}
trap cleanup EXIT
mkdir -p "$w/a" "$w/b"

hold() { # the shell words that fill M MiB and keep them
	echo "x=\$(head -c $(($1 * 1048576)) /dev/zero | tr '\\0' a); echo \${#x} >$2"
}
# wait_held NAME SIDE FILE: the holder wrote its size (a fresh start refills it)
wait_held() {
	for i in $(seq 900); do [ -s "$w/$1.$2/rootfs$3" ] && return 0; sleep 0.1; done
	echo "# $1: memory not held after 90 s" >&2
}

# busybox NAME MIB: the VPS, started, its memory held by its init
busybox() {
	"$vps" --inventory "$w/inv-a" bundle "$w/$1.a" --name "$1" --userns host --memory 2G >/dev/null
	jq --arg h "$(hold "$2" /tmp/held)" '.process.args = ["sh", "-c",
		"trap \"exit 0\" USR2; rm -f /tmp/held; " + $h + "; sh -c '"'"'i=0; while :; do i=$((i+1)); echo $i >/tmp/count; sleep 0.05; done'"'"' & wait"]' \
		"$w/$1.a/config.json" >"$w/c.json" && mv "$w/c.json" "$w/$1.a/config.json"
	va start "$1"
	wait_held "$1" a /tmp/held
	sleep 0.3
}

# systemd NAME SIDE MIB: wait until it runs, then hold MIB in an exec'd shell
sd_ready() {
	local s
	for i in $(seq 300); do
		s=$(vat "$2" exec "$1" systemctl is-system-running 2>/dev/null) || true
		case $s in running | degraded) break ;; esac
		sleep 0.2
	done
	rm -f "$w/$1.$2/rootfs/var/tmp/held"
	vat "$2" exec -d "$1" /bin/sh -c "$(hold "$3" /var/tmp/held); while :; do sleep 1000; done" </dev/null >/dev/null
	wait_held "$1" "$2" /var/tmp/held
	sleep 0.3
}

# one NAME MODE FROM: move it; print downtime dump copy restore total bytes
one() {
	local out to
	to=$(other "$3")
	out=$(vat "$3" migrate "$1" "--$2" --to-root "$w/$to" --to-inventory "$w/inv-$to" --to-bundle "$w/$1.$to")
	echo "$out" >&2
	# migrated N to D: downtime D ms (dump X, copy Y, restore Z), total T ms, B bytes copied
	echo "$out" | sed -E 's/.*downtime ([0-9]+) ms \([a-z]+ ([0-9]+), copy ([0-9]+), [a-z]+ ([0-9]+)\), total ([0-9]+) ms, ([0-9]+) bytes.*/\1 \2 \3 \4 \5 \6/'
}
mean() {
	awk -v c="$1" '{ d += $1; du += $2; co += $3; r += $4; t += $5; b += $6; k++ }
		END { printf "%s %d %.0f %.0f %.0f %.0f %.0f %.0f\n", c, k, d / k, du / k, co / k, r / k, t / k, b / k }'
}

# cases KIND NAME MIB: N moves live, then N offline (re-holding after each start)
cases() {
	local from=a mode
	for mode in live offline; do
		for i in $(seq "$n"); do
			one "$2" "$mode" "$from" >>"$w/rows"
			from=$(other "$from")
			if [ "$mode" = offline ]; then
				if [ "$1" = busybox ]; then wait_held "$2" "$from" /tmp/held; else sd_ready "$2" "$from" "$3"; fi
			fi
		done
		mean "$1-${3}M-$mode" <"$w/rows"
		rm -f "$w/rows"
	done
	vat "$from" stop "$2" >/dev/null
	vat "$from" destroy "$2" >/dev/null 2>&1 || true
}

want() { case " ${CASES:-bb64 bb512 sd64 sd512} " in *" $1 "*) return 0 ;; esac; return 1; }
echo "case moves downtime_ms dump_ms copy_ms restore_ms total_ms bytes"
for mib in 64 512; do
	want "bb$mib" || continue
	busybox "bb$mib" "$mib"
	echo "# bb$mib: holds $(cat "$w/bb$mib.a/rootfs/tmp/held") bytes" >&2
	cases busybox "bb$mib" "$mib"
done
# systemd: the debian template (cached under /var/cache/vps) with --userns host
for mib in 64 512; do
	want "sd$mib" || continue
	if ! "$vps" --inventory "$w/inv-a" bundle "$w/sd$mib.a" --template debian --name "sd$mib" --userns host --memory 2G >/dev/null 2>&1; then
		echo "# systemd: no debian template here (vps bundle --template debian failed)" >&2
		break
	fi
	va start "sd$mib"
	sd_ready "sd$mib" a "$mib"
	cases systemd "sd$mib" "$mib"
done
# The engines: Debian 12's crun 1.8.1 is built without CRIU ("crun checkpoint":
# unknown command), so podman container checkpoint/restore cannot run with crun here.
if crun checkpoint --help >/dev/null 2>&1; then
	echo "# crun has checkpoint here: compare by hand (bench/RESULTS.md)" >&2
else
	echo "# crun $(crun --version | sed -n 's/^crun version //p'): no checkpoint command (built without CRIU)" >&2
fi
echo "criu $("$criu" --version | sed -n 's/^Version: //p'), kernel $(uname -r), $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)${RUN_TMPFS:+, /run on a tmpfs}"
