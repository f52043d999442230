#!/usr/bin/env bash
# timeout: 300
# `make format-check` as a suite: one line per folder (a concern) listing the
# tracked C files that clang-format (the checked-in .clang-format) would
# change, so each owner sees their own. Fix: make format FORMAT_SRCS="FILE..."
set -u
cd "$(dirname "$0")/../.."
if ! command -v clang-format >/dev/null; then
	echo "FAIL format: clang-format is missing (make deps installs it)"
	exit 1
fi
declare -A off
n=0 bad=0
for f in $(git ls-files '*.c' '*.h' 2>/dev/null); do
	[ -e "$f" ] || continue
	n=$((n + 1))
	clang-format --dry-run --Werror "$f" >/dev/null 2>&1 && continue
	bad=$((bad + 1))
	dir=${f%/*}
	[ "$dir" = "$f" ] && dir=.
	off[$dir]+=" $f"
done
if [ "$n" = 0 ]; then
	echo "FAIL format: no tracked C files found (not a git checkout?)"
	exit 1
fi
for dir in $(printf '%s\n' "${!off[@]}" | sort); do
	echo "FAIL format: $dir/: make format FORMAT_SRCS=\"${off[$dir]# }\""
done
echo "PASS format: $((n - bad)) of $n files formatted as .clang-format says"
[ "$bad" = 0 ]
