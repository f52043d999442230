# Helpers for the rootfs/seccomp/security-fs suites (owned by rootfs).
RUN_ROOTFS=${RUN_ROOTFS:-$VPS_TOP/build/tests/rootfs_run}

# make_rootfs DIR: the busybox bundle of helpers.bash plus a marker file in
# DIR/rootfs (the tests use DIR/rootfs directly).
make_rootfs() {
	make_busybox_bundle "$1"
	echo "rootfs-marker" >"$1/rootfs/ROOTFS_MARKER"
}

# rr [DRIVER OPTS] ROOTFS CMD...: run CMD in ROOTFS through the test driver.
rr() { "$RUN_ROOTFS" "$@"; }

# mnt_line MOUNTPOINT (reads $output of a `cat /proc/self/mountinfo`): the line
# whose mount point is exactly MOUNTPOINT (the last one: the visible mount).
mnt_line() {
	printf '%s\n' "$output" | awk -v mp="$1" '$5 == mp' | tail -1
}

# run_in BUNDLE ID CMD...: `vps run` CMD in the bundle (foreground), output in $output.
run_in() {
	local b=$1 id=$2; shift 2
	set_args "$b" "$@"
	run "$VPS" --root "$ROOT" run --bundle "$b" "$id"
}
