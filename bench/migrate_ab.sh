#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# A/B of vps migrate's downtime between vps binaries, interleaved on one VPS:
#   bash bench/migrate_ab.sh ROUNDS MOVES VPS_A VPS_B...
# A busybox VPS holding 64 MiB (as bench/migrate.sh's bb64, made with the
# first binary) moves live between two state roots on this machine; each
# round moves it MOVES times with each binary in turn, so the binaries see
# the same machine load. Prints one line per move (binary, round, downtime,
# dump, copy, restore in ms, load) and the means per binary. The criu is
# tests/tools/criu-private.sh's (or MIG_CRIU).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
rounds=$1 moves=$2
shift 2
bins=("$@")
criu=${MIG_CRIU:-$(bash "$top/tests/tools/criu-private.sh" "${CRIU_PREFIX:-/var/cache/vps}")}
w=$(mktemp -d /tmp/vps-bench-migab.XXXXXX)
v0=${bins[0]}
cleanup() {
	for s in a b; do
		for id in $(ls "$w/$s" 2>/dev/null); do "$v0" --root "$w/$s" delete -f "$id" >/dev/null 2>&1 || true; done
	done
	rm -rf "$w"
}
trap cleanup EXIT
mkdir -p "$w/a" "$w/b"
"$v0" --inventory "$w/inv-a" bundle "$w/bb.a" --name bb --userns host --memory 2G >/dev/null
jq --arg h "x=\$(head -c $((64 * 1048576)) /dev/zero | tr '\\0' a); echo \${#x} >/tmp/held" '.process.args = ["sh", "-c",
	"trap \"exit 0\" USR2; rm -f /tmp/held; " + $h + "; sh -c '"'"'i=0; while :; do i=$((i+1)); echo $i >/tmp/count; sleep 0.05; done'"'"' & wait"]' \
	"$w/bb.a/config.json" >"$w/c.json" && mv "$w/c.json" "$w/bb.a/config.json"
"$v0" --root "$w/a" --inventory "$w/inv-a" --criu "$criu" start bb
for i in $(seq 900); do [ -s "$w/bb.a/rootfs/tmp/held" ] && break; sleep 0.1; done
sleep 0.3
from=a
for r in $(seq "$rounds"); do
	for v in "${bins[@]}"; do
		for k in $(seq "$moves"); do
			if [ $from = a ]; then to=b; else to=a; fi
			out=$("$v" --root "$w/$from" --inventory "$w/inv-$from" --criu "$criu" migrate bb --live \
				--to-root "$w/$to" --to-inventory "$w/inv-$to" --to-bundle "$w/bb.$to")
			echo "$v r$r $(echo "$out" | sed -E 's/.*downtime ([0-9]+) ms \(dump ([0-9]+), copy ([0-9]+), restore ([0-9]+)\).*/\1 \2 \3 \4/') load $(cut -d' ' -f1 /proc/loadavg)"
			from=$to
		done
	done
done | tee "$w/rows"
echo "# means: binary moves downtime dump copy restore (ms)"
awk '{ n[$1]++; d[$1] += $3; du[$1] += $4; c[$1] += $5; r[$1] += $6 }
	END { for (b in n) printf "%s %d %.0f %.0f %.0f %.0f\n", b, n[b], d[b] / n[b], du[b] / n[b], c[b] / n[b], r[b] / n[b] }' "$w/rows"
echo "criu $("$criu" --version | sed -n 's/^Version: //p'), kernel $(uname -r), $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)"
