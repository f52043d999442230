#!/usr/bin/env bats
# checkpoint/restore (runc's verbs) through CRIU: a busybox counter keeps
# counting from where it was with its pids inside unchanged, --leave-running,
# restore into a new id, the cgroup and its limits, network namespaces (own,
# joined by path) with their addresses, a -t container's pty, the foreground
# restore's exit status, and the error paths (nothing left behind).
# criu: the first of the system's and Debian's (trixie, forky) that passes `criu
# check` and dumps a TCP socket, unpacked into a private prefix by
# tests/tools/criu-private.sh; none passing `criu check` is a failure.
# timeout: 600
load helpers

RECVTTY=${RECVTTY:-$VPS_TOP/build/tests/recvtty}

setup_file() {
	vps_setup_file
	vps_need_criu || return 1
	make_busybox_bundle "$WORK/tpl"
}
teardown_file() {
	vps_teardown_file
	ip netns del "ck-${WORK##*.}" 2>/dev/null || true
}

# vc ARGS: vps with this file's root and criu
vc() { "$VPS" --root "$ROOT" --criu "$CRIU" "$@"; }

# bundle NAME ARGS...: a fresh bundle (the template's rootfs) running ARGS
bundle() {
	local name=$1; shift
	rm -rf "$WORK/$name"
	mkdir -p "$WORK/$name"
	cp -a "$WORK/tpl/rootfs" "$WORK/tpl/config.json" "$WORK/$name/"
	set_args "$WORK/$name" "$@"
	echo "$WORK/$name"
}

# the counter: the init starts a child that writes 1, 2, 3... to /tmp/count
# every 0.05 s and records its own pid (inside) in /tmp/childpid
# (renamed into place: a reader, or a pause, never meets an empty file)
COUNTER='sh -c '"'"'i=0; echo $$ >/tmp/childpid; while :; do i=$((i+1)); echo $i >/tmp/count.new; mv /tmp/count.new /tmp/count; sleep 0.05; done'"'"' & wait'

# count DIR: the counter's value (retried: the writer truncates, then writes)
count() {
	local i c
	for i in $(seq 20); do
		c=$(cat "$1/rootfs/tmp/count" 2>/dev/null)
		[ -n "$c" ] && echo "$c" && return 0
		sleep 0.01
	done
	return 1
}
# wait_count DIR N: until the counter reached N
wait_count() {
	local i
	for i in $(seq 100); do
		[ -s "$1/rootfs/tmp/count" ] && [ "$(count "$1")" -ge "$2" ] && return 0
		sleep 0.1
	done
	return 1
}
# nspid HOSTPID: the pid inside its innermost pid namespace
nspid() { awk '/^NSpid:/ { print $NF }' "/proc/$1/status"; }
init_pid() { vc state "$1" | jq -r .pid; }
# the host pid of the counter (the init's child)
child_pid() { cat "/proc/$(init_pid "$1")/task/$(init_pid "$1")/children" | awk '{ print $1 }'; }

# start_counter NAME: a running counter container NAME (bundle $WORK/NAME)
start_counter() {
	local b
	b=$(bundle "$1" sh -c "$COUNTER")
	jq_edit "$b/config.json" '.linux.resources.memory.limit = 67108864'
	(cd "$b" && vc run -d "$1" </dev/null >/dev/null 2>&1)
	wait_count "$b" 20
}

no_leftovers() {
	local id=$1
	[ ! -e "$ROOT/$id" ]
	! compgen -G "/sys/fs/cgroup/*$(cgrel "$id")" >/dev/null
	! grep -q "$ROOT/$id/" /proc/self/mounts
}

@test "checkpoint: a counter stops at the dump and continues after restore, pids inside unchanged" {
	start_counter ck1
	b=$WORK/ck1
	pid_in=$(cat "$b/rootfs/tmp/childpid")
	[ "$(nspid "$(child_pid ck1)")" = "$pid_in" ]
	run vc checkpoint --image-path "$WORK/img1" ck1
	[ "$status" -eq 0 ]
	[ -s "$WORK/img1/inventory.img" ]
	# as runc: the container is gone after the dump (no state, no cgroup)
	run vc state ck1
	[ "$status" -ne 0 ]
	no_leftovers ck1
	c0=$(count "$b")
	sleep 0.5
	[ "$(count "$b")" = "$c0" ] # nothing counts while checkpointed
	run vc restore -d --image-path "$WORK/img1" --bundle "$b" ck1
	[ "$status" -eq 0 ]
	[ "$(vc state ck1 | jq -r .status)" = running ]
	sleep 0.5
	c1=$(count "$b")
	# continued: a counter started afresh would be near 10, not past c0
	[ "$c1" -gt "$c0" ]
	[ "$(nspid "$(init_pid ck1)")" = 1 ]
	[ "$(nspid "$(child_pid ck1)")" = "$pid_in" ]
	# the cgroup is the container's again, with its limit
	cg=/sys/fs/cgroup/memory$(cgrel ck1)
	[ "$(cat "$cg/memory.limit_in_bytes")" = 67108864 ]
	grep -qx "$(child_pid ck1)" "$cg/cgroup.procs"
	# state, exec, kill, delete work on the restored container
	run vc exec ck1 cat /tmp/childpid
	[ "$output" = "$pid_in" ]
	vc kill ck1 KILL
	for i in $(seq 50); do [ "$(vc state ck1 | jq -r .status)" = stopped ] && break; sleep 0.1; done
	vc delete ck1
	no_leftovers ck1
}

@test "checkpoint: --leave-running keeps the container running (same pid)" {
	start_counter ck2
	pid=$(init_pid ck2)
	run vc checkpoint --leave-running --image-path "$WORK/img2" --work-path "$WORK/work2" ck2
	[ "$status" -eq 0 ]
	[ -s "$WORK/img2/inventory.img" ]
	[ -s "$WORK/work2/dump.log" ]
	[ "$(vc state ck2 | jq -r .status)" = running ]
	[ "$(init_pid ck2)" = "$pid" ]
	c0=$(count "$WORK/ck2")
	sleep 0.3
	[ "$(count "$WORK/ck2")" -gt "$c0" ]
	vc delete -f ck2
	no_leftovers ck2
}

@test "checkpoint: a paused container (containerd pauses first): stays paused with --leave-running, restores running" {
	start_counter ck13
	vc pause ck13
	run vc checkpoint --leave-running --image-path "$WORK/img13a" ck13
	[ "$status" -eq 0 ]
	[ "$(vc state ck13 | jq -r .status)" = paused ]
	c0=$(count "$WORK/ck13")
	sleep 0.3
	[ "$(count "$WORK/ck13")" = "$c0" ]
	run vc checkpoint --image-path "$WORK/img13" ck13
	[ "$status" -eq 0 ]
	no_leftovers ck13
	vc restore -d --image-path "$WORK/img13" --bundle "$WORK/ck13" ck13
	[ "$(vc state ck13 | jq -r .status)" = running ]
	sleep 0.3
	[ "$(count "$WORK/ck13")" -gt "$c0" ]
	vc delete -f ck13
	no_leftovers ck13
}

@test "checkpoint: restore from --image-path into a new id (its own cgroup)" {
	start_counter ck3
	vc checkpoint --image-path "$WORK/img3" ck3
	c0=$(count "$WORK/ck3")
	# stdin a pipe (as an engine's): criu cannot seek it back where the dumped
	# /dev/null was, so the init gets /dev/null again
	run bash -c 'true | "$@"' _ "$VPS" --root "$ROOT" --criu "$CRIU" restore -d --image-path "$WORK/img3" \
		--bundle "$WORK/ck3" --pid-file "$WORK/ck3b.pid" ck3b
	[ "$status" -eq 0 ]
	[ "$(readlink /proc/$(init_pid ck3b)/fd/0)" = /dev/null ]
	[ "$(cat "$WORK/ck3b.pid")" = "$(init_pid ck3b)" ]
	grep -qx "$(init_pid ck3b)" "/sys/fs/cgroup/pids$(cgrel ck3b)/cgroup.procs"
	sleep 0.3
	[ "$(count "$WORK/ck3")" -gt "$c0" ]
	run vc list -q
	[ "$output" = ck3b ]
	vc delete -f ck3b
	no_leftovers ck3b
	no_leftovers ck3
}

@test "checkpoint: restore in the foreground returns the exit status and deletes the container" {
	b=$(bundle ck4 sh -c 'while [ ! -e /tmp/stop ]; do sleep 0.05; done; exit 7')
	(cd "$b" && vc run -d ck4 </dev/null >/dev/null 2>&1)
	vc checkpoint --image-path "$WORK/img4" ck4
	vc restore --image-path "$WORK/img4" --bundle "$b" ck4 &
	rpid=$!
	for i in $(seq 50); do [ "$(vc state ck4 2>/dev/null | jq -r .status)" = running ] && break; sleep 0.1; done
	touch "$b/rootfs/tmp/stop"
	st=0
	wait $rpid || st=$?
	[ "$st" -eq 7 ]
	no_leftovers ck4
}

@test "checkpoint: a network namespace of its own keeps its addresses" {
	start_counter ck5
	nsenter -t "$(init_pid ck5)" -n ip addr add 10.213.5.7/24 dev lo
	vc checkpoint --image-path "$WORK/img5" ck5
	vc restore -d --image-path "$WORK/img5" --bundle "$WORK/ck5" ck5
	run nsenter -t "$(init_pid ck5)" -n ip -4 -o addr show dev lo
	[[ "$output" == *10.213.5.7/24* ]]
	# a new namespace, not the host's
	[ "$(readlink /proc/$(init_pid ck5)/ns/net)" != "$(readlink /proc/self/ns/net)" ]
	vc delete -f ck5
	no_leftovers ck5
}

@test "checkpoint: a network namespace joined by path is joined again" {
	ns=ck-${WORK##*.}
	ip netns add "$ns"
	ip -n "$ns" addr add 10.213.6.9/24 dev lo
	b=$(bundle ck6 sh -c "$COUNTER")
	jq_edit "$b/config.json" --arg p "/run/netns/$ns" \
		'(.linux.namespaces[] | select(.type == "network")) |= . + {path: $p}'
	(cd "$b" && vc run -d ck6 </dev/null >/dev/null 2>&1)
	wait_count "$b" 5
	vc checkpoint --image-path "$WORK/img6" ck6
	vc restore -d --image-path "$WORK/img6" --bundle "$b" ck6
	[ "$(stat -L -c %i /proc/$(init_pid ck6)/ns/net)" = "$(stat -L -c %i /run/netns/$ns)" ]
	vc delete -f ck6
	ip netns del "$ns"
	no_leftovers ck6
}

@test "checkpoint: a -t container gets a new pty through --console-socket and keeps counting" {
	b=$(bundle ck7 sh -c 'i=0; while :; do i=$((i+1)); echo tick $i; sleep 0.05; done')
	jq_edit "$b/config.json" '.process.terminal = true'
	"$RECVTTY" "$WORK/t7a.sock" "$WORK/t7a.out" &
	for i in $(seq 50); do [ -S "$WORK/t7a.sock" ] && break; sleep 0.1; done
	vc run -d --console-socket "$WORK/t7a.sock" --bundle "$b" ck7
	for i in $(seq 50); do grep -q 'tick 20' "$WORK/t7a.out" && break; sleep 0.1; done
	vc checkpoint --image-path "$WORK/img7" ck7
	last=$(grep -o 'tick [0-9]*' "$WORK/t7a.out" | tail -1 | cut -d' ' -f2)
	# restoring a -t container detached needs a console socket
	run vc restore -d --image-path "$WORK/img7" --bundle "$b" ck7
	[ "$status" -ne 0 ]
	[[ "$output" == *"--console-socket is required"* ]]
	no_leftovers ck7
	"$RECVTTY" "$WORK/t7b.sock" "$WORK/t7b.out" &
	for i in $(seq 50); do [ -S "$WORK/t7b.sock" ] && break; sleep 0.1; done
	run vc restore -d --console-socket "$WORK/t7b.sock" --image-path "$WORK/img7" --bundle "$b" ck7
	[ "$status" -eq 0 ]
	for i in $(seq 50); do [ "$(grep -c tick "$WORK/t7b.out")" -ge 3 ] && break; sleep 0.1; done
	first=$(grep -o 'tick [0-9]*' "$WORK/t7b.out" | head -1 | cut -d' ' -f2)
	[ "$first" -gt "$last" ]
	run vc exec ck7 readlink /proc/1/fd/0
	[[ "$output" == /dev/pts/* ]]
	vc delete -f ck7
	no_leftovers ck7
}

@test "checkpoint: errors: not running, no such container, bad mode (nothing made)" {
	b=$(bundle ck8 sleep 100)
	(cd "$b" && vc create ck8 </dev/null >/dev/null 2>&1)
	run vc checkpoint --image-path "$WORK/img8" ck8
	[ "$status" -eq 1 ]
	[[ "$output" == "vps: checkpoint ck8: container is created: only a running or paused container can be checkpointed" ]]
	[ ! -e "$WORK/img8" ]
	[ "$(vc state ck8 | jq -r .status)" = created ]
	vc delete -f ck8
	run vc checkpoint --image-path "$WORK/img8" nosuch
	[ "$status" -eq 1 ]
	[[ "$output" == *'container "nosuch" does not exist'* ]]
	run vc checkpoint --manage-cgroups-mode bogus nosuch
	[ "$status" -eq 1 ]
	[[ "$output" == *'--manage-cgroups-mode: expected soft, full, strict or ignore, got "bogus"'* ]]
	run vc checkpoint --no-such-flag ck8
	[ "$status" -eq 2 ]
}

@test "checkpoint: restore errors: existing id, bad image path, not a checkpoint, criu failing (nothing left)" {
	start_counter ck9
	vc checkpoint --leave-running --image-path "$WORK/img9" ck9
	pid=$(init_pid ck9)
	# the id is taken: the running container is untouched
	run vc restore -d --image-path "$WORK/img9" --bundle "$WORK/ck9" ck9
	[ "$status" -eq 1 ]
	[[ "$output" == *'container "ck9" already exists'* ]]
	[ "$(init_pid ck9)" = "$pid" ]
	[ "$(vc state ck9 | jq -r .status)" = running ]
	# no such image dir
	run vc restore -d --image-path "$WORK/none" --bundle "$WORK/ck9" ck9x
	[ "$status" -eq 1 ]
	[[ "$output" == "vps: restore ck9x: --image-path $WORK/none: No such file or directory" ]]
	no_leftovers ck9x
	# a directory that holds no checkpoint
	mkdir -p "$WORK/empty"
	run vc restore -d --image-path "$WORK/empty" --bundle "$WORK/ck9" ck9x
	[ "$status" -eq 1 ]
	[[ "$output" == *"--image-path $WORK/empty: no vps checkpoint"* ]]
	no_leftovers ck9x
	# a VPS network the checkpoint does not have is refused before anything is made
	cp -a "$WORK/ck9" "$WORK/ck9net"
	jq_edit "$WORK/ck9net/config.json" '.annotations["org.vps.net.ip"] = "10.88.0.9/16"'
	run vc restore -d --image-path "$WORK/img9" --bundle "$WORK/ck9net" ck9x
	[ "$status" -eq 1 ]
	[[ "$output" == "vps: restore ck9x: config.json asks for the VPS network (org.vps.net.ip) but the checkpoint has none" ]]
	no_leftovers ck9x
	# criu itself fails (an image file missing): its error, and nothing left
	cp -a "$WORK/img9" "$WORK/img9bad"
	rm -f "$WORK"/img9bad/pages-*.img
	run vc restore -d --image-path "$WORK/img9bad" --bundle "$WORK/ck9" ck9x
	[ "$status" -eq 1 ]
	[[ "$output" == *"criu restore failed"*"log: $WORK/img9bad/restore.log"* ]]
	no_leftovers ck9x
	vc delete -f ck9
	no_leftovers ck9
}

@test "checkpoint: --pre-dump copies memory and leaves the container running, or says why not" {
	start_counter ck10
	pid=$(init_pid ck10)
	run vc checkpoint --pre-dump --image-path "$WORK/img10" ck10
	# without the kernel's dirty tracking vps says so before criu starts
	if ! "$CRIU" check --feature mem_dirty_track >/dev/null 2>&1; then
		[ "$status" -eq 1 ]
		[[ "$output" == "vps: checkpoint ck10: --pre-dump/--parent-path: this kernel has no memory dirty tracking"* ]]
	else
		[ "$status" -eq 0 ]
		[ -s "$WORK/img10/pagemap-1.img" ] || ls "$WORK/img10" | grep -q pagemap
	fi
	[ "$(init_pid ck10)" = "$pid" ]
	[ "$(vc state ck10 | jq -r .status)" = running ]
	vc delete -f ck10
}

@test "checkpoint: features reports criu; --criu names a missing binary clearly" {
	run vc features
	[ "$status" -eq 0 ]
	[[ "$(echo "$output" | jq -r '.annotations["org.vps.checkpoint"]')" == "criu "*" at $CRIU" ]]
	[ -s "$ROOT/criu-check.json" ]
	run "$VPS" --root "$ROOT" --criu /nonexistent/criu features
	[[ "$(echo "$output" | jq -r '.annotations["org.vps.checkpoint"]')" == "unavailable: no criu (/nonexistent/criu)" ]]
	start_counter ck11
	run "$VPS" --root "$ROOT" --criu /nonexistent/criu checkpoint --image-path "$WORK/img11" ck11
	[ "$status" -eq 1 ]
	[[ "$output" == *"criu dump: exec /nonexistent/criu: No such file or directory"* ]]
	[ "$(vc state ck11 | jq -r .status)" = running ]
	vc delete -f ck11
}

@test "checkpoint: --help of checkpoint and restore" {
	run vc checkpoint --help
	[ "$status" -eq 0 ]
	[[ "$output" == *--leave-running* && "$output" == *--image-path* ]]
	run vc restore --help
	[ "$status" -eq 0 ]
	[[ "$output" == *--console-socket* && "$output" == *--detach* ]]
}

@test "checkpoint: an established TCP connection needs --tcp-established (criu's word), then survives checkpoint and restore" {
	b=$(bundle ck12 sh -c 'sleep 100000 | nc -l -p 5000 >/tmp/got & sleep 0.3; i=0; while :; do echo $i; i=$((i+1)); sleep 0.05; done | nc 127.0.0.1 5000')
	(cd "$b" && vc run -d ck12 </dev/null >/dev/null 2>&1)
	for i in $(seq 50); do [ "$(wc -l <"$b/rootfs/tmp/got" 2>/dev/null)" -ge 5 ] && break; sleep 0.1; done
	pid=$(init_pid ck12)
	run vc checkpoint --image-path "$WORK/img12" ck12
	[ "$status" -eq 1 ]
	[[ "$output" == "vps: checkpoint ck12: criu dump failed (exit 1): inet: Connected TCP socket, consider using --tcp-established option. (log: $WORK/img12/dump.log)" ]]
	[ "$(init_pid ck12)" = "$pid" ]
	[ "$(vc state ck12 | jq -r .status)" = running ]
	# criu-private.sh gave a criu that dumps TCP sockets on this kernel (>= 4.2
	# on Linux >= 6.16, where getsockopt(SO_PASSCRED) on them is EOPNOTSUPP)
	run vc checkpoint --tcp-established --image-path "$WORK/img12" ck12
	[ "$status" -eq 0 ]
	n0=$(wc -l <"$b/rootfs/tmp/got")
	run vc restore -d --tcp-established --image-path "$WORK/img12" --bundle "$b" ck12
	[ "$status" -eq 0 ]
	for i in $(seq 50); do [ "$(wc -l <"$b/rootfs/tmp/got")" -gt $((n0 + 5)) ] && break; sleep 0.1; done
	# the same connection carries on: the receiver's file grows, in sequence
	[ "$(wc -l <"$b/rootfs/tmp/got")" -gt $((n0 + 5)) ]
	awk 'NR != $1 + 1 { exit 1 }' "$b/rootfs/tmp/got"
	vc delete -f ck12
	no_leftovers ck12
}

@test "checkpoint: bind mounts are external: restore into a fresh rootfs makes the mount points and binds them again" {
	b=$(bundle ck14 sh -c "$COUNTER")
	mkdir -p "$WORK/ck14src/dir"
	echo hello >"$WORK/ck14src/file"
	jq_edit "$b/config.json" --arg f "$WORK/ck14src/file" --arg d "$WORK/ck14src/dir" \
		'.mounts += [{destination: "/srv/file", type: "bind", source: $f, options: ["bind", "ro"]},
		             {destination: "/srv/dir", type: "bind", source: $d, options: ["rbind"]}]'
	(cd "$b" && vc run -d ck14 </dev/null >/dev/null 2>&1)
	wait_count "$b" 10
	vc checkpoint --image-path "$WORK/img14" ck14
	jq -e '[.mounts[] | select(.kind == "bind") | .destination] == ["/srv/file", "/srv/dir"]' "$WORK/img14/vps-checkpoint.json"
	# a private netns with lo alone: dumped and restored without criu's network lock
	jq -e '.netIsolated == true' "$WORK/img14/vps-checkpoint.json"
	# a fresh copy of the rootfs: /srv/file and /srv/dir do not exist in it
	b2=$WORK/ck14b
	mkdir -p "$b2"
	cp -a "$WORK/tpl/rootfs" "$b2/"
	cp -a "$b/rootfs/tmp/." "$b2/rootfs/tmp/"
	cp "$b/config.json" "$b2/"
	# nor any other mount point (an image's rootfs: podman --import, containerd)
	rm -rf "$b2/rootfs/proc" "$b2/rootfs/sys" "$b2/rootfs/dev"
	[ ! -e "$b2/rootfs/srv/file" ]
	# single-dash long options, as containerd's go-runc passes -no-subreaper
	run vc restore -d -no-subreaper --image-path "$WORK/img14" --bundle "$b2" ck14
	[ "$status" -eq 0 ]
	run vc exec ck14 cat /srv/file
	[ "$output" = hello ]
	echo more >"$WORK/ck14src/dir/new"
	run vc exec ck14 cat /srv/dir/new
	[ "$output" = more ]
	run vc exec ck14 sh -c 'echo x >/srv/file'
	[ "$status" -ne 0 ] # still read-only
	vc delete -f ck14
	no_leftovers ck14
}

@test "checkpoint: a VPS-face VPS (own user namespace): a time namespace of another user namespace is named as what CRIU refuses; its own uptime one is dumped" {
	"$VPS" bundle "$WORK/vf" --template busybox --name ck15 >/dev/null
	jq -e '.annotations["org.vps.userns"] == "mapped" and .annotations["org.vps.procview"] == "auto"' "$WORK/vf/config.json"
	cp "$WORK/vf/config.json" "$WORK/vf.json"
	# a time namespace of the host's user namespace, joined by path
	unshare --time sleep 300 </dev/null >/dev/null 2>&1 &
	tns=$!
	for i in $(seq 50); do
		[ "$(readlink "/proc/$tns/ns/time_for_children")" != "$(readlink /proc/self/ns/time)" ] && break
		sleep 0.1
	done
	jq_edit "$WORK/vf/config.json" --arg p "/proc/$tns/ns/time_for_children" '.linux.namespaces += [{"type": "time", "path": $p}]'
	vc run -d --bundle "$WORK/vf" ck15 </dev/null >/dev/null 2>&1
	pid=$(init_pid ck15)
	run vc checkpoint --leave-running --image-path "$WORK/img15" ck15
	kill "$tns"
	wait "$tns" || true
	[ "$status" -eq 1 ]
	[[ "$output" == "vps: checkpoint ck15: the VPS's time namespace (time:["*"]) is owned by another user namespace than the VPS's own (user:["*"]), so CRIU cannot enter it from there (a time namespace joined by path"* ]]
	[ ! -e "$WORK/img15" ]
	[ "$(init_pid ck15)" = "$pid" ]
	vc delete -f ck15
	# its own uptime time namespace (procview; without lxcfs, a FUSE mount
	# CRIU cannot dump) is dumped: the host's device nodes bound into its /dev
	# (and on masked /proc files) and the console pty are external
	cp "$WORK/vf.json" "$WORK/vf/config.json"
	jq_edit "$WORK/vf/config.json" '.annotations["org.vps.procview"] = "kernel"'
	vc run -d --bundle "$WORK/vf" ck15 </dev/null >/dev/null 2>&1
	run vc checkpoint --leave-running --image-path "$WORK/img15" ck15
	[ "$status" -eq 0 ]
	jq -e '[.mounts[] | select(.kind == "hostdev") | .destination + "=" + .source] | index("/dev/null=/dev/null") and index("/proc/timer_list=/dev/null")' "$WORK/img15/vps-checkpoint.json"
	jq -e '.console | startswith("tty[")' "$WORK/img15/vps-checkpoint.json"
	[ "$(vc state ck15 | jq -r .status)" = running ]
	vc delete -f ck15
	no_leftovers ck15
}

@test "checkpoint: a systemd VPS (debian template, own user namespace): dumped whole (its cgroup2 mount, the host's device nodes, the console); restored under a monitor, its sub-cgroups its root's, systemd running on" {
	local cache=/var/cache/vps/debian-bookworm-systemd-$(uname -m).tar
	[ -e "$cache" ] || skip "no cached debian systemd tree ($cache; tests/systemd.bats makes it)"
	"$VPS" bundle "$WORK/sd" --template debian --name ck16 >/dev/null
	# procview without lxcfs (a FUSE mount CRIU cannot dump)
	jq_edit "$WORK/sd/config.json" '.annotations["org.vps.procview"] = "kernel"'
	vc run -d --bundle "$WORK/sd" ck16 </dev/null >/dev/null 2>&1
	for i in $(seq 150); do
		s=$(vc exec ck16 systemctl is-system-running 2>/dev/null) || true
		case $s in running | degraded) break ;; esac
		sleep 0.2
	done
	[ "$(vc exec ck16 cat /proc/1/comm)" = systemd ]
	sleep 2 # a fresh boot would show less uptime than this
	up0=$(vc exec ck16 cut -d. -f1 /proc/uptime)
	run vc checkpoint --image-path "$WORK/img16" ck16
	[ "$status" -eq 0 ]
	no_leftovers ck16
	m=$WORK/img16/vps-checkpoint.json
	# its own cgroup2 mount is the VPS's cgroup2 directory ("cgfile" with no
	# file: the directory itself), bound again from wherever the restoring
	# host has it
	[ "$(jq -r '.mounts[] | select(.destination == "/sys/fs/cgroup") | .kind + "=" + .source' "$m")" = "cgfile=" ]
	jq -e '.console | startswith("tty[")' "$m"
	jq -e '[.mounts[] | select(.kind == "hostdev")] | length >= 6' "$m"
	# restored as the VPS face restores it: under a monitor of its own, whose
	# pty is the console again (an OCI --console-socket restore makes the
	# cgroup under our umask, not the monitor's 077: CRIU then refuses the
	# cgroup2 mount's root, "bad mode 040755 (expect 040700)")
	run vc restore -d --image-path "$WORK/img16" --bundle "$WORK/sd" ck16
	echo "$output"
	[ "$status" -eq 0 ]
	# the sub-cgroups its systemd made, made again as its root's (else the
	# restored systemd cannot reopen the cgroup.events it watches)
	base=$(jq -r '.linux.uidMappings[0].hostID' "$WORK/sd/config.json")
	d=$(compgen -G "/sys/fs/cgroup/*$(cgrel ck16)/init.scope" | head -1)
	[ "$(find "${d%/init.scope}" -mindepth 1 -type d -printf '%u\n' | sort -u)" = "$base" ]
	[ "$(vc exec ck16 systemctl is-system-running)" = running ]
	[ "$(vc exec ck16 cut -d. -f1 /proc/uptime)" -ge "$up0" ]
	vc delete -f ck16
	no_leftovers ck16
}
