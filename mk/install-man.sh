#!/usr/bin/env bash
# install-man.sh MANDIR PAGE...: install each man page under MANDIR/manN/ and, for
# every other name its NAME line lists (vps-users(8) also documents vps-bundle,
# vps-passwd, ...), a one-line `.so` page pointing at it, so `man vps-bundle` works.
set -eu -o pipefail
dir=$1; shift
for m in "$@"; do
	s=${m##*.} base=${m##*/}
	install -D -m 0644 "$m" "$dir/man$s/$base"
	names=$(sed -n '/^\.SH NAME/{n;s/ \\-.*//;p;q}' "$m" | tr -d ' ' | tr ',' ' ')
	for n in $names; do
		[ "$n.$s" = "$base" ] && continue
		printf '.so man%s/%s\n' "$s" "$base" >"$dir/man$s/$n.$s"
		chmod 0644 "$dir/man$s/$n.$s"
	done
done
