#!/usr/bin/env bats
# User namespaces by default (the VPS face, issue 15): every `vps bundle` VPS
# gets its own range of 65536 host ids, its root is host id BASE, the rootfs
# keeps its owners on disk and is shown through an idmapped mount. Proved from
# the host: /proc/PID/status, files in a bind-mounted host dir, a host fd
# leaked on purpose, the CVE-2019-5736 class, the allocator under concurrency.
# timeout: 600
load helpers

setup_file() {
	vps_setup_file
}
teardown_file() { vps_teardown_file; }

cfg() { jq -r "$2" "$1/config.json"; }
base_of() { cfg "$1" '.linux.uidMappings[0].hostID'; }
initpid() { v state "$1" | jq -r .pid; }
# mounts under the bundle dir that the host's mount table shows
host_mounts() { grep -c " $1" /proc/self/mountinfo || true; }

@test "userns- bundle: a user namespace mapping 0-65535 onto a range of its own; --userns host keeps host root" {
	v bundle "$WORK/m1" --name un-m1 >/dev/null
	[ "$(cfg "$WORK/m1" '.linux.namespaces | map(.type) | index("user") != null')" = true ]
	base=$(base_of "$WORK/m1")
	[ "$base" -ge 1000000 ]
	[ $(((base - 1000000) % 65536)) = 0 ]
	[ "$(cfg "$WORK/m1" '.linux.uidMappings | length')" = 1 ]
	[ "$(cfg "$WORK/m1" '.linux.uidMappings[0] | "\(.containerID) \(.size)"')" = "0 65536" ]
	[ "$(cfg "$WORK/m1" '.linux.gidMappings[0] | "\(.containerID) \(.hostID) \(.size)"')" = "0 $base 65536" ]
	[ "$(cfg "$WORK/m1" '.annotations["org.vps.userns"]')" = mapped ]
	# ext4 (the test dir) can be idmapped: the tree keeps its owners on disk
	[ "$(cfg "$WORK/m1" '.annotations["org.vps.rootfs.idmap"]')" = mount ]
	[ "$(stat -c %u:%g "$WORK/m1/rootfs/etc/shadow")" = 0:42 ]
	grep -qx "name un-m1" "$VPS_INVENTORY/idranges/$base.range"
	grep -qx "bundle $WORK/m1" "$VPS_INVENTORY/idranges/$base.range"
	# opt out: no user namespace, no range, and the config says so
	n=$(ls "$VPS_INVENTORY/idranges" | grep -c range)
	v bundle "$WORK/h1" --name un-h1 --userns host >/dev/null
	[ "$(cfg "$WORK/h1" '.linux.namespaces | map(.type) | index("user")')" = null ]
	[ "$(cfg "$WORK/h1" '.linux.uidMappings')" = null ]
	[ "$(cfg "$WORK/h1" '.annotations["org.vps.userns"]')" = host ]
	[ "$(ls "$VPS_INVENTORY/idranges" | grep -c range)" = "$n" ]
}

@test "userns- proof from the host: the VPS's init runs as its mapped id, not 0" {
	v bundle "$WORK/p1" --name un-p1 >/dev/null
	base=$(base_of "$WORK/p1")
	v create --bundle "$WORK/p1" un-p1
	v start un-p1
	pid=$(initpid un-p1)
	grep -P "^Uid:\t$base\t$base\t$base\t$base$" /proc/$pid/status
	grep -P "^Gid:\t$base\t$base\t$base\t$base$" /proc/$pid/status
	[ "$(awk '{print $1, $2, $3}' /proc/$pid/uid_map)" = "0 $base 65536" ]
	# inside it is root, and the rootfs shows root's files as root's
	[ "$(v exec un-p1 id -u)" = 0 ]
	[ "$(v exec un-p1 stat -c %u:%g /etc/shadow)" = 0:42 ]
	# exec joins the VPS's user namespace (first: it owns the others)
	[ "$(v exec un-p1 readlink /proc/self/ns/user)" = "$(readlink /proc/$pid/ns/user)" ]
	[ "$(v exec un-p1 cat /proc/self/uid_map | awk '{print $1, $2, $3}')" = "0 $base 65536" ]
	# a file root makes: root's inside, unmapped (0) on disk, BASE through
	# the VPS's own view of its root
	v exec un-p1 touch /root/made-inside
	[ "$(v exec un-p1 stat -c %u /root/made-inside)" = 0 ]
	[ "$(stat -c %u "$WORK/p1/rootfs/root/made-inside")" = 0 ]
	[ "$(stat -c %u /proc/$pid/root/root/made-inside)" = "$base" ]
	v delete --force un-p1
}

@test "userns- /proc, /sys, cgroups, /dev nodes and /dev/pts work inside the user namespace" {
	v bundle "$WORK/d1" --name un-d1 >/dev/null
	v create --bundle "$WORK/d1" un-d1
	v start un-d1
	run v exec un-d1 sh -c 'cat /proc/1/comm; ls /sys/class/net; ls /sys/fs/cgroup | head -1;
		echo x >/dev/null && head -c 4 /dev/zero | wc -c; head -c 8 /dev/urandom | wc -c;
		[ -c /dev/null ] && [ -c /dev/tty ] && echo chars;
		grep -c " /dev/pts devpts" /proc/mounts; mknod /tmp/n c 1 3 2>&1 || echo no-mknod'
	echo "$output"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = init ]
	[[ $output == *lo* ]]
	[[ $output == *chars* ]]
	[[ $output == *no-mknod* ]] # a user namespace cannot make device nodes
	# a pty from the VPS's own devpts
	run v exec -t un-d1 tty </dev/null
	echo "$output"
	[[ $output == */dev/pts/* ]]
	# limits and stats still come from the VPS's cgroup
	run v stats --json --interval 100ms un-d1
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | jq -r '.[0].pids.current')" -ge 1 ]
	[ "$(echo "$output" | jq -r '.[0].memory.limit')" = $((512 << 20)) ]
	v delete --force un-d1
}

@test "userns- bundle, create, start, exec, passwd, useradd, userdel, delete with the default config" {
	v bundle "$WORK/l1" --name un-l1 >/dev/null
	base=$(base_of "$WORK/l1")
	v create --bundle "$WORK/l1" un-l1
	v start un-l1
	pid=$(initpid un-l1)
	echo 'S3cret-pass' | v passwd un-l1 --stdin
	grep -q '^root:\$' "$WORK/l1/rootfs/etc/shadow"
	v useradd un-l1 alice --create-home
	v groupadd un-l1 staff
	[ "$(v users un-l1 | awk '$1 == "alice" {print $2}')" = 1000 ]
	# the owners a process inside sees, on disk, and from the host through
	# the VPS's root
	[ "$(v exec un-l1 stat -c %u:%g /home/alice)" = 1000:1000 ]
	[ "$(v exec un-l1 stat -c %u:%g /etc/shadow)" = 0:42 ]
	[ "$(stat -c %u:%g "$WORK/l1/rootfs/home/alice")" = 1000:1000 ]
	[ "$(stat -c %u /proc/$pid/root/home/alice)" = $((base + 1000)) ]
	v exec -u alice un-l1 sh -c 'touch /home/alice/mine && stat -c %u /home/alice/mine' | grep -qx 1000
	[ "$(v exec -u alice un-l1 id -u)" = 1000 ]
	# login inside accepts the password set from the host
	run python3 "$VPS_TOP/tests/tools/vf_pty.py" -t 15 "$VPS" --root "$ROOT" exec un-l1 \
		/bin/login root -- 'Password:' 'S3cret-pass' '# ' 'id -u; exit'
	echo "$output"
	[ "$status" -eq 0 ]
	v userdel un-l1 alice --remove-home
	[ ! -e "$WORK/l1/rootfs/home/alice" ]
	v groupdel un-l1 staff
	cg=$(v state un-l1 | jq -r '.annotations["org.vps.name"]')
	v delete --force un-l1
	[ "$(host_mounts "$WORK/l1")" = 0 ]
	run v state un-l1
	[ "$status" -ne 0 ]
}

@test "userns- a file the VPS's root makes in a bind-mounted host dir is owned by its host id" {
	v bundle "$WORK/b1" --name un-b1 >/dev/null
	base=$(base_of "$WORK/b1")
	mkdir -m 1777 "$WORK/share"
	echo host >"$WORK/share/hostfile" && chmod 0644 "$WORK/share/hostfile"
	jq_edit "$WORK/b1/config.json" --arg s "$WORK/share" \
		'.mounts += [{"destination": "/srv", "type": "bind", "source": $s, "options": ["rbind", "rw"]}]'
	v create --bundle "$WORK/b1" un-b1
	v start un-b1
	v exec un-b1 sh -c 'echo made >/srv/made-inside'
	[ "$(stat -c %u:%g "$WORK/share/made-inside")" = "$base:$base" ]
	# the host's root-owned file is not root's inside: it cannot be written
	run v exec un-b1 sh -c 'echo pwn >>/srv/hostfile'
	[ "$status" -ne 0 ]
	[[ $output == *"Permission denied"* ]]
	[ "$(cat "$WORK/share/hostfile")" = host ]
	v delete --force un-b1
}

# run the bundle's process with the host directory $WORK/leak as fd 3
leak_run() {
	local b=$1
	set_args "$b" /bin/sh -c 'echo pwn >>/proc/self/fd/3/secret && echo WROTE;
		touch /proc/self/fd/3/new && echo MADE; id -u'
	v run --preserve-fds 1 --bundle "$b" "un-leak-$(basename "$b")" 3<"$WORK/leak" 2>&1
}

@test "userns- a host directory fd leaked into the VPS on purpose: root inside cannot write through it" {
	mkdir -m 0755 "$WORK/leak"
	echo secret >"$WORK/leak/secret" && chmod 0644 "$WORK/leak/secret"
	v bundle "$WORK/f1" --name un-f1 >/dev/null
	run leak_run "$WORK/f1"
	echo "$output"
	[[ $output == *"Permission denied"* ]]
	[[ $output != *WROTE* ]]
	[[ $output != *MADE* ]]
	[ "$(cat "$WORK/leak/secret")" = secret ]
	[ ! -e "$WORK/leak/new" ]
	# the same leak with --userns host: the wall was the user namespace
	v bundle "$WORK/f2" --name un-f2 --userns host >/dev/null
	run leak_run "$WORK/f2"
	echo "$output"
	[[ $output == *WROTE* ]]
	[ "$(tail -1 "$WORK/leak/secret")" = pwn ]
}
