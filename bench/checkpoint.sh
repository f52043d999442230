#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Checkpoint and restore times of a busybox counter container (issue 19):
#   bash bench/checkpoint.sh [N]     (default 10 rounds; make bench-checkpoint)
# Each round: `vps checkpoint` (dump, the tree stops, the container is deleted)
# then `vps restore -d` (state, cgroup, criu restore), timed apart. The criu is
# the one tests/tools/criu-private.sh provides. Prints each round and the means.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
n=${1:-10}
vps=$top/vps
criu=$(bash "$top/tests/tools/criu-private.sh" "${CRIU_PREFIX:-/var/cache/vps/criu-trixie}")
w=$(mktemp -d /tmp/vps-bench-ck.XXXXXX)
root=$w/state
v() { "$vps" --root "$root" --criu "$criu" "$@"; }
trap 'v delete -f bm >/dev/null 2>&1; rm -rf "$w"' EXIT
mkdir -p "$root" "$w/b/rootfs/bin" "$w/b/rootfs/tmp" "$w/b/rootfs/proc" "$w/b/rootfs/sys" "$w/b/rootfs/dev"
cp /bin/busybox "$w/b/rootfs/bin/"
for a in sh sleep; do ln -s busybox "$w/b/rootfs/bin/$a"; done
(cd "$w/b" && "$vps" spec)
jq '.process.terminal = false | .process.args = ["sh", "-c", "i=0; while :; do i=$((i+1)); echo $i >/tmp/count; sleep 0.05; done"]' \
	"$w/b/config.json" >"$w/c.json" && mv "$w/c.json" "$w/b/config.json"
(cd "$w/b" && v run -d bm </dev/null >/dev/null 2>&1)
sleep 0.3
ms() { echo $((($2 - $1) / 1000000)); }
echo "round checkpoint_ms restore_ms"
for i in $(seq "$n"); do
	rm -rf "$w/img"
	t0=$(date +%s%N)
	v checkpoint --image-path "$w/img" bm
	t1=$(date +%s%N)
	v restore -d --image-path "$w/img" --bundle "$w/b" bm
	t2=$(date +%s%N)
	echo "$i $(ms "$t0" "$t1") $(ms "$t1" "$t2")"
done | awk '{ print } NR > 1 || $1 == 1 { c += $2; r += $3; k++ }
	END { printf "mean of %d: checkpoint %.0f ms, restore %.0f ms (criu %s)\n", k, c / k, r / k, "'"$("$criu" --version | sed -n 's/^Version: //p')"'" }'
echo "images: $(du -sh "$w/img" | cut -f1) (the counter's value now: $(cat "$w/b/rootfs/tmp/count"))"
