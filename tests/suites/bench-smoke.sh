#!/usr/bin/env bash
# timeout: 300
# bench-smoke: the benchmark harness works (bench/bench.sh in smoke mode). No
# timing is asserted: only that every row is measured for every runtime that
# can run, the files are written, and nothing is left behind.
set -u -o pipefail
cd "${VPS_TOP:-$(dirname "$0")/../..}"
B=build/bench
n=0
ok() { n=$((n + 1)); echo "ok $n - $*"; }
nok() { n=$((n + 1)); echo "not ok $n - $*"; }
skip() { n=$((n + 1)); echo "ok $n - $1 # SKIP $2"; }
check() { local d=$1; shift; if "$@"; then ok "$d"; else nok "$d"; fi; }

for t in timeit floor sysloop; do
	[ -x "$B/$t" ] || { echo "Bail out! $B/$t missing: run make bench-tools"; exit 1; }
done

# the stopwatch itself
out=$($B/timeit -n 3 -j 2 -- /bin/false)
check "timeit counts failing runs (exit 1, failed=3)" [ $? = 1 ] 
check "timeit reports every field" grep -qE '^wall_us=[0-9]+ user_us=[0-9]+ sys_us=[0-9]+ maxrss_kb=[0-9]+ failed=3$' <<<"$out"
out=$($B/timeit -o -n 2 -- echo 'id-{}')
check "timeit substitutes {} with the run index" [ "$(grep -c '^id-[01]$' <<<"$out")" = 2 ]
check "sysloop prints per-call costs" grep -qE '^getppid_ns=[0-9.]+ stat_ns=[0-9.]+$' <<<"$($B/sysloop 1000)"

# the profile: docker-like, ~350 rules once resolved for amd64 and docker's caps
caps='["CAP_CHOWN","CAP_KILL","CAP_SYS_CHROOT","CAP_SETUID","CAP_SETGID"]'
rules=$(jq -f bench/seccomp-oci.jq --arg arch amd64 --argjson caps "$caps" bench/seccomp-default.json |
	jq '[.syscalls[].names | length] | add')
check "seccomp profile resolves to about 350 rules (got $rules)" [ "${rules:-0}" -ge 330 -a "${rules:-0}" -le 400 ]
gated() { # gated CAPS: how many rules allow mount(2) for this capability set
	jq -f bench/seccomp-oci.jq --arg arch amd64 --argjson caps "$1" bench/seccomp-default.json |
		jq '[.syscalls[] | select(.names | index("mount"))] | length'
}
check "capability-gated rules apply only with the capability" \
	[ "$(gated '["CAP_SYS_ADMIN"]')" = 1 -a "$(gated "$caps")" = 0 ]

# the smoke run
OUTD=$(mktemp -d /tmp/vps-bench-smoke.XXXXXX)
before=$(ls -d /tmp/vpsbench.* 2>/dev/null | wc -l)
OUT=$OUTD bash bench/bench.sh smoke >"$OUTD/stdout" 2>&1
rc=$?
sed 's/^/# /' "$OUTD/stdout" | head -60
check "bench.sh smoke exits 0" [ $rc = 0 ]
check "results.tsv, samples.tsv and table.md written" [ -s "$OUTD/results.tsv" -a -s "$OUTD/samples.tsv" -a -s "$OUTD/table.md" ]
rows="run run-seccomp run-limits create start delete exec"
for r in crun runc vps; do
	if ! grep -q "^# bench smoke: runtimes:.* $r\b" "$OUTD/stdout" && ! grep -q "runtimes: $r\b" "$OUTD/stdout"; then
		skip "$r measured" "$(grep "note: $r:" "$OUTD/stdout" | sed 's/^# note: //' || echo "$r not picked") (needs a working \`$r run\`)"
		continue
	fi
	missing=""
	for row in $rows "run-x8 (total)" "getppid ns/call, seccomp" "binary + non-libc shared libs"; do
		awk -F'\t' -v r="$r" -v row="$row" '$1 == row && $2 == r && $3 > 0 { f = 1 } END { exit !f }' \
			"$OUTD/results.tsv" || missing+=" [$row]"
	done
	check "$r: every row has a positive median${missing:+ (missing:$missing)}" [ -z "$missing" ]
done
grep "^FAIL" "$OUTD/bench.log" | sed "s/^/# /"
check "no measurement failed" [ "$(grep -c "^FAIL" "$OUTD/bench.log")" = 0 ]
check "no bench work dir left in /tmp" [ "$(ls -d /tmp/vpsbench.* 2>/dev/null | wc -l)" = "$before" ]
left=$(find /sys/fs/cgroup -maxdepth 4 -type d -name 'vb[0-9]*-*' 2>/dev/null | head -3)
check "no container cgroup left behind${left:+: $left}" [ -z "$left" ]
rm -rf "$OUTD"
echo "1..$n"
