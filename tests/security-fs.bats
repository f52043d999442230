#!/usr/bin/env bats
# Filesystem-escape regressions: each case is an attack a naive runtime falls
# for (following a rootfs symlink on the host, binding a swapped /dev/null or
# console source, chroot-only isolation). Observed from inside the container
# and from the host (the host files stay untouched).
# timeout: 300
load helpers
load rootfs_helpers

setup_file() {
	vps_setup_file
	make_rootfs "$WORK/b"
	echo hostdata >"$WORK/hostfile"
	echo TOPSECRET >"$WORK/secret"
	echo HOST-ONLY >"$WORK/HOST_MARKER"
}
teardown_file() { vps_teardown_file; }

@test "a rootfs symlink to a host path does not redirect a bind target onto the host" {
	local r=$WORK/b/rootfs
	mkdir -p "$WORK/hostdir" "$WORK/hostdir2" "$r/$WORK/hostdir2"
	ln -sfn "$WORK/hostdir" "$r/data"                           # absolute
	ln -sfn "../../../../../../../../$WORK/hostdir2" "$r/data2" # climbing out
	# the symlink's target exists inside the rootfs: the mounts land there
	run rr -d -m "/data2/sub/file:bind:$WORK/hostfile:bind" -m "/data2/t:tmpfs:tmpfs:" "$r" \
		sh -c "cat /data2/sub/file; grep ' $WORK/hostdir2/t ' /proc/self/mountinfo"
	[ "$status" -eq 0 ]
	[[ "$output" == *hostdata*" - tmpfs "* ]]
	[ -e "$r/$WORK/hostdir2/sub/file" ]
	# it points nowhere inside the rootfs: refused with a clear error
	run rr -d -m "/data/sub/file:bind:$WORK/hostfile:bind" "$r" true
	[ "$status" -eq 125 ]
	[[ "$output" == *"/data in the container root is a dangling symlink"* ]]
	# and nothing was created on the host side of either symlink
	[ -z "$(ls -A "$WORK/hostdir")" ]
	[ -z "$(ls -A "$WORK/hostdir2")" ]
	rm -rf "$r/data" "$r/data2" "$r/${WORK#/}"
}

@test "a rootfs symlink for /proc or /dev keeps proc and /dev setup inside the rootfs" {
	local r=$WORK/b2
	make_rootfs "$r"
	r=$r/rootfs
	mkdir -p "$WORK/hostproc" "$WORK/hostdev" "$r/inproc" "$r/indev"
	rmdir "$r/proc" "$r/dev"
	ln -s "$WORK/hostproc" "$r/proc"
	ln -s "$WORK/hostdev" "$r/dev"
	run rr -m /proc:proc:proc: -D c:1:3:/dev/extra "$r" true
	[ "$status" -eq 125 ]
	[[ "$output" == *"dangling symlink"* ]]
	# symlinks that resolve inside the rootfs are followed there (clamped)
	ln -sfn "/../../../inproc" "$r/proc"
	ln -sfn "../indev" "$r/dev"
	run rr -m /proc:proc:proc: -D c:1:3:/dev/extra "$r" sh -c 'cat /proc/self/stat >/dev/null && echo proc-ok; stat -c "%t:%T" /dev/null /dev/extra; grep -c " /inproc " /proc/self/mountinfo'
	[ "$status" -eq 0 ]
	[[ "$output" == *proc-ok*"1:3"*"1:3"*1* ]]
	[ -z "$(ls -A "$WORK/hostproc")" ]
	[ -z "$(ls -A "$WORK/hostdev")" ]
}

@test "a masked path is never covered by a /dev/null that is a symlink to a host file" {
	mkdir -p "$WORK/devdir"
	ln -sfn "$WORK/secret" "$WORK/devdir/null"
	run rr -m /proc:proc:proc: -m "/dev:bind:$WORK/devdir:rbind" -M /proc/keys "$WORK/b/rootfs" cat /proc/keys
	[ "$status" -eq 125 ]
	[[ "$output" == *"/dev/null in the container is not the null device"* ]]
	[[ "$output" != *TOPSECRET* ]]
	[ "$(cat "$WORK/secret")" = TOPSECRET ]
}

@test "a masked path is never covered by a /dev/null that is another device" {
	mkdir -p "$WORK/devdir3"
	mknod "$WORK/devdir3/null" c 1 5 # /dev/zero posing as /dev/null
	run rr -m /proc:proc:proc: -m "/dev:bind:$WORK/devdir3:rbind" -M /proc/keys "$WORK/b/rootfs" cat /proc/keys
	[ "$status" -eq 125 ]
	[[ "$output" == *"not the null device"* ]]
}

@test "/dev/console planted as a symlink to a host file is replaced, the host file untouched" {
	local d=$WORK/devdir2
	mkdir -p "$d/pts"
	mknod "$d/null" c 1 3
	ln -s pts/ptmx "$d/ptmx"
	echo HOSTFILE >"$WORK/hostconsole"
	ln -s "$WORK/hostconsole" "$d/console"
	run rr -t -m /proc:proc:proc: -m "/dev:bind:$d:rbind" -m "/dev/pts:devpts:devpts:newinstance,ptmxmode=0666" \
		"$WORK/b/rootfs" sh -c 'stat -c "%t %F" /dev/console'
	[ "$status" -eq 0 ]
	[ "$output" = "88 character special file" ]
	[ "$(cat "$WORK/hostconsole")" = HOSTFILE ]
	[ -f "$WORK/hostconsole" ] && [ ! -L "$WORK/hostconsole" ]
}

@test "chroot escape (mkdir + chroot + chdir .. loop, CAP_SYS_CHROOT) cannot reach the host after pivot_root" {
	cp "$VPS_TOP/build/tests/chroot_escape" "$WORK/b/rootfs/bin/"
	run rr -d "$WORK/b/rootfs" /bin/chroot_escape "$WORK/HOST_MARKER"
	[ "$status" -eq 1 ]
	[ "$output" = contained ]
	run rr -d -n "$WORK/b/rootfs" /bin/chroot_escape "$WORK/HOST_MARKER" # --no-pivot too
	[ "$status" -eq 1 ]
	[ "$output" = contained ]
}

@test "the chroot-escape probe does escape a chroot-only runtime, so the test above can fail" {
	cp "$VPS_TOP/build/tests/chroot_escape" "$WORK/b/rootfs/bin/"
	run chroot "$WORK/b/rootfs" /bin/chroot_escape "$WORK/HOST_MARKER"
	[ "$status" -eq 0 ]
	[ "$output" = "ESCAPED: HOST-ONLY" ]
}
