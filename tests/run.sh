#!/usr/bin/env bash
# The test runner behind `make check`: C unit tests, bats suites (tests/*.bats)
# and script suites (tests/suites/*.sh), each under a child subreaper and a
# timeout. Every suite speaks TAP (ok / not ok / # skip) or the harness form
# (PASS / FAIL / SKIP lines). Prints a line per suite, every failure and skip
# reason, and last: "N passed, M failed, K skipped".
#   TESTS=REGEX   run only suites whose name matches (e.g. TESTS='cli|specs')
#   VERBOSE=1     echo every line of every suite
set -u -o pipefail
cd "$(dirname "$0")/.."
TOP=$PWD
LOGS=$TOP/build/test-logs
mkdir -p "$LOGS"
REAPER=$TOP/build/tests/subreaper
export VPS=$TOP/vps
export VPS_TOP=$TOP
FILTER=${TESTS:-.}
pass=0 fail=0 skip=0

# run_suite NAME TIMEOUT CMD...: run, parse, account.
run_suite() {
	local name=$1 tmo=$2; shift 2
	[[ $name =~ $FILTER ]] || return 0
	local log="$LOGS/${name//\//_}.log" t0=$SECONDS rc
	if [ "${VERBOSE:-0}" = 1 ]; then
		timeout -k 10 "$tmo" "$REAPER" "$@" </dev/null 2>&1 | tee "$log"
	else
		timeout -k 10 "$tmo" "$REAPER" "$@" </dev/null >"$log" 2>&1
	fi
	rc=${PIPESTATUS[0]}
	local p f s
	p=$(grep -cE '^(ok [0-9]+|PASS )' "$log" | head -1)
	s=$(grep -cE '^(ok [0-9]+ .*# ?(skip|SKIP)|SKIP )' "$log" | head -1)
	f=$(grep -cE '^(not ok [0-9]+|FAIL )' "$log" | head -1)
	p=$((p - s))
	if [ "$rc" != 0 ] && [ "$f" = 0 ]; then
		f=1
		echo "not ok - $name exited with status $rc without reporting a failing test (timeout ${tmo}s?)" >>"$log"
	fi
	printf '== %-28s %3d passed, %d failed, %d skipped (%ds)\n' "$name" "$p" "$f" "$s" $((SECONDS - t0))
	grep -E '^(not ok [0-9]+|FAIL )' "$log" | sed 's/^/   /' | head -40
	grep -A3 -E '^not ok ' "$log" | grep -E '^#' | sed 's/^/   /' | head -60
	grep -E '^(ok [0-9]+ .*# ?(skip|SKIP)|SKIP )' "$log" | sed 's/^/   /' | head -20
	[ "$rc" != 0 ] && [ "$f" -gt 0 ] && tail -n 5 "$log" | sed 's/^/   | /'
	pass=$((pass + p)) fail=$((fail + f)) skip=$((skip + s))
}

# Seconds a suite may take: a "# timeout: N" line in its first 20 lines, else $2.
suite_timeout() {
	local t
	t=$(head -n 20 "$1" | sed -n 's/^# timeout: *\([0-9]\+\).*/\1/p' | head -1)
	echo "${t:-$2}"
}

for t in build/tests/unit/test_*; do
	[ -x "$t" ] || continue
	run_suite "unit/${t##*/}" 300 "$t"
done
for t in tests/*.bats; do
	[ -e "$t" ] || continue
	run_suite "$(basename "$t")" "$(suite_timeout "$t" 900)" bats --tap "$t"
done
for t in tests/suites/*.sh; do
	[ -e "$t" ] || continue
	run_suite "$(basename "$t" .sh)" "$(suite_timeout "$t" 1800)" bash "$t"
done
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" = 0 ]
