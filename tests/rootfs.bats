#!/usr/bin/env bats
# rootfs/: the container's mount tree (OCI mounts and options, /dev, masked and
# read-only paths, pivot_root, read-only root, cgroup mounts), observed from
# inside. Driven by build/tests/rootfs_run (vps_rootfs_setup without the rest
# of the runtime) so every mount option can be exercised directly.
# timeout: 300
load helpers
load rootfs_helpers

setup_file() {
	vps_setup_file
	make_rootfs "$WORK/b"
	mkdir -p "$WORK/host/sub" "$WORK/hostro"
	echo hostdata >"$WORK/host/file"
	mount -t tmpfs -o size=1m sub "$WORK/host/sub"
	echo subdata >"$WORK/host/sub/f"
}
teardown_file() { vps_teardown_file; }

@test "default mounts: proc, /dev tmpfs, devpts newinstance, shm, mqueue, sysfs ro" {
	run rr -d "$WORK/b/rootfs" cat /proc/self/mountinfo
	[ "$status" -eq 0 ]
	[[ "$(mnt_line /proc)" == *" - proc proc "* ]]
	[[ "$(mnt_line /dev)" == *" - tmpfs "*"mode=755"* ]]
	[[ "$(mnt_line /dev/pts)" == *" - devpts "*"ptmxmode=666"* ]]
	[[ "$(mnt_line /dev/shm)" == *"nosuid,nodev,noexec"*" - tmpfs "* ]]
	[[ "$(mnt_line /dev/mqueue)" == *" - mqueue "* ]]
	[[ "$(mnt_line /sys)" == *" ro,nosuid,nodev,noexec"*" - sysfs "* ]]
}

@test "pivot_root: the host's mounts are gone and / is the rootfs" {
	run rr -d "$WORK/b/rootfs" sh -c 'cat /ROOTFS_MARKER; ls /; cat /proc/self/mountinfo'
	[ "$status" -eq 0 ]
	[[ "$output" == *rootfs-marker* ]]
	# every mount point is one vps made; nothing of the host (e.g. /etc/hostname binds, /work)
	! printf '%s\n' "$output" | awk '{print $5}' | grep -qE '^/(work|run|boot|home)'
	[ "$(printf '%s\n' "$output" | awk '$5 == "/"' | wc -l)" -eq 1 ]
}

@test "/dev has the default devices, the ptmx link and the standard symlinks" {
	run rr -d "$WORK/b/rootfs" sh -c 'for d in null zero full random urandom tty; do stat -c "%n %F %t:%T %a" /dev/$d; done;
		for l in ptmx fd stdin stdout stderr; do readlink /dev/$l; done; ls /dev/pts/ptmx; echo hi >/dev/null'
	[ "$status" -eq 0 ]
	[[ "$output" == *"/dev/null character special file 1:3 666"* ]]
	[[ "$output" == *"/dev/zero character special file 1:5 666"* ]]
	[[ "$output" == *"/dev/full character special file 1:7 666"* ]]
	[[ "$output" == *"/dev/random character special file 1:8 666"* ]]
	[[ "$output" == *"/dev/urandom character special file 1:9 666"* ]]
	[[ "$output" == *"/dev/tty character special file 5:0 666"* ]]
	[[ "$output" == *"pts/ptmx"*"/proc/self/fd"*"/proc/self/fd/0"*"/proc/self/fd/1"*"/proc/self/fd/2"* ]]
}

@test "without a /dev mount in the spec vps mounts its own /dev tmpfs with pts, shm" {
	run rr -m /proc:proc:proc: "$WORK/b/rootfs" cat /proc/self/mountinfo
	[ "$status" -eq 0 ]
	[[ "$(mnt_line /dev)" == *" - tmpfs "* ]]
	[[ "$(mnt_line /dev/pts)" == *" - devpts "*"newinstance"* || "$(mnt_line /dev/pts)" == *" - devpts "* ]]
	[[ "$(mnt_line /dev/shm)" == *" - tmpfs "* ]]
	# and nothing was written into the rootfs's own /dev
	[ -z "$(ls -A "$WORK/b/rootfs/dev")" ]
}

@test "spec devices are created with the given type, numbers, mode and owner" {
	run rr -d -D c:1:3:/dev/mynull:640:12:34 -D b:7:0:/dev/sub/myloop -D p:0:0:/dev/myfifo "$WORK/b/rootfs" \
		sh -c 'stat -c "%n %F %t:%T %a %u:%g" /dev/mynull /dev/sub/myloop /dev/myfifo'
	[ "$status" -eq 0 ]
	[[ "$output" == *"/dev/mynull character special file 1:3 640 12:34"* ]]
	[[ "$output" == *"/dev/sub/myloop block special file 7:0 666 0:0"* ]]
	[[ "$output" == *"/dev/myfifo fifo 0:0 666 0:0"* ]]
}

@test "masked paths: files read empty, directories are an empty read-only tmpfs, missing ones skipped" {
	run rr -d -M /proc/no-such-file "$WORK/b/rootfs" sh -c 'wc -c </proc/keys; ls -A /sys/firmware | wc -l;
		touch /sys/firmware/x 2>&1; cat /proc/self/mountinfo'
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == 0 ]]
	[[ "${lines[1]}" == 0 ]]
	[[ "$output" == *"Read-only file system"* ]]
	[[ "$(mnt_line /sys/firmware)" == *" ro,"*" - tmpfs "* ]]
	[[ "$(mnt_line /proc/keys)" == *" - tmpfs "* ]] # the /dev tmpfs's null node
}

@test "readonly paths are read-only and keep nosuid/nodev/noexec" {
	run rr -d -R /dev/shm "$WORK/b/rootfs" sh -c 'echo x >/proc/sys/kernel/domainname 2>&1; touch /dev/shm/x 2>&1; cat /proc/self/mountinfo'
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == *"/proc/sys/kernel/domainname: Read-only file system"* ]]
	[[ "${lines[1]}" == *"/dev/shm/x: Read-only file system"* ]]
	[[ "$(mnt_line /proc/sys)" == *" ro,"* ]]
	[[ "$(mnt_line /dev/shm)" == *" ro,nosuid,nodev,noexec"* ]]
}

@test "readonly root: / is read-only, /dev and /tmp mounts stay writable" {
	run rr -d -r -m /tmp:tmpfs:tmpfs:mode=1777 "$WORK/b/rootfs" sh -c 'touch /x 2>&1; touch /tmp/y && touch /dev/shm/z && echo writable'
	[ "$status" -eq 0 ]
	[[ "$output" == *"Read-only file system"* ]]
	[[ "$output" == *writable* ]]
	[ ! -e "$WORK/b/rootfs/x" ]
}

@test "bind, ro bind (top only) and rro bind (recursive) of a host directory" {
	run rr -d -m "/b1:bind:$WORK/host:rbind" -m "/b2:bind:$WORK/host:rbind,ro" \
		-m "/b3:bind:$WORK/host:rbind,rro" -m "/b4:none:$WORK/host/file:bind,ro" "$WORK/b/rootfs" sh -c '
		cat /b1/file /b1/sub/f /b4; touch /b1/new && echo b1-rw; touch /b2/x || echo b2-ro;
		touch /b2/sub/x && echo b2sub-rw; touch /b3/sub/x || echo b3sub-ro; echo x >/b4 || echo b4-ro'
	[ "$status" -eq 0 ]
	[[ "$output" == *hostdata*subdata*hostdata* ]]
	[[ "$output" == *b1-rw* ]]
	[[ "$output" == *b2-ro* ]]
	[[ "$output" == *b2sub-rw* ]]
	[[ "$output" == *b3sub-ro* ]]
	[[ "$output" == *b4-ro* ]]
	[ -e "$WORK/host/new" ]
	[ "$(cat "$WORK/host/file")" = hostdata ]
}

@test "bind options nosuid, nodev, noexec, noatime, nosymfollow show in mountinfo" {
	run rr -d -m "/b:bind:$WORK/host:bind,nosuid,nodev,noexec,noatime,nosymfollow" "$WORK/b/rootfs" cat /proc/self/mountinfo
	[ "$status" -eq 0 ]
	local l; l=$(mnt_line /b)
	[[ "$l" == *nosuid* && "$l" == *nodev* && "$l" == *noexec* && "$l" == *noatime* && "$l" == *nosymfollow* ]]
}

@test "recursive flags rnosuid/rnoexec apply to submounts, plain ones do not" {
	run rr -d -m "/p:bind:$WORK/host:rbind,noexec" -m "/r:bind:$WORK/host:rbind,rnosuid,rnoexec" "$WORK/b/rootfs" cat /proc/self/mountinfo
	[ "$status" -eq 0 ]
	[[ "$(mnt_line /p)" == *noexec* ]]
	[[ "$(mnt_line /p/sub)" != *noexec* ]]
	[[ "$(mnt_line /r/sub)" == *nosuid*noexec* ]]
}

@test "propagation options: shared, private and unbindable are applied" {
	run rr -d -m "/s:bind:$WORK/host:bind,shared" -m "/u:bind:$WORK/host:bind,runbindable" -m "/t:tmpfs:tmpfs:shared" "$WORK/b/rootfs" cat /proc/self/mountinfo
	[ "$status" -eq 0 ]
	[[ "$(mnt_line /s)" == *" shared:"* ]]
	[[ "$(mnt_line /t)" == *" shared:"* ]]
	[[ "$(mnt_line /u)" == *" unbindable "* ]]
}

@test "tmpfs data options, ro and sync flags reach the mount" {
	run rr -d -m "/t:tmpfs:tmpfs:size=1m,mode=700,ro,sync,nodev" "$WORK/b/rootfs" sh -c 'stat -c %a /t; cat /proc/self/mountinfo'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = 700 ]
	local l; l=$(mnt_line /t)
	[[ "$l" == *" ro,"*nodev* ]]
	[[ "$l" == *"size=1024k"* ]]
	[[ "$l" == *"sync"* ]]
}

@test "a tmpfs over an existing directory keeps its mode unless mode= is given (runc)" {
	mkdir -p "$WORK/b/rootfs/keep" "$WORK/b/rootfs/keepro" "$WORK/b/rootfs/keep2"
	chmod 0750 "$WORK/b/rootfs/keep"
	chmod 2711 "$WORK/b/rootfs/keepro"
	run rr -d -m "/keep:tmpfs:tmpfs:size=1m" -m "/keepro:tmpfs:tmpfs:ro" \
		-m "/keep2:tmpfs:tmpfs:mode=700" -m "/made/t:tmpfs:tmpfs:" "$WORK/b/rootfs" \
		sh -c 'stat -c %a /keep /keepro /keep2 /made/t; cat /proc/self/mountinfo'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = 750 ]
	[ "${lines[1]}" = 2711 ]
	[ "${lines[2]}" = 700 ]
	[ "${lines[3]}" = 1777 ]
	[[ "$(mnt_line /keepro)" == *" ro,"* ]]
	rmdir "$WORK/b/rootfs/keep" "$WORK/b/rootfs/keepro" "$WORK/b/rootfs/keep2"
	rm -rf "$WORK/b/rootfs/made"
}

@test "a read-only /dev tmpfs is made read-only after /dev/pts, /dev/shm and the nodes" {
	run rr -d -m "/dev:tmpfs:tmpfs:ro,nosuid,mode=755" \
		-m "/dev/pts:devpts:devpts:newinstance,ptmxmode=0666,mode=0620" \
		-m "/dev/shm:tmpfs:shm:mode=1777" "$WORK/b/rootfs" \
		sh -c 'echo x >/dev/null && ls /dev/pts/ptmx && touch /dev/shm/ok && echo ok; touch /dev/x 2>&1; cat /proc/self/mountinfo'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = /dev/pts/ptmx ]
	[ "${lines[1]}" = ok ]
	[[ "${lines[2]}" == *"/dev/x"*"Read-only file system"* ]]
	[[ "$(mnt_line /dev)" == *" ro,nosuid"* ]]
	[[ "$(mnt_line /dev/shm)" != *" ro,"* ]]
}

@test "a missing bind source fails with an error naming the mount" {
	run rr -d -m "/x:bind:$WORK/nope:bind" "$WORK/b/rootfs" true
	[ "$status" -eq 125 ]
	[[ "$output" == *"mount $WORK/nope on /x"*"No such file or directory"* ]]
}

@test "cgroup mount (v1 hybrid): the container's own memory cgroup, one dir per hierarchy, ro" {
	local mycg
	mycg=$(sed -n 's/^[0-9]*:memory://p' /proc/self/cgroup)
	[ -n "$mycg" ] || skip "no cgroup v1 memory hierarchy on this host (a hybrid host enables this)"
	run rr -d "$WORK/b/rootfs" sh -c 'ls /sys/fs/cgroup; touch /sys/fs/cgroup/memory/x 2>&1; cat /proc/self/mountinfo'
	[ "$status" -eq 0 ]
	[[ "$output" == *memory*pids* ]]
	[[ "$output" == *"Read-only file system"* ]]
	[[ "$(mnt_line /sys/fs/cgroup/memory)" == *" $mycg /sys/fs/cgroup/memory ro,"* ]]
}

@test "cgroup mount with a new cgroup namespace shows the namespace root" {
	run rr -d -c "$WORK/b/rootfs" sh -c 'cat /proc/self/cgroup; cat /proc/self/mountinfo'
	[ "$status" -eq 0 ]
	[[ "$(mnt_line /sys/fs/cgroup/memory)" == *" / /sys/fs/cgroup/memory ro,"* ]]
}

@test "--no-pivot (MS_MOVE + chroot) also enters the rootfs" {
	run rr -d -n "$WORK/b/rootfs" cat /ROOTFS_MARKER
	[ "$status" -eq 0 ]
	[ "$output" = rootfs-marker ]
}

@test "user namespace: devices are host nodes bound in, sysfs/mqueue work" {
	cp -a "$WORK/b" "$WORK/bu"
	chown -R 100000:100000 "$WORK/bu"
	chmod 755 "$WORK" # the namespace's root (host uid 100000) must reach the rootfs
	run rr -d -U -i -D p:0:0:/dev/myfifo "$WORK/bu/rootfs" sh -c 'cat /proc/self/uid_map; stat -c "%n %t:%T" /dev/null /dev/zero; stat -c "%n %F" /dev/myfifo; echo x >/dev/null && echo ok'
	[ "$status" -eq 0 ]
	[[ "$output" == *"/dev/myfifo fifo"* ]] # made with mknod even in a user namespace
	[[ "$output" == *"100000"* ]]
	[[ "$output" == *"/dev/null 1:3"* ]]
	[[ "$output" == *ok* ]]
}

@test "/dev/console is a pty slave of the container's own devpts" {
	run rr -d -t "$WORK/b/rootfs" sh -c 'stat -c "%t %F" /dev/console; cat /proc/self/mountinfo'
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == "88 character special file" ]] # major 136
	local pts; pts=$(mnt_line /dev/pts | awk '{print $3}')
	[[ "$(mnt_line /dev/console)" == *" $pts "*" - devpts "* ]]
}

@test "idmapped bind mount: uidMappings/gidMappings shift file owners as seen inside" {
	mkdir -p "$WORK/idm"
	touch "$WORK/idm/root-owned"
	run rr -d -m "/idm:bind:$WORK/idm:bind,idmap" -u 0:1000:1 "$WORK/b/rootfs" sh -c 'stat -c "%u:%g" /idm/root-owned; cat /proc/self/mountinfo'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "1000:1000" ]
	[[ "$(mnt_line /idm)" == *idmapped* ]]
	[ "$(stat -c %u:%g "$WORK/idm/root-owned")" = "0:0" ] # the host's view is unchanged
	run rr -d -m "/t:tmpfs:tmpfs:idmap" "$WORK/b/rootfs" true
	[ "$status" -eq 125 ]
	[[ "$output" == *"idmap is only supported on bind mounts"* ]]
	run rr -d -m "/t:tmpfs:tmpfs:" -u 0:1000:1 "$WORK/b/rootfs" true # uidMappings alone
	[ "$status" -eq 125 ]
	[[ "$output" == *"idmap is only supported on bind mounts"* ]]
	run rr -d -m "/i:bind:$WORK/idm:bind" -u 0:1000:1 "$WORK/b/rootfs" stat -c %u /i/root-owned
	[ "$status" -eq 0 ]
	[ "$output" = 1000 ] # uidMappings on a bind mount imply idmap
}

@test "rootfsPropagation: rshared, rprivate and runbindable apply to the container's /" {
	run rr -d -P rshared "$WORK/b/rootfs" cat /proc/self/mountinfo
	[ "$status" -eq 0 ]
	[[ "$(mnt_line /)" == *" shared:"* ]]
	run rr -d -P rprivate "$WORK/b/rootfs" cat /proc/self/mountinfo
	[ "$status" -eq 0 ]
	[[ "$(mnt_line /)" != *" shared:"* && "$(mnt_line /)" != *" master:"* ]]
	run rr -d -P runbindable "$WORK/b/rootfs" cat /proc/self/mountinfo
	[ "$status" -eq 0 ]
	[[ "$(mnt_line /)" == *" unbindable "* ]]
}

@test "remount: a later entry with remount,ro changes an earlier mount's flags" {
	run rr -d -m "/m:bind:$WORK/host:bind" -m "/m:bind:$WORK/host:bind,remount,ro,nosuid" \
		-m "/t:tmpfs:tmpfs:size=1m" -m "/t:tmpfs:tmpfs:remount,size=2m,ro" "$WORK/b/rootfs" cat /proc/self/mountinfo
	[ "$status" -eq 0 ]
	[[ "$(mnt_line /m)" == *" ro,nosuid"* ]]
	[[ "$(mnt_line /t)" == *" ro,"*"size=2048k"* ]]
}

@test "idmapped mounts in a container with its own user namespace are refused clearly" {
	[ -d "$WORK/bu" ] || { cp -a "$WORK/b" "$WORK/bu" && chown -R 100000:100000 "$WORK/bu" && chmod 755 "$WORK"; }
	mkdir -p "$WORK/idm2"
	run rr -d -U -i -m "/idm:bind:$WORK/idm2:bind,idmap" -u 0:100000:1 "$WORK/bu/rootfs" true
	[ "$status" -eq 125 ]
	[[ "$output" == *"idmapped mounts in a container with a user namespace are not supported yet"* ]]
}
