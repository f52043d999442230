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
	# its cgroup directories are 0755 whatever the monitor's umask (077):
	# older kernels (6.1) let the VPS's root mount its cgroup2 only when it
	# can search every directory from the root down to its cgroup
	pid=$(initpid un-d1)
	unified=$(awk '$3 == "cgroup2" {print $2; exit}' /proc/self/mounts)
	rel=$(sed -n 's/^0:://p' /proc/$pid/cgroup)
	echo "cgroup2 $unified$rel: $(stat -c %a "$unified$rel")"
	[ "$(stat -c %a "$unified$rel")" = 755 ]
	if rel=$(grep -m1 ':pids:' /proc/$pid/cgroup | cut -d: -f3) && [ -n "$rel" ]; then
		[ "$(stat -c %a "/sys/fs/cgroup/pids$rel")" = 755 ]
	fi
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

@test "userns- ranges: disjoint under 8 parallel bundles; a removed bundle's range is taken again" {
	export VPS_INVENTORY=$WORK/inv-par
	for i in 1 2 3 4 5 6 7 8; do
		"$VPS" bundle "$WORK/par$i" --name un-par$i >/dev/null &
	done
	wait
	for i in 1 2 3 4 5 6 7 8; do base_of "$WORK/par$i"; done >"$WORK/bases"
	[ "$(sort -u "$WORK/bases" | wc -l)" = 8 ]
	# the first eight ranges of the area, one each
	[ "$(sort -n "$WORK/bases" | tr '\n' ' ')" = "$(for n in 0 1 2 3 4 5 6 7; do echo -n "$((1000000 + n * 65536)) "; done)" ]
	[ "$(ls "$VPS_INVENTORY/idranges" | grep -c '\.range$')" = 8 ]
	# a bundle that is gone (or no longer maps root there) frees its range
	freed=$(base_of "$WORK/par3")
	rm -rf "$WORK/par3"
	v bundle "$WORK/par9" --name un-par9 >/dev/null
	[ "$(base_of "$WORK/par9")" = "$freed" ]
	grep -qx "name un-par9" "$VPS_INVENTORY/idranges/$freed.range"
	# --userns host rewrites nothing; a re-made host bundle frees the range
	freed=$(base_of "$WORK/par4")
	rm -rf "$WORK/par4" && v bundle "$WORK/par4" --name un-par4 --userns host >/dev/null
	v bundle "$WORK/par10" --name un-par10 >/dev/null
	[ "$(base_of "$WORK/par10")" = "$freed" ]
}

@test "userns- two running VPSes: disjoint ranges, neither's root can read or remove the other's files; destroy gives the range back" {
	export VPS_INVENTORY=$WORK/inv-two
	mkdir -m 1777 "$WORK/both"
	local b
	for b in ta tb; do
		v bundle "$WORK/$b" --name "un-$b" >/dev/null
		jq_edit "$WORK/$b/config.json" --arg s "$WORK/both" \
			'.mounts += [{"destination": "/srv", "type": "bind", "source": $s, "options": ["rbind", "rw"]}]'
		v start "un-$b"
	done
	a=$(base_of "$WORK/ta") b=$(base_of "$WORK/tb")
	echo "ranges: $a, $b"
	# [a, a+65536) and [b, b+65536) do not meet, in the records and in the kernel
	[ $((a + 65536)) -le "$b" ] || [ $((b + 65536)) -le "$a" ]
	grep -qx "name un-ta" "$VPS_INVENTORY/idranges/$a.range"
	grep -qx "name un-tb" "$VPS_INVENTORY/idranges/$b.range"
	pa=$(initpid un-ta) pb=$(initpid un-tb)
	[ "$(awk '{print $1, $2, $3}' /proc/$pa/uid_map)" = "0 $a 65536" ]
	[ "$(awk '{print $1, $2, $3}' /proc/$pb/uid_map)" = "0 $b 65536" ]
	grep -P "^Uid:\t$a\t" /proc/$pa/status
	grep -P "^Uid:\t$b\t" /proc/$pb/status
	# root of un-ta makes a private file in the directory both see
	v exec un-ta sh -c 'umask 077; echo secret-a >/srv/a-file'
	[ "$(stat -c %u:%a "$WORK/both/a-file")" = "$a:600" ]
	# un-tb's root sees it as nobody's (unmapped) and cannot read, change or remove it
	[ "$(v exec un-tb stat -c %u /srv/a-file)" = 65534 ]
	for cmd in 'cat /srv/a-file' 'echo x >>/srv/a-file' 'rm -f /srv/a-file' 'chmod 666 /srv/a-file'; do
		run v exec un-tb sh -c "$cmd"
		echo "un-tb: $cmd: $status $output"
		[ "$status" -ne 0 ]
	done
	[ "$(cat "$WORK/both/a-file")" = secret-a ]
	# destroy gives un-ta's range back: the next bundle gets it
	v destroy un-ta --force
	[ ! -e "$VPS_INVENTORY/idranges/$a.range" ]
	v bundle "$WORK/tc" --name un-tc >/dev/null
	[ "$(base_of "$WORK/tc")" = "$a" ]
	v destroy un-tb --force
	v destroy un-tc
}

@test "userns- ranges: the area's base is configurable (--idmap-base, the inventory's settings)" {
	export VPS_INVENTORY=$WORK/inv-base
	v bundle "$WORK/ib1" --name un-ib1 --idmap-base 3000000 >/dev/null
	[ "$(base_of "$WORK/ib1")" = 3000000 ]
	mkdir -p "$VPS_INVENTORY/idranges"
	printf 'base 5000000\ncount 4\n' >"$VPS_INVENTORY/idranges/settings"
	v bundle "$WORK/ib2" --name un-ib2 >/dev/null
	[ "$(base_of "$WORK/ib2")" = 5000000 ]
}

@test "userns- errors: area exhausted, overlapping /etc/subuid, bad options: clear, and nothing left" {
	export VPS_INVENTORY=$WORK/inv-err
	mkdir -p "$VPS_INVENTORY/idranges"
	printf 'base 2000000\ncount 1\n' >"$VPS_INVENTORY/idranges/settings"
	v bundle "$WORK/e1" --name un-e1 >/dev/null
	run v bundle "$WORK/e2" --name un-e2
	echo "$output"
	[ "$status" -ne 0 ]
	[[ $output == "vps: bundle"*"id ranges: all 1 range of 65536 host ids from 2000000 are taken"* ]]
	[ ! -e "$WORK/e2" ]
	[ "$(ls "$VPS_INVENTORY/idranges" | grep -c '\.range$')" = 1 ]
	# an area that overlaps a subordinate id range of the host is refused
	printf 'base 2000000\ncount 8\n' >"$VPS_INVENTORY/idranges/settings"
	printf 'root:100000:65536\nalice:2100000:65536\n' >"$WORK/subuid"
	# (a private mount namespace shows the test's /etc/subuid to vps only)
	run unshare -m --propagation private sh -c 'mount --bind "$1" /etc/subuid || exit 99
		shift; exec "$@"' sh "$WORK/subuid" "$VPS" --root "$ROOT" bundle "$WORK/e3" --name un-e3
	echo "$output"
	[ "$status" -ne 0 ]
	[[ $output == *"overlaps /etc/subuid line 2 (alice: 2100000-2165535)"* ]]
	[ ! -e "$WORK/e3" ]
	[ "$(ls "$VPS_INVENTORY/idranges" | grep -c '\.range$')" = 1 ]
	# a bundle that fails after its range was taken gives it back
	printf 'base 2000000\ncount 8\n' >"$VPS_INVENTORY/idranges/settings"
	run v bundle "$WORK/e5" --name un-e5 --template "dir:$WORK/no-such-tree"
	[ "$status" -ne 0 ]
	[ ! -e "$WORK/e5" ]
	[ "$(ls "$VPS_INVENTORY/idranges" | grep -c '\.range$')" = 1 ]
	# bad options fail before anything is made
	run v bundle "$WORK/e4" --userns nosuch
	[ "$status" -ne 0 ]
	[[ $output == *"--userns nosuch: expected mapped or host"* ]]
	run v bundle "$WORK/e4" --idmap-base 1000
	[[ $output == *"--idmap-base 1000: host ids below 65536"* ]]
	run v bundle "$WORK/e4" --userns host --idmap-base 3000000
	[[ $output == *"--idmap-base: only for a mapped VPS"* ]]
	[ ! -e "$WORK/e4" ]
}

@test "userns- a filesystem that cannot idmap (ramfs): owners shifted once at bundle time, and it says so" {
	mkdir "$WORK/ram"
	mount -t ramfs ramfs "$WORK/ram"
	run v bundle "$WORK/ram/s1" --name un-s1
	echo "$output"
	[ "$status" -eq 0 ]
	[[ $output == *"cannot be idmapped"*"shifting its owners once to"* ]]
	base=$(base_of "$WORK/ram/s1")
	[ "$(cfg "$WORK/ram/s1" '.annotations["org.vps.rootfs.idmap"]')" = shifted ]
	[ "$(stat -c %u:%g "$WORK/ram/s1/rootfs/etc/shadow")" = "$base:$((base + 42))" ]
	v create --bundle "$WORK/ram/s1" un-s1
	v start un-s1
	[ "$(v exec un-s1 stat -c %u:%g /etc/shadow)" = 0:42 ]
	v useradd un-s1 bob --create-home
	[ "$(v exec un-s1 stat -c %u:%g /home/bob)" = 1000:1000 ]
	[ "$(stat -c %u "$WORK/ram/s1/rootfs/home/bob")" = $((base + 1000)) ]
	v delete --force un-s1
	umount "$WORK/ram"
}

# cve_run MODE: a VPS (--userns MODE) whose /bin/evil is "#!/proc/self/exe"
# (runc's CVE-2019-5736: exec it and the runtime re-executes itself inside),
# an attacker inside that grabs every foreign /proc/PID/exe and writes it once
# it can, 3 execs of /bin/evil through a copy of vps, and a host binary (a
# copy of sleep, uid 0 without capabilities) put into the VPS's pid namespace
# on purpose. Leaves the attacker's log in $WORK/grab-MODE.log.
cve_run() {
	local m=$1 b=$WORK/cve-$1
	v bundle "$b" --name "un-cve-$m" --userns "$m" >/dev/null
	cp "$VPS_TOP/tests/tools/userns_grab.sh" "$b/rootfs/bin/grab"
	printf '#!/proc/self/exe\n' >"$b/rootfs/bin/evil"
	chmod 755 "$b/rootfs/bin/evil" "$b/rootfs/bin/grab"
	cp "$VPS" "$WORK/vps-$m" && cp /bin/sleep "$WORK/sleep-$m"
	v create --bundle "$b" "un-cve-$m"
	v start "un-cve-$m"
	v exec -d "un-cve-$m" /bin/grab /tmp/grab.log 6
	sleep 0.5
	local i
	for i in 1 2 3; do "$WORK/vps-$m" --root "$ROOT" exec "un-cve-$m" /bin/evil || true; done
	nsenter -t "$(initpid "un-cve-$m")" -p -- \
		setpriv --inh-caps -all --bounding-set -all "$WORK/sleep-$m" 1
	sleep 6.5
	v exec "un-cve-$m" cat /tmp/grab.log >"$WORK/grab-$m.log"
	v delete --force "un-cve-$m"
}

@test "userns- CVE-2019-5736 class (overwrite a host binary through /proc/PID/exe), with and without a user namespace" {
	command -v setpriv >/dev/null || skip "setpriv (util-linux) not installed"
	sum() { sha256sum <"$1"; }
	want=$(sum "$VPS")
	sleep_sum=$(sum /bin/sleep)
	cve_run mapped
	cat "$WORK/grab-mapped.log"
	# vps never shows itself, and a mapped root cannot even see a host binary
	[ "$(sum "$WORK/vps-mapped")" = "$want" ]
	[ "$(sum "$WORK/sleep-mapped")" = "$sleep_sum" ]
	! grep -q WROTE "$WORK/grab-mapped.log"
	! grep -q sleep-mapped "$WORK/grab-mapped.log"
	cve_run host
	cat "$WORK/grab-host.log"
	# host root inside: vps's own walls (non-dumpable, /proc/self/exe a sealed
	# memfd) keep the runtime safe, but a host binary put in reach is
	# overwritten: the class is real, and the user namespace is what stops it
	[ "$(sum "$WORK/vps-host")" = "$want" ]
	! grep -q "WROTE.*vps-host" "$WORK/grab-host.log"
	grep -q "WROTE .*sleep-host" "$WORK/grab-host.log"
	[ "$(sum "$WORK/sleep-host")" != "$sleep_sum" ]
}

@test "userns- vps list shows whether each VPS's root is mapped or the host's" {
	v bundle "$WORK/ls1" --name un-ls1 >/dev/null
	v bundle "$WORK/ls2" --name un-ls2 --userns host >/dev/null
	v create --bundle "$WORK/ls1" un-ls1
	v create --bundle "$WORK/ls2" un-ls2
	run v list
	echo "$output"
	# the VPS view (inventory) has ROOT as its 6th column
	[[ ${lines[0]} == NAME*STATE*ROOT* ]]
	[ "$(echo "$output" | awk '$1 == "un-ls1" {print $6}')" = mapped ]
	[ "$(echo "$output" | awk '$1 == "un-ls2" {print $6}')" = host ]
	[ "$(v list --format json | jq -r '.[] | select(.id == "un-ls1") | .root')" = mapped ]
	v delete --force un-ls1
	v delete --force un-ls2
}

@test "userns- createContainer hooks run in a mapped VPS's root (its path is out of the VPS root's reach)" {
	v bundle "$WORK/hk" --name un-hk >/dev/null
	jq_edit "$WORK/hk/config.json" \
		'.hooks.createContainer = [{"path": "/bin/sh", "args": ["sh", "-c", "id -u >hook-ran"]}]'
	v create --bundle "$WORK/hk" un-hk
	# run as the VPS's root, in its rootfs: stored with the owner root has inside
	[ "$(cat "$WORK/hk/rootfs/hook-ran")" = 0 ]
	[ "$(stat -c %u "$WORK/hk/rootfs/hook-ran")" = 0 ]
	v delete --force un-hk
}

@test "userns- create refuses a bad org.vps.rootfs.idmap before anything is made" {
	v bundle "$WORK/bad1" --name un-bad1 >/dev/null
	jq_edit "$WORK/bad1/config.json" '.annotations["org.vps.rootfs.idmap"] = "sometimes"'
	run v create --bundle "$WORK/bad1" un-bad1
	echo "$output"
	[ "$status" -ne 0 ]
	[[ $output == *'vps: create un-bad1: config.json: annotation org.vps.rootfs.idmap "sometimes": expected mount or shifted'* ]]
	[ ! -e "$ROOT/un-bad1" ]
	[ ! -e "/sys/fs/cgroup/pids$(cgrel un-bad1)" ]
	[ ! -e "/sys/fs/cgroup/unified$(cgrel un-bad1)" ]
}
