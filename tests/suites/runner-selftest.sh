#!/usr/bin/env bash
# timeout: 120
# runner-selftest: tests/run.sh itself, on fake suites in a scratch folder. A
# suite that tests nothing (a `1..0 # SKIP` plan, every test skipped, no
# output), one that stops short of its plan and one that exits non-zero must
# each count as a failure, as does a TESTS filter that matches no suite; TAP
# and the harness form (PASS/FAIL/SKIP) are counted alike.
set -u -o pipefail
TOP=${VPS_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
D=$(mktemp -d /tmp/vps-runner-selftest.XXXXXX)
trap 'rm -rf "$D"' EXIT
n=0 bad=0
ok() { n=$((n + 1)); echo "ok $n - $*"; }
nok() { n=$((n + 1)) bad=$((bad + 1)); echo "not ok $n - $*"; }

# suite NAME BODY: a fake script suite $D/NAME.sh running BODY.
suite() { printf '#!/usr/bin/env bash\n%s\n' "$2" >"$D/$1.sh"; }

# expect NAME "SUMMARY" STATUS: run.sh on $D/NAME.sh alone ends with SUMMARY
# and exits with STATUS.
expect() {
	local out rc
	out=$(TESTS= TEST_SUITES="$D/$1.sh" TEST_LOGS="$D/logs" bash "$TOP/tests/run.sh" 2>&1)
	rc=$?
	if [ "$(tail -n 1 <<<"$out")" = "$2" ] && [ "$rc" = "$3" ]; then
		ok "$1: \"$2\", status $3"
	else
		nok "$1: want \"$2\" and status $3, got status $rc:"
		sed 's/^/#   /' <<<"$out"
	fi
}

suite tap-pass 'echo 1..2; echo "ok 1 - a"; echo "ok 2 - b"'
suite tap-fail 'echo 1..2; echo "ok 1 - a"; echo "not ok 2 - b"; exit 1'
suite tap-some-skip 'echo 1..2; echo "ok 1 - a"; echo "ok 2 - b # skip why"'
suite plan-skip 'echo "1..0 # SKIP needs root"'
suite all-skipped 'echo 1..2; echo "ok 1 - a # SKIP why"; echo "ok 2 - b # skip why"'
suite silent 'exit 0'
suite short-plan 'echo 1..3; echo "ok 1 - a"; echo "ok 2 - b"'
suite plan-at-end 'echo "ok 1 - a"; echo "ok 2 - b"; echo 1..2'
suite crash 'echo 1..1; echo "ok 1 - a"; exit 3'
suite harness-pass 'echo "PASS one"; echo "PASS two"; echo "SKIP three: why"'
suite harness-fail 'echo "PASS one"; echo "FAIL two"; exit 1'
suite harness-skipped 'echo "SKIP one: why"'

expect tap-pass "2 passed, 0 failed, 0 skipped" 0
expect tap-fail "1 passed, 1 failed, 0 skipped" 1
expect tap-some-skip "1 passed, 0 failed, 1 skipped" 0
expect plan-skip "0 passed, 1 failed, 1 skipped" 1
expect all-skipped "0 passed, 1 failed, 2 skipped" 1
expect silent "0 passed, 1 failed, 0 skipped" 1
expect short-plan "2 passed, 1 failed, 0 skipped" 1
expect plan-at-end "2 passed, 0 failed, 0 skipped" 0
expect crash "1 passed, 1 failed, 0 skipped" 1
expect harness-pass "2 passed, 0 failed, 1 skipped" 0
expect harness-fail "1 passed, 1 failed, 0 skipped" 1
expect harness-skipped "0 passed, 1 failed, 1 skipped" 1

out=$(TESTS= TEST_SUITES="$D/plan-skip.sh" TEST_LOGS="$D/logs" bash "$TOP/tests/run.sh" 2>&1)
if grep -q '1\.\.0 # SKIP needs root' <<<"$out" && grep -q 'plan-skip ran no test' <<<"$out"; then
	ok "a whole-suite skip shows its reason and why it fails"
else
	nok "a whole-suite skip shows its reason and why it fails"
	sed 's/^/#   /' <<<"$out"
fi
out=$(TESTS='^no-such-suite$' TEST_SUITES="$D/tap-pass.sh" TEST_LOGS="$D/logs" bash "$TOP/tests/run.sh" 2>&1)
rc=$?
if [ "$rc" = 1 ] && grep -q "no suite matches TESTS='^no-such-suite\$'" <<<"$out" &&
	[ "$(tail -n 1 <<<"$out")" = "0 passed, 1 failed, 0 skipped" ]; then
	ok "a TESTS filter that matches no suite fails and says so"
else
	nok "a TESTS filter that matches no suite fails and says so (status $rc)"
	sed 's/^/#   /' <<<"$out"
fi
echo "1..$n"
[ "$bad" = 0 ]
