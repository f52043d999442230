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

@test "a rootfs symlink for /dev keeps /dev setup inside the rootfs" {
	local r=$WORK/b2
	make_rootfs "$r"
	r=$r/rootfs
	mkdir -p "$WORK/hostdev" "$r/indev"
	rmdir "$r/dev"
	ln -s "$WORK/hostdev" "$r/dev"
	run rr -m /proc:proc:proc: -D c:1:3:/dev/extra "$r" true
	[ "$status" -eq 125 ]
	[[ "$output" == *"dangling symlink"* ]]
	# a symlink that resolves inside the rootfs is followed there (clamped)
	ln -sfn "../indev" "$r/dev"
	run rr -m /proc:proc:proc: -D c:1:3:/dev/extra "$r" sh -c 'stat -c "%t:%T" /dev/null /dev/extra'
	[ "$status" -eq 0 ]
	[[ "$output" == *"1:3"*"1:3"* ]]
	[ -z "$(ls -A "$WORK/hostdev")" ]
}

# runc and crun refuse them too: a /proc or /sys that is a symlink (into a
# volume a neighbour can rename under us) could leave the masked paths applied
# somewhere else than the procfs the container sees. Fails on a build that
# follows the symlink (clamped) and mounts there.
@test "a rootfs /proc or /sys that is a symlink, even inside the rootfs, is refused" {
	local r=$WORK/b3
	make_rootfs "$r"
	r=$r/rootfs
	mkdir -p "$r/inproc" "$r/insys" "$WORK/hostproc"
	rmdir "$r/proc" "$r/sys"
	for target in /inproc ../../inproc "$WORK/hostproc"; do
		ln -sfn "$target" "$r/proc"
		run rr -d "$r" true
		[ "$status" -eq 125 ]
		[[ "$output" == *"mount proc on /proc: /proc in the rootfs is or passes through a symlink"* ]]
		[[ "$output" == *"must be mounted on ordinary directory"* ]] # runc's words
	done
	rm "$r/proc" && mkdir "$r/proc"
	ln -s /insys "$r/sys"
	run rr -d "$r" true
	[ "$status" -eq 125 ]
	[[ "$output" == *"/sys in the rootfs is or passes through a symlink"* ]]
	rm "$r/sys" && touch "$r/sys"
	run rr -d "$r" true
	[ "$status" -eq 125 ]
	[[ "$output" == *"/sys in the rootfs is not a directory (it must be mounted on ordinary directory)"* ]]
	for d in "$r/inproc" "$r/insys" "$WORK/hostproc"; do
		[ -z "$(ls -A "$d")" ]
	done
}

# The default masked and read-only paths reach the procfs the container sees.
@test "the container cannot write /proc/sys/kernel/core_pattern; masked proc files read empty" {
	local before
	before=$(cat /proc/sys/kernel/core_pattern)
	run rr -d "$WORK/b/rootfs" sh -c 'echo "|/bin/evil" >/proc/sys/kernel/core_pattern && echo WROTE; wc -c </proc/timer_list; grep -c " /proc/sys ro," /proc/self/mountinfo'
	[[ "$output" != *WROTE* ]]
	[[ "$output" == *"Read-only file system"* ]]
	[ "$(cat /proc/sys/kernel/core_pattern)" = "$before" ]
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
