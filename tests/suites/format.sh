#!/usr/bin/env bash
# timeout: 300
# `make format-check` as a suite: one line per tracked C file that
# clang-format (the checked-in .clang-format) would change, so each owner
# sees their own files. Fix with: make format FORMAT_SRCS="FILE..."
set -u
cd "$(dirname "$0")/../.."
if ! command -v clang-format >/dev/null; then
	echo "FAIL format: clang-format is missing (make deps installs it)"
	exit 1
fi
n=0 bad=0
for f in $(git ls-files '*.c' '*.h' 2>/dev/null); do
	[ -e "$f" ] || continue
	n=$((n + 1))
	if ! clang-format --dry-run --Werror "$f" >/dev/null 2>&1; then
		bad=$((bad + 1))
		echo "FAIL format: $f (make format FORMAT_SRCS=$f)"
	fi
done
if [ "$n" = 0 ]; then
	echo "FAIL format: no tracked C files found (not a git checkout?)"
	exit 1
fi
echo "PASS format: $((n - bad)) of $n files formatted as .clang-format says"
[ "$bad" = 0 ]
