#!/usr/bin/env bash
# timeout: 60
# HACKING.md's layers, checked on every #include "...":
#   cli/ -> runtime/ (and runtime/vm/) -> netns/ rootfs/ cgroups/ -> specs/ -> util/
# A file includes its own folder's headers and those of folders to its right;
# runtime/ <-> runtime/vm/ is the one two-way adapter; private headers
# (internal.h, *_internal.h, specs/parse_int.h, runtime/create.h) stay in their
# folder (and the adapter); runtime/vm/guest/ (a separate static program) takes
# only what it links: runtime/vm/{wire,proto}.h, util/{io,fmt}.h. EXCEPTIONS
# below are the known ones, each to be removed rather than copied.
set -u
cd "$(dirname "$0")/../.."
# "file included-folder/" pairs allowed against the rule
EXCEPTIONS="
rootfs/template.c netns/
"

rank() {
	case $1 in
	util) echo 0 ;; specs) echo 1 ;; netns | rootfs | cgroups) echo 2 ;;
	runtime) echo 3 ;; cli) echo 4 ;; *) echo -1 ;;
	esac
}

private() { # private HEADER: is it one that stays in its folder?
	case $1 in
	*/internal.h | *_internal.h | specs/parse_int.h | runtime/create.h) return 0 ;;
	esac
	return 1
}

# check FILE: print one line per include that breaks the rule
check() {
	local f=$1 dir top inc itop idir
	dir=${f%/*}
	top=${f%%/*}
	while IFS= read -r inc; do
		itop=${inc%%/*}
		idir=${inc%/*}
		if [[ $dir == runtime/vm/guest ]]; then
			case $inc in
			runtime/vm/guest/* | runtime/vm/wire.h | runtime/vm/proto.h | util/io.h | util/fmt.h) ;;
			*) echo "$f: includes $inc (the guest links only wire.c, io.c, fmt.c)" ;;
			esac
			continue
		fi
		[[ $EXCEPTIONS == *"
$f $itop/
"* ]] && continue
		if private "$inc" && [ "$idir" != "$dir" ]; then
			case "$dir:$idir" in
			runtime/vm:runtime | runtime:runtime/vm) ;; # the adapter
			*) echo "$f: includes $inc, private to $idir/" ;;
			esac
			continue
		fi
		[ "$itop" = "$top" ] && continue
		local rf ri
		rf=$(rank "$top")
		ri=$(rank "$itop")
		if [ "$ri" -lt 0 ] || [ "$ri" -ge "$rf" ]; then
			echo "$f: includes $inc ($itop/ is not to the right of $top/)"
		fi
	done < <(sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\([^"]*\)".*/\1/p' "$f")
}

# self-test on made-up files: each rule catches its case
t=$(mktemp -d /tmp/vps-layers-XXXXXX)
trap 'rm -rf "$t"' EXIT
selftest() { # selftest PATH INCLUDE WANT(bad|ok)
	mkdir -p "$t/${1%/*}"
	printf '#include "%s"\n' "$2" >"$t/$1"
	local got
	got=$(cd "$t" && check "$1")
	if { [ "$3" = bad ] && [ -n "$got" ]; } || { [ "$3" = ok ] && [ -z "$got" ]; }; then
		return 0
	fi
	echo "FAIL layers: self-test: $1 including $2 should be $3, got: ${got:-nothing}"
	return 1
}
st=0
selftest util/x.c specs/spec.h bad || st=1
selftest specs/x.c util/err.h ok || st=1
selftest cgroups/x.c runtime/runtime.h bad || st=1
selftest cgroups/x.c rootfs/rootfs.h bad || st=1
selftest cli/x.c runtime/runtime.h ok || st=1
selftest cli/x.c cgroups/internal.h bad || st=1
selftest runtime/x.c runtime/vm/vm.h ok || st=1
selftest runtime/vm/x.c runtime/create.h ok || st=1
selftest runtime/vm/guest/x.c util/log.h bad || st=1
[ "$st" = 0 ] || exit 1
echo "PASS layers: the check catches each kind of wrong include (self-test, 9 cases)"

files=$(git ls-files '*.c' '*.h' 2>/dev/null | grep -E '^(util|specs|netns|rootfs|cgroups|runtime|cli)/')
if [ -z "$files" ]; then
	echo "FAIL layers: no tracked C files found (not a git checkout?)"
	exit 1
fi
bad=$(for f in $files; do check "$f"; done)
if [ -n "$bad" ]; then
	printf '%s\n' "$bad" | sed 's/^/FAIL layers: /'
	exit 1
fi
echo "PASS layers: $(printf '%s\n' "$files" | wc -l) files include only to the right (known exceptions: $(printf '%s' "$EXCEPTIONS" | grep -c .))"
