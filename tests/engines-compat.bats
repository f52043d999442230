#!/usr/bin/env bats
# What engines rely on, checked directly (the podman/containerd harnesses cover the rest).
load helpers

setup_file() {
	vps_setup_file
	make_busybox_bundle "$WORK/b"
}
teardown_file() { vps_teardown_file; }

@test "delete --force of a container that does not exist succeeds (runc semantics); without --force it fails" {
	run v delete --force eng-nosuch
	[ "$status" -eq 0 ]
	run v delete eng-nosuch
	[ "$status" -eq 1 ]
	[[ "$output" == *'container "eng-nosuch" does not exist'* ]]
}

@test "seccomp filter installs without no_new_privs when capabilities are dropped (podman's default spec)" {
	cp -a "$WORK/b" "$WORK/nnp"
	jq_edit "$WORK/nnp/config.json" '.process.noNewPrivileges = false
		| .process.capabilities = {bounding:["CAP_CHOWN"],effective:["CAP_CHOWN"],permitted:["CAP_CHOWN"]}
		| .linux.seccomp = {defaultAction:"SCMP_ACT_ALLOW", syscalls:[{names:["swapon"],action:"SCMP_ACT_ERRNO"}]}'
	set_args "$WORK/nnp" sh -c 'grep -E "^(Seccomp|NoNewPrivs|CapEff):" /proc/self/status'
	run v run --bundle "$WORK/nnp" eng-nnp
	[ "$status" -eq 0 ]
	[[ "$output" == *"Seccomp:	2"* ]]
	[[ "$output" == *"NoNewPrivs:	0"* ]]
	[[ "$output" == *"CapEff:	0000000000000001"* ]]
}

@test "tmpcopyup: a tmpfs over a directory starts with a copy of its contents (podman --read-only, --tmpfs)" {
	cp -a "$WORK/b" "$WORK/cu"
	mkdir -p "$WORK/cu/rootfs/data/sub"
	echo seed >"$WORK/cu/rootfs/data/sub/f"
	chmod 0640 "$WORK/cu/rootfs/data/sub/f"
	ln -s sub/f "$WORK/cu/rootfs/data/link"
	jq_edit "$WORK/cu/config.json" '.root.readonly = true
		| .mounts += [{destination:"/data", type:"tmpfs", source:"tmpfs", options:["rw","nosuid","tmpcopyup","size=1m"]}]'
	set_args "$WORK/cu" sh -c 'cat /data/link; stat -c %a /data/sub/f; grep " /data " /proc/mounts | cut -d" " -f3; echo new > /data/x && echo writable'
	run v run --bundle "$WORK/cu" eng-cu
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = seed ]
	[ "${lines[1]}" = 640 ]
	[ "${lines[2]}" = tmpfs ]
	[ "${lines[3]}" = writable ]
	[ ! -e "$WORK/cu/rootfs/data/x" ]
}

@test "tmpcopyup: nested directories keep their mode and owner, nodes and fifos are copied; a tree deeper than 64 fails naming the directory" {
	cp -a "$WORK/b" "$WORK/cu2"
	mkdir -p "$WORK/cu2/rootfs/data/a/b"
	chmod 0751 "$WORK/cu2/rootfs/data/a"
	chown 1000:1001 "$WORK/cu2/rootfs/data/a"
	chmod 0700 "$WORK/cu2/rootfs/data/a/b"
	mkfifo "$WORK/cu2/rootfs/data/a/b/fifo"
	mknod "$WORK/cu2/rootfs/data/null" c 1 3
	jq_edit "$WORK/cu2/config.json" '.root.readonly = true
		| .mounts += [{destination:"/data", type:"tmpfs", source:"tmpfs", options:["rw","tmpcopyup","size=1m"]}]'
	set_args "$WORK/cu2" sh -c 'stat -c "%n %a %u:%g %F" /data/a /data/a/b /data/a/b/fifo /data/null'
	run v run --bundle "$WORK/cu2" eng-cu2
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "/data/a 751 1000:1001 directory" ]
	[ "${lines[1]}" = "/data/a/b 700 0:0 directory" ]
	[ "${lines[2]}" = "/data/a/b/fifo 644 0:0 fifo" ]
	[ "${lines[3]}" = "/data/null 644 0:0 character special file" ]

	d="$WORK/cu2/rootfs/data"
	for i in $(seq 1 64); do d="$d/d$i"; done
	mkdir -p "$d/toodeep"
	run v run --bundle "$WORK/cu2" eng-cu2
	[ "$status" -ne 0 ]
	[[ "$output" == *"/data: tmpcopyup of toodeep: Too many levels of symbolic links"* ]]
	run v state eng-cu2
	[ "$status" -ne 0 ]
	rm -rf "$WORK/cu2/rootfs/data/d1/d2"
	run v run --bundle "$WORK/cu2" eng-cu2
	[ "$status" -eq 0 ]
}

@test "devices: fileMode with the file-type bits (as podman sends it) is accepted" {
	cp -a "$WORK/b" "$WORK/dv"
	# 8630 = S_IFCHR | 0666
	jq_edit "$WORK/dv/config.json" '.linux.devices = [{path:"/dev/fuse", type:"c", major:10, minor:229, fileMode:8630, uid:0, gid:0}]'
	set_args "$WORK/dv" stat -c '%F %a %t:%T' /dev/fuse
	run v run --bundle "$WORK/dv" eng-dv
	[ "$status" -eq 0 ]
	[ "$output" = "character special file 666 a:e5" ]
}

@test "exec errors use the words engines map to 127/126, and --log-format json logs them as runc does" {
	cp -a "$WORK/b" "$WORK/ex"
	set_args "$WORK/ex" /nope
	run v --log "$WORK/ex.log" --log-format json run --bundle "$WORK/ex" eng-ex1
	[ "$status" -ne 0 ]
	# docker's CLI matches these words case-sensitively (exit 127)
	[[ "$output" == *"no such file or directory"* ]]
	run jq -r 'select(.level == "error") | .msg' "$WORK/ex.log"
	[[ "$output" == *'exec /nope: no such file or directory'* ]]
	run jq -r '.time' "$WORK/ex.log"
	[[ "$output" == 20*T*Z ]]
	set_args "$WORK/ex" nosuchcmd
	run v run --bundle "$WORK/ex" eng-ex2
	[ "$status" -ne 0 ]
	[[ "$output" == *'executable file not found in $PATH'* ]]
	printf 'x' >"$WORK/ex/rootfs/bin/notexec"
	set_args "$WORK/ex" /bin/notexec
	run v run --bundle "$WORK/ex" eng-ex3
	[ "$status" -ne 0 ]
	[[ "$output" == *'exec /bin/notexec: permission denied'* ]]
	run v list -q
	[[ "$output" != *eng-ex* ]]
}

@test "a new network namespace has its loopback up (as runc and crun), reachable on 127.0.0.1" {
	cp -a "$WORK/b" "$WORK/lo"
	set_args "$WORK/lo" sh -c 'ip link show lo | head -1; (nc -l -p 7777 -e echo pong &) ; sleep 0.3; echo ping | nc 127.0.0.1 7777'
	run v run --bundle "$WORK/lo" eng-lo
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == *"<LOOPBACK,UP,LOWER_UP>"* ]]
	[ "${lines[1]}" = pong ]
}

@test "the loopback is up in a new network namespace owned by a new user namespace too (the init sets it up)" {
	chmod 755 "$WORK" # the mapped root must reach the bundle
	cp -a "$WORK/b" "$WORK/lou"
	jq_edit "$WORK/lou/config.json" '.linux.namespaces += [{"type": "user"}]
		| .linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]
		| .linux.gidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]
		| .mounts |= map(select(.destination != "/sys/fs/cgroup"))'
	set_args "$WORK/lou" sh -c 'ip link show lo | head -1; cat /proc/self/uid_map'
	run v run --bundle "$WORK/lou" eng-lou
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == *"<LOOPBACK,UP,LOWER_UP>"* ]]
	[[ "${lines[1]}" == *"100000"* ]]
}
