#!/usr/bin/env bash
# timeout: 400
# Fuzz the spec/state parsers for a bounded time (default 60 s) with
# libFuzzer + ASan + UBSan + LeakSanitizer, seeded from tests/specs-corpus.
# PASS when the run ends without a crash, leak or sanitizer report.
set -u
cd "$(dirname "$0")/../.."
secs=${1:-${FUZZ_SECONDS:-60}}
if ! command -v clang >/dev/null; then
	echo "FAIL fuzz-spec: clang is missing (make deps installs it)"
	exit 1
fi
if ! make -s --no-print-directory fuzz-build >/tmp/fuzz-build.$$ 2>&1; then
	cat /tmp/fuzz-build.$$
	rm -f /tmp/fuzz-build.$$
	echo "FAIL fuzz-spec: building the fuzz target failed"
	exit 1
fi
rm -f /tmp/fuzz-build.$$
work=$(mktemp -d /tmp/vps-fuzz.XXXXXX)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/corpus" "$work/artifacts"
cp tests/specs-corpus/valid/*.json tests/specs-corpus/invalid/*.json "$work/corpus/"
log=$work/fuzz.log
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	build/fuzz/fuzz_spec -max_total_time="$secs" -timeout=10 -rss_limit_mb=1024 \
	-max_len=65536 -artifact_prefix="$work/artifacts/" "$work/corpus" >"$log" 2>&1
rc=$?
runs=$(grep -o 'Done [0-9]* runs' "$log" | tail -1)
if [ "$rc" = 0 ] && ! grep -qE 'ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer)|runtime error:' "$log"; then
	echo "PASS fuzz-spec: ${runs:-?} in ${secs}s, no crash, leak or sanitizer report"
	exit 0
fi
grep -E 'ERROR|runtime error|SUMMARY|#[0-9]+ 0x' "$log" | head -40
for a in "$work"/artifacts/*; do
	[ -e "$a" ] || continue
	mkdir -p build/fuzz/crashes && cp "$a" build/fuzz/crashes/
	echo "# crash input kept in build/fuzz/crashes/${a##*/}"
done
echo "FAIL fuzz-spec: exit $rc (${runs:-no summary})"
exit 1
