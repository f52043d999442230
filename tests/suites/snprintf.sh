#!/usr/bin/env bash
# timeout: 60
# Every formatted string goes through vps_snprintf (util/fmt.c), which fails
# instead of truncating: a raw snprintf( anywhere else in the tree fails this
# suite, unless its line or the line above carries a marker saying why a cut
# is harmless: /* snprintf-ok: REASON */ (messages, log lines). Such
# exceptions stay few: more than MAX_OK of them fail too.
# A vps_snprintf whose result is thrown away (the call is a statement of its
# own) fails too, unless the call (any of its lines, or the line above) says
# why it cannot fail: /* fits: REASON */ (a pid in 64 bytes, a constant word).
# Those are a ratchet: more than MAX_FITS fail; check the result instead.
# tests/ and bench/ (test programs) and util/fmt.c itself are not checked.
set -u
cd "$(dirname "$0")/../.." || exit 1
MAX_OK=20
MAX_FITS=165

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

# unchecked FILE...: print FILE:LINE: TEXT for each vps_snprintf call whose
# result is thrown away and that carries no fits: marker, and "fits N" last.
unchecked() {
	awk '
	# the line without string and char literals and comments
	function code(s) {
		gsub(/\\./, "", s)
		gsub(/"[^"]*"/, "\"\"", s)
		gsub(/\047[^\047]*\047/, "\047\047", s)
		gsub(/\/\*.*\*\//, "", s)
		sub(/\/\/.*/, "", s)
		sub(/[ \t]+$/, "", s)
		return s
	}
	# S (the code before a call) ends a statement, a block, a label or a
	# preprocessor line; a ")" only on the line before (if (x) NEWLINE
	# call), not a cast
	function ends_stmt(s, paren) {
		gsub(/^[ \t]+/, "", s)
		return s == "" || s ~ /[;{}]$/ || (paren && s ~ /\)$/) || s ~ /^#/ ||
		       s ~ /(^|[^A-Za-z0-9_])else$/ ||
		       s ~ /^(case[ \t].*|default|[A-Za-z_][A-Za-z0-9_]*):$/
	}
	FNR == 1 { last = ";"; prev = ""; open = 0 }
	{
		c = code($0)
		if (!open && match(c, /(^|[^A-Za-z0-9_])vps_snprintf\(/)) {
			before = substr(c, 1, RSTART + RLENGTH - 14)
			sub(/\(void\)[ \t]*$/, "", before)
			if (before ~ /[^ \t]/ ? ends_stmt(before, 0) : ends_stmt(last, 1)) {
				open = 1; depth = 0; at = FNR; text = $0
				marked = $0 ~ /fits:/ || prev ~ /fits:/
				c = substr(c, RSTART + RLENGTH - 1)
			}
		}
		if (open) { # follow the call to its closing paren: then ";"?
			marked = marked || $0 ~ /fits:/
			for (i = 1; open && i <= length(c); i++) {
				ch = substr(c, i, 1)
				if (open == 2 && ch !~ /[ \t]/) {
					if (ch == ";" && marked)
						fits++
					else if (ch == ";")
						printf "%s:%d: %s\n", FILENAME, at, text
					open = 0
				} else if (ch == "(")
					depth++
				else if (ch == ")" && --depth == 0)
					open = 2
			}
		}
		prev = $0
		if (c ~ /[^ \t]/)
			last = c
	}
	END { printf "fits %d\n", fits + 0 }' "$@"
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

# self-test: a thrown-away result is found, a checked or marked one is not
cat >"$t/b.c" <<'C'
	vps_snprintf(path, sizeof(path), "/proc/%d/root", pid);
	if (vps_snprintf(a, sizeof(a), "%s", s) < 0)
		return -1;
	if (x ||
	    vps_snprintf(a, sizeof(a), "(%s);", s) < 0)
		return -1;
	int n = ok ? vps_snprintf(a, sizeof(a), "%s", s)
		   : vps_snprintf(a, sizeof(a), "x%s", s);
	w += (size_t)vps_snprintf(a + w, sizeof(a) - w, "%s", s);
	if (x)
		vps_snprintf(a, sizeof(a), "%s) (",
			     s);
	(void)vps_snprintf(a, sizeof(a), "%s", s);
	vps_snprintf(a, sizeof(a), "%d", 1); /* fits: a number */
	/* fits: a word */
	vps_snprintf(a, sizeof(a), "word");
	vps_snprintf(a, sizeof(a), "%s %s", x,
		     y); /* fits: two words */
#endif
	vps_snprintf(a, sizeof(a), "%s", s);
C
got=$(unchecked "$t/b.c")
want="$t/b.c:1: 	vps_snprintf(path, sizeof(path), \"/proc/%d/root\", pid);
$t/b.c:11: 		vps_snprintf(a, sizeof(a), \"%s) (\",
$t/b.c:13: 	(void)vps_snprintf(a, sizeof(a), \"%s\", s);
$t/b.c:20: 	vps_snprintf(a, sizeof(a), \"%s\", s);
fits 3"
if [ "$got" = "$want" ]; then
	echo "PASS snprintf: the check finds a thrown-away vps_snprintf result and takes checked and marked ones"
else
	echo "FAIL snprintf: self-test of the result check: got:"
	printf '%s\n' "$got" | sed 's/^/#   /'
	exit 1
fi

files=$(git ls-files '*.c' '*.h' 2>/dev/null | grep -vE '^(tests|bench)/|^util/fmt\.c$')
if [ -z "$files" ]; then
	echo "FAIL snprintf: no tracked C files found (not a git checkout?)"
	exit 1
fi
# judge TAG MAX PROBLEM MARKER: read a scan's output; FAIL on each of its
# problem lines, then on more than MAX marked exceptions (its last line, TAG N).
judge() {
	local out bad n
	out=$(cat)
	bad=$(printf '%s\n' "$out" | grep -v "^$1 " || true)
	n=$(printf '%s\n' "$out" | sed -n "s/^$1 //p")
	if [ -n "$bad" ]; then
		printf '%s\n' "$bad" | sed "s|^|FAIL snprintf: $3: |"
		exit 1
	fi
	echo "PASS snprintf: $(printf '%s\n' "$files" | wc -l) files, no $3 but $n marked /* $4: */"
	if [ "$n" -gt "$2" ]; then
		echo "FAIL snprintf: $n $4: exceptions, more than $2: use vps_snprintf and check it"
		exit 1
	fi
	echo "PASS snprintf: $n $4: exceptions (at most $2)"
}
# shellcheck disable=SC2086
scan $files | judge ok "$MAX_OK" "raw snprintf (use vps_snprintf, or mark why a cut is harmless)" snprintf-ok || exit 1
# shellcheck disable=SC2086
unchecked $files | judge fits "$MAX_FITS" "unchecked vps_snprintf result (check it, or mark why it fits)" fits || exit 1
