# Helpers for the core (lifecycle) suites.
RECVTTY=${RECVTTY:-$VPS_TOP/build/tests/recvtty}

# core_bundle NAME ARGS...: a fresh copy of this file's template bundle
# ($WORK/tpl, made by core_setup_file) with process.args = ARGS; prints its dir.
core_bundle() {
	local name=$1; shift
	local d=$WORK/$name
	rm -rf "$d"
	mkdir -p "$d"
	cp -a "$WORK/tpl/rootfs" "$d/rootfs"
	cp "$WORK/tpl/config.json" "$d/config.json"
	[ $# -gt 0 ] && set_args "$d" "$@"
	# a cgroup parent of this run's own: teammates may run these suites at the
	# same time, and two containers of one id would share /vps/ID
	jq_edit "$d/config.json" ".linux.cgroupsPath = \"/$(cg_parent)/core-$name\""
	echo "$d"
}

# cg_parent: the cgroup parent of this file's containers
cg_parent() { echo "vps-test-${WORK##*.}"; }

core_teardown_file() {
	vps_teardown_file
	# a just-emptied cgroup can refuse rmdir for a moment (EBUSY): retry
	local i p=$(cg_parent)
	for i in $(seq 30); do
		rmdir /sys/fs/cgroup/*/"$p" /sys/fs/cgroup/"$p" 2>/dev/null || true
		compgen -G "/sys/fs/cgroup/*/$p" >/dev/null || break
		sleep 0.1
	done
}

core_setup_file() {
	vps_setup_file
	make_busybox_bundle "$WORK/tpl" >/dev/null
}

# cfg DIR FILTER: edit DIR/config.json with jq
cfg() { jq_edit "$1/config.json" "$2"; }

# host_ns TYPE: the host's namespace link
host_ns() { readlink "/proc/self/ns/$1"; }

# no_leftovers ID: no state dir, no cgroup dir anywhere
no_leftovers() {
	[ ! -e "$ROOT/$1" ] || { echo "state dir $ROOT/$1 left"; return 1; }
	local d
	for d in /sys/fs/cgroup/*/vps/"$1" /sys/fs/cgroup/*"$(cgrel "$1")" \
		/sys/fs/cgroup/*/"$(cg_parent)/$1"; do
		[ ! -e "$d" ] || { echo "cgroup $d left"; return 1; }
	done
}

# wait_status ID STATUS: poll `state` (up to ~5s)
wait_status() {
	local i
	for i in $(seq 50); do
		[ "$(v state "$1" 2>/dev/null | jq -r .status)" = "$2" ] && return 0
		sleep 0.1
	done
	echo "status of $1: $(v state "$1" 2>&1)"
	return 1
}

# vbg ARGS...: vps with stdio on files, for anything that leaves a container
# running (create, run -d, exec -d): the container inherits our stdio and must
# not hold a pipe of bats open. Our stderr is then in $WORK/bg.err.
vbg() { v "$@" </dev/null >>"$WORK/bg.out" 2>"$WORK/bg.err"; }

# gone PID: the process no longer runs (absent or a zombie awaiting its reaper)
gone() {
	local st
	st=$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null || true)
	[ -z "$st" ] || [ "$st" = Z ]
}
