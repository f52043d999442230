#!/usr/bin/env bats
# rootfs/ through the real lifecycle: `vps run` of busybox bundles; what the
# process inside sees of its mounts, /dev, masked and read-only paths.
# timeout: 300
load helpers
load rootfs_helpers

setup_file() {
	vps_setup_file
	make_rootfs "$WORK/b"
	mkdir -p "$WORK/host"
	echo hostdata >"$WORK/host/file"
}
teardown_file() { vps_teardown_file; }

@test "vps run: the default spec's mounts, devices, masked and read-only paths" {
	run_in "$WORK/b" rfs-1 sh -c 'cat /proc/self/mountinfo; wc -c </proc/kcore 2>/dev/null; stat -c "%t:%T" /dev/null /dev/zero /dev/urandom /dev/tty; readlink /dev/ptmx; echo x >/proc/sys/kernel/domainname'
	[[ "$(mnt_line /proc)" == *" - proc "* ]]
	[[ "$(mnt_line /dev/pts)" == *" - devpts "*"ptmxmode=666"* ]]
	[[ "$(mnt_line /sys)" == *" ro,"*" - sysfs "* ]]
	[[ "$(mnt_line /proc/sys)" == *" ro,"* ]]
	[[ "$output" == *"1:3"*"1:5"*"1:9"*"5:0"*"pts/ptmx"* ]]
	[[ "$output" == *"Read-only file system"* ]]
}

@test "vps run: masked directories share one empty read-only tmpfs (runc 1.2+)" {
	cp "$WORK/b/config.json" "$WORK/b/config.json.orig"
	mkdir -p "$WORK/b/rootfs/m1" "$WORK/b/rootfs/m2" "$WORK/b/rootfs/m3"
	echo secret >"$WORK/b/rootfs/m2/f"
	jq_edit "$WORK/b/config.json" '.linux.maskedPaths += ["/m1", "/m2", "/m3"]'
	run_in "$WORK/b" rfs-mask sh -c 'stat -c %d /m1 /m2 /m3 | sort -u | wc -l; ls -A /m2 | wc -l; touch /m2/x'
	mv "$WORK/b/config.json.orig" "$WORK/b/config.json"
	rmdir "$WORK/b/rootfs/m1" "$WORK/b/rootfs/m3"; rm -r "$WORK/b/rootfs/m2"
	[ "${lines[0]}" = 1 ]
	[ "${lines[1]}" = 0 ]
	[[ "$output" == *"Read-only file system"* ]]
}

@test "vps run: the host's mounts are gone after pivot_root" {
	run_in "$WORK/b" rfs-2 sh -c 'cat /ROOTFS_MARKER; cat /proc/self/mountinfo'
	[ "$status" -eq 0 ]
	[[ "$output" == *rootfs-marker* ]]
	! printf '%s\n' "$output" | awk '{print $5}' | grep -qE '^/(work|run|mnt|boot|home)'
}

@test "vps run: root.readonly makes / read-only" {
	cp -a "$WORK/b" "$WORK/ro"
	jq_edit "$WORK/ro/config.json" '.root.readonly = true'
	run_in "$WORK/ro" rfs-3 sh -c 'touch /x; echo rc=$?'
	[[ "$output" == *"Read-only file system"*"rc=1"* ]]
	[ ! -e "$WORK/ro/rootfs/x" ]
}

@test "vps run: bind mounts with ro, nosuid, noexec and a tmpfs with size/mode" {
	cp -a "$WORK/b" "$WORK/m"
	jq_edit "$WORK/m/config.json" --arg src "$WORK/host" '.mounts += [
		{"destination": "/data", "type": "bind", "source": $src, "options": ["rbind", "ro", "nosuid", "noexec"]},
		{"destination": "/scratch", "type": "tmpfs", "source": "tmpfs", "options": ["size=1m", "mode=700"]}]'
	run_in "$WORK/m" rfs-4 sh -c 'cat /data/file; touch /data/x 2>&1; stat -c %a /scratch; cat /proc/self/mountinfo'
	[ "$status" -eq 0 ]
	[[ "$output" == *hostdata*"Read-only file system"*700* ]]
	[[ "$(mnt_line /data)" == *" ro,nosuid"*noexec* ]]
	[[ "$(mnt_line /scratch)" == *"size=1024k"* ]]
}

@test "vps run: a bad mount fails with the mount named and leaves nothing behind" {
	cp -a "$WORK/b" "$WORK/bad"
	jq_edit "$WORK/bad/config.json" '.mounts += [{"destination": "/x", "type": "bind", "source": "/nonexistent-vps", "options": ["bind"]}]'
	run_in "$WORK/bad" rfs-5 true
	[ "$status" -ne 0 ]
	[[ "$output" == *"/nonexistent-vps"*"/x"* ]]
	run "$VPS" --root "$ROOT" state rfs-5
	[ "$status" -ne 0 ]
}

@test "vps run: /sys/fs/cgroup shows the container's own cgroup in every hierarchy, read-only" {
	run_in "$WORK/b" rfs-6 sh -c 'cat /proc/self/cgroup; cat /proc/self/mountinfo; cat /sys/fs/cgroup/pids/pids.current; touch /sys/fs/cgroup/x 2>&1'
	[ "$status" -ne 0 ] # the last touch fails
	local mem
	mem=$(printf '%s\n' "$output" | sed -n 's/^[0-9]*:memory://p')
	[ -n "$mem" ] || skip "no cgroup v1 memory hierarchy on this host (hybrid or v1 hosts only)"
	[[ "$(mnt_line /sys/fs/cgroup/memory)" == *" $mem /sys/fs/cgroup/memory ro,"* ]]
	[[ "$(mnt_line /sys/fs/cgroup/pids)" == *" $mem /sys/fs/cgroup/pids ro,"* ]]
	[[ "$output" == *"Read-only file system"* ]]
}

@test "vps run with a user namespace: host device nodes bound in, sysfs and mqueue mounted, rootfs writable" {
	chmod 755 "$WORK" # the namespace's root (host uid 100000) must reach the rootfs
	make_rootfs "$WORK/u"
	chown -R 100000:100000 "$WORK/u/rootfs"
	jq_edit "$WORK/u/config.json" '.linux.namespaces += [{"type":"user"}]
		| .linux.uidMappings = [{"containerID":0,"hostID":100000,"size":65536}]
		| .linux.gidMappings = [{"containerID":0,"hostID":100000,"size":65536}]'
	run_in "$WORK/u" rfs-7 sh -c 'cat /proc/self/uid_map; stat -c "%n %t:%T" /dev/null /dev/zero; cat /proc/self/mountinfo; touch /x && echo rootfs-writable'
	[ "$status" -eq 0 ]
	[[ "$output" == *"100000"* ]]
	[[ "$output" == *"/dev/null 1:3"*"/dev/zero 1:5"* ]]
	[[ "$(mnt_line /sys)" == *" ro,"*" - sysfs "* ]]
	[[ "$(mnt_line /dev/mqueue)" == *" - mqueue "* ]]
	[[ "$(mnt_line /dev/null)" == *" /null /dev/null "* ]] # a bind of the host's node
	[[ "$output" == *rootfs-writable* ]]
	[ "$(stat -c %u "$WORK/u/rootfs/x")" = 100000 ]
}

@test "vps run: rootfsPropagation rshared + an rshared volume: a mount made inside reaches the host" {
	cp -a "$WORK/b" "$WORK/shp"
	mkdir -p "$WORK/shvol"
	jq_edit "$WORK/shp/config.json" --arg src "$WORK/shvol" '.linux.rootfsPropagation = "rshared"
		| .mounts += [{"destination": "/vol", "type": "bind", "source": $src, "options": ["rbind", "rshared"]}]
		| .process.capabilities |= with_entries(.value += ["CAP_SYS_ADMIN"])
		| .process.args = ["sh", "-c", "mkdir /vol/sub && mount -t tmpfs -o size=1m inner /vol/sub && echo mounted"]'
	# in a throwaway mount namespace (everything private but the volume, a
	# shared tmpfs): the host's real mounts are untouched
	run unshare -m --propagation private sh -c '
		mount -t tmpfs -o size=1m shvol "$1" && mount --make-shared "$1" &&
		"$3" --root "$4" run --bundle "$2" rfs-shp &&
		awk -v mp="$1/sub" "\$5 == mp {print \"seen:\" \$9}" /proc/self/mountinfo' sh "$WORK/shvol" "$WORK/shp" "$VPS" "$ROOT"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = mounted ]
	[ "${lines[1]}" = seen:tmpfs ]
}
