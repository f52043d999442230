#!/usr/bin/env bash
# The test runner behind `make check`: C unit tests, bats suites (tests/*.bats)
# and script suites (tests/suites/*.sh), each under a child subreaper and a
# timeout. Every suite speaks TAP (ok / not ok / # skip) or the harness form
# (PASS / FAIL / SKIP lines). Prints a line per suite, every failure and skip
# reason, and last: "N passed, M failed, K skipped".
# A suite fails when a test fails, when it exits non-zero, when it runs fewer
# tests than its TAP plan says, and when it passes no test at all (a
# `1..0 # SKIP why` plan, every test skipped, or no output): a suite that tests
# nothing must not look green.
#   TESTS=REGEX         run only suites whose name matches (e.g. TESTS='cli|specs')
#   VERBOSE=1           echo every line of every suite
#   TEST_SUITES="F..."  run these files instead of the tree's suites (*.bats
#                       through bats, *.sh through bash, others as programs)
#   TEST_LOGS=DIR       where the per-suite logs go (default BUILD/test-logs)
#   VPS_BUILD=DIR       the build dir whose unit tests, subreaper and vps run
#                       (default build, vps at the top; build-san: DIR/vps)
#   SAN_LOGS=DIR        sanitized build: ASan/UBSan reports go to DIR/SUITE/,
#                       and a suite that leaves one fails
set -u -o pipefail
cd "$(dirname "$0")/.."
TOP=$PWD
BUILD=${VPS_BUILD:-build}
LOGS=${TEST_LOGS:-$TOP/$BUILD/test-logs}
mkdir -p "$LOGS"
REAPER=$TOP/$BUILD/tests/subreaper
if [ -n "${VPS_BUILD:-}" ]; then export VPS=$TOP/$BUILD/vps; else export VPS=$TOP/vps; fi
export VPS_TOP=$TOP
FILTER=${TESTS:-.}
# A suite that registers a VPS without its own inventory (bats files get one
# from vps_setup_file) writes here, never into the host's /var/lib/vps.
if [ -z "${VPS_INVENTORY:-}" ]; then
	VPS_INVENTORY=$(mktemp -d /tmp/vps-inventory.XXXXXX)
	trap 'rm -rf "$VPS_INVENTORY"' EXIT
	export VPS_INVENTORY
fi
pass=0 fail=0 skip=0 ran_any=0

# run_suite NAME TIMEOUT CMD...: run, parse, account.
run_suite() {
	local name=$1 tmo=$2; shift 2
	[[ $name =~ $FILTER ]] || return 0
	ran_any=1
	local log="$LOGS/${name//\//_}.log" t0=$SECONDS rc san=
	if [ -n "${SAN_LOGS:-}" ]; then
		san=$SAN_LOGS/${name//\//_}
		rm -rf "$san" && mkdir -p "$san"
		export ASAN_OPTIONS="log_path=$san/asan:detect_leaks=1:strict_string_checks=1"
		export UBSAN_OPTIONS="log_path=$san/ubsan:print_stacktrace=1:halt_on_error=1"
	fi
	if [ "${VERBOSE:-0}" = 1 ]; then
		timeout -k 10 "$tmo" "$REAPER" "$@" </dev/null 2>&1 | tee "$log"
	else
		timeout -k 10 "$tmo" "$REAPER" "$@" </dev/null >"$log" 2>&1
	fi
	rc=${PIPESTATUS[0]}
	local p f s plan ran why
	p=$(grep -cE '^(ok [0-9]+|PASS )' "$log" | head -1)
	s=$(grep -cE '^(ok [0-9]+ .*# ?(skip|SKIP)|SKIP |1\.\.0 *# *(skip|SKIP))' "$log" | head -1)
	f=$(grep -cE '^(not ok [0-9]+|FAIL )' "$log" | head -1)
	p=$((p - $(grep -cE '^ok [0-9]+ .*# ?(skip|SKIP)' "$log" | head -1)))
	plan=$(sed -n 's/^1\.\.\([0-9]\+\).*/\1/p' "$log" | tail -1)
	ran=$(grep -cE '^(not )?ok [0-9]+' "$log" | head -1)
	why=
	if [ "$rc" != 0 ] && [ "$f" = 0 ]; then
		why="exited with status $rc without reporting a failing test (timeout ${tmo}s?)"
	elif [ -n "$plan" ] && [ "$ran" -lt "$plan" ]; then
		why="planned $plan tests but reported $ran"
	elif [ "$p" = 0 ] && [ "$f" = 0 ]; then
		why="ran no test ($s skipped): a suite that tests nothing fails"
	fi
	if [ -n "$san" ] && [ -n "$(ls -A "$san")" ]; then
		f=$((f + 1))
		echo "not ok - $name: sanitizer reports in $san" >>"$log"
		head -n 30 "$san"/* | sed 's/^/# /' >>"$log"
	fi
	if [ -n "$why" ]; then
		f=$((f + 1))
		echo "not ok - $name $why" >>"$log"
	fi
	printf '== %-28s %3d passed, %d failed, %d skipped (%ds)\n' "$name" "$p" "$f" "$s" $((SECONDS - t0))
	grep -E '^(not ok [0-9]+|FAIL )|^not ok - .*sanitizer' "$log" | sed 's/^/   /' | head -40
	[ -n "$why" ] && echo "   not ok - $name $why"
	grep -A3 -E '^not ok ' "$log" | grep -E '^#' | sed 's/^/   /' | head -60
	grep -E '^(ok [0-9]+ .*# ?(skip|SKIP)|SKIP |1\.\.0 *# *(skip|SKIP))' "$log" | sed 's/^/   /' | head -20
	[ "$rc" != 0 ] && [ "$f" -gt 0 ] && tail -n 5 "$log" | sed 's/^/   | /'
	pass=$((pass + p)) fail=$((fail + f)) skip=$((skip + s))
}

# Seconds a suite may take: a "# timeout: N" line in its first 20 lines, else $2.
suite_timeout() {
	local t
	t=$(head -n 20 "$1" | sed -n 's/^# timeout: *\([0-9]\+\).*/\1/p' | head -1)
	echo "${t:-$2}"
}

# run_file FILE: one suite, named and run by its kind.
run_file() {
	local t=$1
	[ -e "$t" ] || return 0
	case $t in
	*.bats) run_suite "$(basename "$t")" "$(suite_timeout "$t" 900)" bats --tap "$t" ;;
	*.sh) run_suite "$(basename "$t" .sh)" "$(suite_timeout "$t" 1800)" bash "$t" ;;
	*) [ -x "$t" ] && run_suite "unit/${t##*/}" 300 "$t" ;;
	esac
}

if [ -n "${TEST_SUITES:-}" ]; then
	for t in $TEST_SUITES; do run_file "$t"; done
else
	for t in "$BUILD"/tests/unit/test_* tests/*.bats tests/suites/*.sh; do run_file "$t"; done
fi
if [ "$ran_any" = 0 ]; then # a filter that names no suite (make eats a "$|")
	echo "no suite matches TESTS='$FILTER'" >&2
	fail=1
fi
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" = 0 ]
