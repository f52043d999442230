#!/usr/bin/env bash
# timeout: 1800
# The podman acceptance harness from ../shared/suites/clients, driving the freshly
# built vps through a real podman, on this host's real cgroup layout (CG_FIX=0).
# It installs what it needs (apt-get) and prints PASS/FAIL lines, then "N passed, M failed".
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
harness=${VPS_SHARED:-$top/../shared}/suites/clients/podman.sh
if [ ! -f "$harness" ]; then
	echo "FAIL podman-harness: $harness not found (the shared/ folder must sit beside the repo; set VPS_SHARED)"
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
