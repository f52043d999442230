#!/bin/bash
# The OCI runtime-tools validation suite (validation/*/*.go and runtimetest,
# which print TAP) against ./vps and, for comparison, other runtimes.
# Not part of `make check`: it needs Go and the suite's source, which the
# project does not ship. Run as root (most cases create containers).
#
#   OCI_RUNTIME_TOOLS=DIR  a runtime-tools source tree (validation/, cmd/runtimetest)
#                          inside a GOPATH that holds its dependencies (GOPATH set)
#   GO=PATH                the go command (default: go)
#   RUNTIMES="..."         runtimes to run it against (default: ./vps)
#   PROGRAMS=REGEX         only the validation programs whose name matches
#
# Prints one line per runtime and program (ok / not ok counts of its TAP, its
# exit status) and ends with "N passed, M failed" for the first runtime's cases.
# Without Go or the source it prints why and skips (exit 0).
set -u
TOP=$(cd "$(dirname "$0")/.." && pwd)
SRC=${OCI_RUNTIME_TOOLS:-}
GO=${GO:-go}
RUNTIMES=${RUNTIMES:-$TOP/vps}
skip() { echo "SKIP: oci-validate: $*"; exit 0; }

[ -n "$SRC" ] || skip "OCI_RUNTIME_TOOLS is not set (a runtime-tools source tree in a GOPATH)"
if [ ! -d "$SRC/validation" ] || [ ! -d "$SRC/cmd/runtimetest" ]; then
	skip "$SRC has no validation/ and cmd/runtimetest/"
fi
command -v "$GO" >/dev/null || skip "no go command ($GO); set GO=/path/to/go"
[ "$(id -u)" = 0 ] || skip "needs root (the cases create containers)"

WORK=$(mktemp -d /tmp/vps-ocival.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
export GO111MODULE=${GO111MODULE:-off} GOFLAGS=${GOFLAGS:-} GOCACHE=${GOCACHE:-$WORK/gocache}

(cd "$SRC" && CGO_ENABLED=0 "$GO" build -tags 'netgo osusergo' -o "$WORK/runtimetest" ./cmd/runtimetest) ||
	{ echo "oci-validate: building runtimetest failed" >&2; exit 1; }
for d in "$SRC"/validation/*/; do
	p=$(basename "$d")
	[ "$p" = util ] && continue
	[[ $p =~ ${PROGRAMS:-.} ]] || continue
	(cd "$SRC" && "$GO" build -o "$WORK/$p.t" "./validation/$p") || echo "oci-validate: building $p failed" >&2
done

# the suite untars rootfs-$GOARCH.tar.gz from its working directory
if [ -f "$SRC/rootfs-amd64.tar.gz" ]; then
	cp "$SRC/rootfs-amd64.tar.gz" "$WORK/"
else
	[ -x /bin/busybox ] || skip "no rootfs-amd64.tar.gz in $SRC and no /bin/busybox to make one"
	r=$WORK/rootfs
	mkdir -p "$r"/{bin,dev,proc,sys,etc,tmp,root}
	cp /bin/busybox "$r/bin/"
	for a in $(/bin/busybox --list); do [ -e "$r/bin/$a" ] || ln -s busybox "$r/bin/$a"; done
	printf 'root:x:0:0:root:/root:/bin/sh\n' >"$r/etc/passwd"
	printf 'root:x:0:\n' >"$r/etc/group"
	tar -C "$r" -czf "$WORK/rootfs-amd64.tar.gz" .
fi

pass=0 fail=0 first=1
for rt in $RUNTIMES; do
	for t in "$WORK"/*.t; do
		[ -e "$t" ] || continue
		p=$(basename "$t" .t)
		(cd "$WORK" && RUNTIME=$rt timeout 600 "$t") >"$WORK/out" 2>&1
		rc=$?
		ok=$(grep -c '^ok' "$WORK/out")
		nok=$(grep -c '^not ok' "$WORK/out")
		# a program that dies before its TAP (util.Fatal) failed as a whole
		[ "$rc" -ne 0 ] && [ "$nok" -eq 0 ] && nok=1
		printf '%-8s %-36s ok %3d  not ok %3d  exit %d\n' "$(basename "$rt")" "$p" "$ok" "$nok" "$rc"
		[ "$first" = 1 ] && pass=$((pass + ok)) fail=$((fail + nok))
	done
	first=0
done
echo "$pass passed, $fail failed"
