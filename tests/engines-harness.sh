#!/usr/bin/env bash
# engines-harness.sh CLIENT: run ../shared/suites/clients/CLIENT.sh (podman or
# containerd) against the freshly built vps, on this host's real cgroup layout
# (CG_FIX=0). Called by tests/suites/engines-CLIENT.sh. The harness installs what
# it needs (apt-get) and prints PASS/FAIL lines, then "N passed, M failed".
set -u
client=$1
top=$(cd "$(dirname "$0")/.." && pwd)
harness=${VPS_SHARED:-$top/../shared}/suites/clients/$client.sh
if [ ! -f "$harness" ]; then
	echo "FAIL $client-harness: $harness not found (the shared/ folder must sit beside the repo; set VPS_SHARED)"
	exit 1
fi
export CG_FIX=0
# The harness runs its -t cases as `script -qec "timeout ... CLIENT ..."`, and
# script runs that line with $SHELL. dash (/bin/sh, used when SHELL is unset, as
# in CI) does not exec the line's only command, so timeout makes itself a new,
# background process group on the pty and the client's first tcsetattr stops it
# with SIGTTOU until the timeout kills it (runc fails the same way). bash execs.
export SHELL=/bin/bash
exec bash "$harness" "${VPS:-$top/vps}"
