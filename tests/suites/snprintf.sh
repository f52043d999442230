#!/usr/bin/env bash
# timeout: 60
# Every formatted string goes through vps_snprintf (util/fmt.c), which fails
# instead of truncating: a raw snprintf( anywhere else in the tree fails this
# suite, unless its line or the line above carries a marker saying why a cut
# is harmless: /* snprintf-ok: REASON */ (messages, log lines). Such
# exceptions stay few: more than MAX_OK of them fail too.
# tests/ and bench/ (test programs) and util/fmt.c itself are not checked.
set -u
cd "$(dirname "$0")/../.."
MAX_OK=20

# scan FILE...: print FILE:LINE: TEXT for each unmarked raw snprintf call, and
# "ok N" (the number of marked ones) last.
scan() {
	awk '
	FNR == 1 { prev = "" }
	/(^|[^A-Za-z0-9_])snprintf\(/ {
		if ($0 ~ /snprintf-ok:/ || prev ~ /snprintf-ok:/)
			ok++
		else
			printf "%s:%d: %s\n", FILENAME, FNR, $0
	}
	{ prev = $0 }
	END { printf "ok %d\n", ok + 0 }' "$@"
}

# self-test: the scan finds a raw call, takes a marked one and vps_snprintf
t=$(mktemp -d /tmp/vps-snprintf-XXXXXX)
trap 'rm -rf "$t"' EXIT
cat >"$t/a.c" <<'C'
	snprintf(buf, sizeof(buf), "%s", raw);
	vps_snprintf(buf, sizeof(buf), "%s", checked);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	/* snprintf-ok: a message */
	snprintf(buf, sizeof(buf), "%s", marked_above);
	x = snprintf(buf, 8, "%d", 1); /* snprintf-ok: same line */
C
got=$(scan "$t/a.c")
want="$t/a.c:1: 	snprintf(buf, sizeof(buf), \"%s\", raw);
ok 2"
if [ "$got" = "$want" ]; then
	echo "PASS snprintf: the check finds a raw call and takes marked ones and vps_snprintf"
else
	echo "FAIL snprintf: self-test: got:"
	printf '%s\n' "$got" | sed 's/^/#   /'
	exit 1
fi

files=$(git ls-files '*.c' '*.h' 2>/dev/null | grep -vE '^(tests|bench)/|^util/fmt\.c$')
if [ -z "$files" ]; then
	echo "FAIL snprintf: no tracked C files found (not a git checkout?)"
	exit 1
fi
# shellcheck disable=SC2086
out=$(scan $files)
bad=$(printf '%s\n' "$out" | grep -v '^ok ' || true)
nok=$(printf '%s\n' "$out" | sed -n 's/^ok //p')
n=$(printf '%s\n' "$files" | wc -l)
if [ -n "$bad" ]; then
	printf '%s\n' "$bad" | sed 's/^/FAIL snprintf: raw snprintf (use vps_snprintf, or mark why a cut is harmless): /'
	exit 1
fi
echo "PASS snprintf: $n files, no raw snprintf outside util/fmt.c but $nok marked /* snprintf-ok: */"
if [ "$nok" -gt "$MAX_OK" ]; then
	echo "FAIL snprintf: $nok snprintf-ok exceptions, more than $MAX_OK: use vps_snprintf"
	exit 1
fi
echo "PASS snprintf: $nok exceptions (at most $MAX_OK)"
