#!/usr/bin/env bats
# timeout: 600
# --vm: the same OCI bundle in a QEMU microVM (TCG on this machine: each boot
# costs seconds, so the tests are few and each checks several things).
load helpers
bats_require_minimum_version 1.5.0

setup_file() {
	vps_setup_file
	# VMs start from a snapshot by default: the cache is this file's own
	export VPS_VM_SNAPSHOTS=$WORK/snap
	make_busybox_bundle "$WORK/b"
	# boot once up front so the one-time accelerator probe and the extraction of
	# the guest kernel do not count against any single test
	set_args "$WORK/b" /bin/true
	(cd "$WORK/b" && "$VPS" --root "$ROOT" run --vm vm-warmup) >"$WORK/warmup.log" 2>&1 || true
}
teardown_file() { vps_teardown_file; }

# SIGTERM to our background job PID, then its exit status (fails after 60 s: LABEL named)
term_and_wait() {
	kill -TERM "$1"
	for _ in $(seq 300); do kill -0 "$1" 2>/dev/null || break; sleep 0.2; done
	if kill -9 "$1" 2>/dev/null; then
		echo "$2 still running 60 s after SIGTERM"
		return 255
	fi
	wait "$1"
}

@test "vm-run: output and exit status come back (3, then 137 for SIGKILL)" {
	set_args "$WORK/b" /bin/sh -c 'echo out; echo err >&2; exit 3'
	run --separate-stderr v run --vm -b "$WORK/b" vm-run1
	echo "status=$status output=$output stderr=$stderr"
	[ "$status" -eq 3 ]
	[ "$output" = out ]
	[[ "$stderr" == *err* ]]
	[ ! -e "$ROOT/vm-run1" ] # run deleted it
	# without a pid namespace the process is not a namespace's init, which
	# ignores its own SIGKILL (as in container mode)
	cp "$WORK/b/config.json" "$WORK/config.keep"
	jq_edit "$WORK/b/config.json" '.linux.namespaces |= map(select(.type != "pid"))'
	set_args "$WORK/b" /bin/sh -c 'read line; echo "got $line"; kill -9 $$'
	run --separate-stderr v run --vm -b "$WORK/b" vm-run2 <<<"stdin-line"
	mv "$WORK/config.keep" "$WORK/b/config.json"
	[ "$status" -eq 137 ]
	[ "$output" = "got stdin-line" ]
	# QEMU itself killed from outside: 137 too, and vps says it was not the guest
	set_args "$WORK/b" /bin/sh -c 'echo up; sleep 120'
	v run --vm -b "$WORK/b" vm-run3 >"$WORK/run3.out" 2>"$WORK/run3.err" </dev/null &
	local bg=$! st=0 pid=""
	for _ in $(seq 150); do grep -q up "$WORK/run3.out" && break; sleep 0.2; done
	pid=$(v state vm-run3 | jq -r .pid)
	[[ "$(cat /proc/$pid/comm)" == qemu* ]]
	kill -KILL "$pid"
	wait "$bg" || st=$?
	cat "$WORK/run3.err"
	[ "$st" -eq 137 ]
	grep -q "vm: QEMU was killed by signal 9 (Killed); the guest reported no exit status" "$WORK/run3.err"
}

@test "vm-guest: own kernel, own memory size, no host process visible (annotation, no --vm)" {
	jq_edit "$WORK/b/config.json" '.annotations["org.vps.isolation"] = "vm" | .linux.resources.memory.limit = 314572800'
	set_args "$WORK/b" /bin/sh -c 'uname -r; grep MemTotal /proc/meminfo; ps -o args | grep -c "[v]m-guest-marker"; ps -o pid | wc -l'
	(exec -a vm-guest-marker sleep 300) >/dev/null 2>&1 &
	local marker=$!
	run --separate-stderr v run -b "$WORK/b" vm-guest
	kill $marker
	jq_edit "$WORK/b/config.json" 'del(.annotations["org.vps.isolation"]) | del(.linux.resources.memory)'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" != "$(uname -r)" ]
	local want
	want=$("$VPS" --root "$ROOT" --version | sed -n 's/^vm: kernel \([^ ]*\) .*/\1/p')
	[ -n "$want" ]
	[ "${lines[0]}" = "$want" ]
	local kb
	kb=$(echo "${lines[1]}" | awk '{print $2}')
	echo "MemTotal $kb kB for 300 MiB (the guest gets 300 - 128 for QEMU under TCG)"
	[ "$kb" -gt $((120 * 1024)) ] && [ "$kb" -le $((172 * 1024)) ]
	[ "${lines[2]}" = 0 ]
	[ "${lines[3]}" -lt 100 ]
}

@test "vm-lifecycle: create, state, exec, start, kill, delete" {
	set_args "$WORK/b" /bin/sh -c 'echo started >/tmp/started; sleep 600'
	v create --vm -b "$WORK/b" vm-life >"$WORK/create.out" 2>"$WORK/create.err" || { cat "$WORK/create.err"; false; }
	run v state vm-life
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | jq -r .status)" = created ]
	local pid
	pid=$(echo "$output" | jq -r .pid)
	[[ "$(cat /proc/$pid/comm)" == qemu* ]]
	[ "$(jq -r .extra.vm.start "$ROOT/vm-life/state.json")" = snapshot ] # the default
	run --separate-stderr v exec vm-life /bin/sh -c 'echo exec-out; hostname; exit 5'
	[ "$status" -eq 5 ]
	[ "${lines[0]}" = exec-out ]
	v start vm-life
	[ "$(v state vm-life | jq -r .status)" = running ]
	run v exec vm-life /bin/sh -c 'for i in 1 2 3 4 5 6 7 8 9 10; do [ -e /tmp/started ] && break; sleep 0.2; done; cat /tmp/started'
	[ "$output" = started ]
	v kill vm-life KILL || { cat "$WORK/create.out" "$WORK/create.err" "$ROOT/vm-life/vm-console.log"; false; }
	for _ in $(seq 50); do [ "$(v state vm-life | jq -r .status)" = stopped ] && break; sleep 0.2; done
	[ "$(v state vm-life | jq -r .status)" = stopped ]
	v delete vm-life
	[ ! -e "$ROOT/vm-life" ]
	! kill -0 "$pid" 2>/dev/null
	# run -d from the snapshot: running at once, exec, kill TERM, state, delete
	v run -d --vm -b "$WORK/b" vm-rund >"$WORK/rund.out" 2>"$WORK/rund.err" </dev/null || { cat "$WORK/rund.err"; false; }
	[ "$(jq -r .extra.vm.start "$ROOT/vm-rund/state.json")" = snapshot ]
	[ "$(v state vm-rund | jq -r .status)" = running ]
	pid=$(v state vm-rund | jq -r .pid)
	run v exec vm-rund /bin/sh -c 'for i in $(seq 25); do [ -e /tmp/started ] && break; sleep 0.2; done; cat /tmp/started'
	[ "$output" = started ]
	v kill vm-rund KILL # sh is the pid namespace's init: TERM would be ignored
	for _ in $(seq 50); do [ "$(v state vm-rund | jq -r .status)" = stopped ] && break; sleep 0.2; done
	[ "$(v state vm-rund | jq -r .status)" = stopped ]
	v delete vm-rund
	[ ! -e "$ROOT/vm-rund" ]
	! kill -0 "$pid" 2>/dev/null
}

# A signal that ends the main process at once (no pid namespace: sleep dies of
# TERM) races the agent's answer with the VM's power-off; a kill right after
# start may reach the process before its exec. Both must be answered and act.
@test "vm-kill: a kill that ends the main process at once is answered and acts, also right after start" {
	cp -a "$WORK/b" "$WORK/bk"
	jq_edit "$WORK/bk/config.json" '.linux.namespaces |= map(select(.type != "pid"))'
	set_args "$WORK/bk" /bin/sleep 600
	local i st
	for i in 1 2 3; do
		v run -d --vm -b "$WORK/bk" vm-kill$i </dev/null >/dev/null 2>"$WORK/kill.err" || { cat "$WORK/kill.err"; false; }
		run v kill vm-kill$i TERM
		echo "round $i: status=$status output=$output"
		[ "$status" -eq 0 ]
		for _ in $(seq 150); do
			st=$(v state vm-kill$i | jq -r .status)
			[ "$st" = stopped ] && break
			sleep 0.2
		done
		echo "state $st, vm-exit: $(cat "$ROOT/vm-kill$i/vm-exit")"
		[ "$st" = stopped ]
		[ "$(cat "$ROOT/vm-kill$i/vm-exit")" = "exit 143" ]
		v delete vm-kill$i
	done
	rm -rf "$WORK/bk"
}

@test "vm-tty: run -t gives the process a terminal, and our terminal's resizes" {
	command -v script >/dev/null || skip "script(1) (bsdutils) is needed to provide a pty"
	jq_edit "$WORK/b/config.json" '.process.terminal = true'
	set_args "$WORK/b" /bin/sh -c 'tty; test -t 0 && echo is-a-tty; exit 4'
	run bash -c "(sleep 8) | script -qec '$VPS --root $ROOT run --vm -b $WORK/b vm-tty' $WORK/ty.log >/dev/null"
	jq_edit "$WORK/b/config.json" '.process.terminal = false'
	[ "$status" -eq 4 ]
	grep -q '/dev/pts/0' "$WORK/ty.log"
	grep -q 'is-a-tty' "$WORK/ty.log"
	# a resize of our terminal (SIGWINCH) reaches the guest process's terminal
	rm -f "$WORK/b/rootfs/tmp/vmrsz"
	jq_edit "$WORK/b/config.json" '.process.terminal = true'
	set_args "$WORK/b" /bin/sh -c "$WINCH_SH" vmrsz
	run resize_in_pty "$WORK/rsz.out" "$VPS --root $ROOT run --vm -b $WORK/b vm-rsz" "$WORK/b/rootfs/tmp/vmrsz"
	jq_edit "$WORK/b/config.json" '.process.terminal = false'
	[[ "$output" == *"41 101"* ]]
	[[ "$output" == *rc=7* ]]
}

@test "vm-signals: a foreground run --vm forwards SIGTERM to the guest process; exec relays stdin to EOF, forwards SIGTERM and passes a resize on (-t, SIGWINCH)" {
	command -v script >/dev/null || skip "script(1) (bsdutils) is needed to provide a pty"
	rm -f "$WORK/b/rootfs/tmp/vmready"
	set_args "$WORK/b" /bin/sh -c 'trap "echo got-term; exit 42" TERM; echo up; while :; do sleep 0.1; done'
	"$VPS" --root "$ROOT" run --vm -b "$WORK/b" vm-sig >"$WORK/sig.out" 2>"$WORK/sig.err" </dev/null &
	local bg=$! st=0
	for _ in $(seq 300); do grep -q up "$WORK/sig.out" && break; sleep 0.2; done
	grep -q up "$WORK/sig.out" || { cat "$WORK/sig.err"; false; }
	run resize_in_pty "$WORK/sigx.out" "$VPS --root $ROOT exec -t vm-sig /bin/sh -c '$WINCH_SH' vmready" "$WORK/b/rootfs/tmp/vmready"
	[[ "$output" == *"41 101"* ]]
	[[ "$output" == *rc=7* ]]
	# exec's stdin is relayed until its EOF, which reaches the guest process
	run --separate-stderr v exec vm-sig /bin/sh -c 'cat; echo after-eof' <<<"exec-stdin"
	[ "$status" -eq 0 ]
	[ "$output" = "exec-stdin
after-eof" ]
	# a signal to `vps exec` goes on to its process in the guest, as in container mode
	rm -f "$WORK/b/rootfs/tmp/xready"
	"$VPS" --root "$ROOT" exec vm-sig /bin/sh -c 'trap "echo exec-got-term; exit 43" TERM; touch /tmp/xready; while :; do sleep 0.1; done' >"$WORK/xsig.out" 2>&1 </dev/null &
	local xb=$! xst=0
	for _ in $(seq 300); do [ -e "$WORK/b/rootfs/tmp/xready" ] && break; sleep 0.2; done
	[ -e "$WORK/b/rootfs/tmp/xready" ] || { cat "$WORK/xsig.out"; false; }
	term_and_wait "$xb" exec || xst=$?
	cat "$WORK/xsig.out"
	[ "$xst" -eq 43 ]
	grep -q exec-got-term "$WORK/xsig.out"
	term_and_wait "$bg" "run --vm" || st=$?
	cat "$WORK/sig.err"
	[ "$st" -eq 42 ]
	grep -q got-term "$WORK/sig.out"
	[ ! -e "$ROOT/vm-sig" ]
}

@test "vm-symlinks: nothing is written through symlinks in the rootfs; a symlinked root.path is refused" {
	mkdir -p "$WORK/host"
	echo host-original >"$WORK/host/target"
	local r=$WORK/b/rootfs
	for p in init vps.conf newroot vm-initramfs; do ln -sfn "$WORK/host/target" "$r/$p"; done
	ln -sfn "$WORK/host/target" "$r/etc/hostname"
	set_args "$WORK/b" /bin/sh -c 'echo guest-wrote >/etc/hostname; cat /init 2>&1; exit 0'
	run --separate-stderr v run --vm -b "$WORK/b" vm-sym1
	echo "status=$status output=$output stderr=$stderr"
	for p in init vps.conf newroot vm-initramfs etc/hostname; do rm -f "$r/$p"; done
	[ "$status" -eq 0 ]
	[ "$(cat "$WORK/host/target")" = host-original ]
	[[ "$output" != *host-original* ]] # the guest resolved /init inside its own tree
	# a bundle whose root.path is a symlink to elsewhere is refused, nothing left behind
	ln -s "$r" "$WORK/b/rootlink"
	jq_edit "$WORK/b/config.json" '.root.path = "rootlink"'
	run v run --vm -b "$WORK/b" vm-sym2
	jq_edit "$WORK/b/config.json" '.root.path = "rootfs"'
	rm "$WORK/b/rootlink"
	[ "$status" -ne 0 ]
	[[ "$output" == *"root.path"*"symlink"* ]]
	[ ! -e "$ROOT/vm-sym2" ]
}

@test "vm-host-safe: nothing the guest writes is setuid, setgid, a device or a capability on the host; QEMU runs confined" {
	local r=$WORK/b/rootfs
	touch "$WORK/marker"
	set_args "$WORK/b" /bin/sh -c 'cp /bin/busybox /suid; chown 0:0 /suid; chmod 4755 /suid; echo "chmod-suid=$?"
		cp /bin/busybox /sgid; chown 0:6 /sgid; chmod 2755 /sgid; echo "chmod-sgid=$?"
		install -m 4755 /bin/busybox /suid2; mknod /cdev c 1 3; mknod /bdev b 7 0
		echo "guest-root=$(id -u)"; exit 0'
	run --separate-stderr v run --vm -b "$WORK/b" vm-safe1
	echo "status=$status output=$output stderr=$stderr"
	local bad
	bad=$(find "$r" -xdev -newer "$WORK/marker" ! -type d \( -perm /6000 -o -type b -o -type c \))
	getcap -r "$r" 2>/dev/null | tee "$WORK/caps"
	rm -f "$r/suid" "$r/sgid" "$r/suid2" "$r/cdev" "$r/bdev"
	[ "$status" -eq 0 ]
	[[ "$output" == *guest-root=0* ]]
	[[ "$output" == *chmod-suid=1* ]] # the guest is told no
	[ -z "$bad" ] || { echo "set-id or device files on the host: $bad"; false; }
	[ ! -s "$WORK/caps" ]
	# QEMU itself: no new privileges, seccomp, and a bounding set without
	# CAP_SYS_ADMIN, CAP_MKNOD, CAP_FSETID, CAP_SETUID, CAP_SETGID or CAP_SETFCAP
	set_args "$WORK/b" /bin/sleep 60
	v create --vm -b "$WORK/b" vm-safe2
	local pid bnd nnp sec
	pid=$(v state vm-safe2 | jq -r .pid)
	grep -E '^(NoNewPrivs|Seccomp|CapBnd):' /proc/$pid/status
	nnp=$(awk '/^NoNewPrivs:/ {print $2}' /proc/$pid/status)
	sec=$(awk '/^Seccomp:/ {print $2}' /proc/$pid/status)
	bnd=$((16#$(awk '/^CapBnd:/ {print $2}' /proc/$pid/status)))
	v delete --force vm-safe2
	[ "$nnp" = 1 ] && [ "$sec" = 2 ]
	for c in 21 27 4 7 6 31; do
		[ $(((bnd >> c) & 1)) -eq 0 ]
	done
}

@test "vm-template: a busybox template bundle boots as a VM (its init is PID 1 of the container's view)" {
	"$VPS" bundle "$WORK/tb" --template busybox --vm --memory 256M >/dev/null
	v create -b "$WORK/tb" vm-tmpl
	v start vm-tmpl
	local out=""
	for _ in $(seq 50); do
		out=$(v exec vm-tmpl ps -o pid,comm 2>&1) && [[ "$out" == *httpd* ]] && break
		sleep 0.2
	done
	echo "$out"
	[ "$(v state vm-tmpl | jq -r .status)" = running ]
	[[ "$(echo "$out" | awk '$1 == 1 {print $2}')" == init ]]
	[[ "$out" != *vps-init* ]] # the guest's own PID 1 is not in the container's view
	echo 'tmpl-pw-1' | v passwd vm-tmpl --stdin
	run v exec vm-tmpl grep -c '^root:\$' /etc/shadow
	[ "$output" = 1 ]
	v kill vm-tmpl USR2 # busybox init: poweroff
	for _ in $(seq 100); do [ "$(v state vm-tmpl | jq -r .status)" = stopped ] && break; sleep 0.2; done
	[ "$(v state vm-tmpl | jq -r .status)" = stopped ]
	v delete vm-tmpl
}

@test "vm-memory: a limit too small for QEMU plus the guest is refused up front; an OOM kill is named" {
	jq_edit "$WORK/b/config.json" '.linux.resources.memory.limit = 134217728'
	run v create --vm -b "$WORK/b" vm-mem1
	echo "$output"
	[ "$status" -ne 0 ]
	[[ "$output" == *"memory limit 128M is too small for a VM"*"use at least "*M* ]]
	[ ! -e "$ROOT/vm-mem1" ]
	# with the overhead estimate forced to 0, QEMU outgrows a 96M limit while
	# booting cold (a restored VM touches less: not reliably over the limit)
	jq_edit "$WORK/b/config.json" '.linux.resources.memory.limit = 100663296'
	VPS_VM_OVERHEAD_MIB=0 run v create --vm-cold -b "$WORK/b" vm-mem2
	jq_edit "$WORK/b/config.json" 'del(.linux.resources.memory.limit)'
	echo "$output"
	[ "$status" -ne 0 ]
	[[ "$output" == *"vps: create vm-mem2: the VM was killed by the OOM killer (memory limit 96M; the guest needs at least "*M* ]]
	[[ "$output" != *"booting without the snapshot"* ]]
	[ ! -e "$ROOT/vm-mem2" ]
}

@test "vm-passwd: vps passwd on a VM bundle sets the password the guest sees" {
	echo 'root:*:19000:0:99999:7:::' >"$WORK/b/rootfs/etc/shadow"
	echo 'vm-secret-1' | v passwd --bundle "$WORK/b" --stdin
	local host
	host=$(grep '^root:' "$WORK/b/rootfs/etc/shadow")
	[[ "$host" == 'root:$'* ]]
	set_args "$WORK/b" /bin/sh -c 'grep "^root:" /etc/shadow'
	run --separate-stderr v run --vm -b "$WORK/b" vm-passwd
	echo "status=$status output=$output stderr=$stderr"
	rm -f "$WORK/b/rootfs/etc/shadow"
	[ "$status" -eq 0 ]
	[ "$output" = "$host" ]
}

# The 9p root has read-ahead for page faults (exec reads a binary in a few
# round trips, not one per 4 KiB page) and no cache: what the host changes while
# the VM runs (vps passwd, useradd, a replaced binary) is what the guest reads
# and runs next.
@test "vm-host-edits: files and binaries the host changes under a running VM are seen by the next read and exec; the 9p root has read-ahead" {
	set_args "$WORK/b" /bin/sleep 600
	v run -d --vm -b "$WORK/b" vm-edits >"$WORK/edits.out" 2>"$WORK/edits.err" </dev/null || { cat "$WORK/edits.err"; false; }
	run v exec vm-edits /bin/sh -c 'cat /sys/class/bdi/9p-*/read_ahead_kb'
	[ "$output" = 512 ]
	local r=$WORK/b/rootfs
	echo one >"$r/etc/motd"
	cp /bin/busybox "$r/usr/bin/busybox" # busybox runs the applet named by argv[0]
	[ "$(v exec vm-edits /bin/sh -c 'cat /etc/motd; /usr/bin/busybox echo prog-busybox')" = "one
prog-busybox" ]
	# edited in place (same inode) and replaced (a new one)
	echo two >"$r/etc/motd"
	printf '#!/bin/sh\necho prog-script\n' >"$r/usr/bin/busybox"
	[ "$(v exec vm-edits /bin/sh -c 'cat /etc/motd; /usr/bin/busybox')" = "two
prog-script" ]
	echo three >"$r/etc/motd.new" && mv "$r/etc/motd.new" "$r/etc/motd"
	cp /bin/busybox "$r/usr/bin/bb.new" && mv "$r/usr/bin/bb.new" "$r/usr/bin/busybox"
	[ "$(v exec vm-edits /bin/sh -c 'cat /etc/motd; /usr/bin/busybox echo prog-again')" = "three
prog-again" ]
	v kill vm-edits KILL
	v delete --force vm-edits
	rm -f "$r/etc/motd" "$r/usr/bin/busybox"
}

@test "vm-errors: a detached VM with a terminal is refused, nothing left behind" {
	jq_edit "$WORK/b/config.json" '.process.terminal = true'
	run v create --vm -b "$WORK/b" vm-err1
	jq_edit "$WORK/b/config.json" '.process.terminal = false'
	[ "$status" -eq 1 ]
	[[ "$output" == *"vps: create vm-err1: vm: process.terminal needs"* ]]
	[ ! -e "$ROOT/vm-err1" ]
	run v --version
	[[ "$output" == *"vm: kernel "*", accelerator tcg"* || "$output" == *"accelerator kvm"* ]]
	run v features
	[[ "$(echo "$output" | jq -r '.annotations["org.vps.vm"]')" == "kernel "* ]]
}

@test "vm-disk: a disk VPS boots on its image over virtio-blk; df, ENOSPC, data kept; no 9p share; in use refused" {
	"$VPS" bundle "$WORK/vd" --name vd --memory 256M --disk 64M >/dev/null
	jq_edit "$WORK/vd/config.json" '.process.terminal = false'
	set_args "$WORK/vd" /bin/sh -c 'df -k / | tail -1; grep " / " /proc/mounts; dd if=/dev/zero of=/big bs=1M count=100 2>&1 | grep -q "No space left" && echo ENOSPC; rm /big; echo vm >/keepvm'
	run --separate-stderr v run --vm -b "$WORK/vd" vd1
	echo "status=$status output=$output stderr=$stderr"
	[ "$status" -eq 0 ]
	size=$(echo "${lines[0]}" | awk '{print $2}')
	[ "$size" -le 65536 ] && [ "$size" -ge $((65536 * 85 / 100)) ]
	[[ ${lines[1]} == "/dev/vda / ext4 "* ]]
	[ "${lines[2]}" = ENOSPC ]
	debugfs -R 'cat /keepvm' "$WORK/vd/disk.img" 2>/dev/null | grep -qx vm
	[ -z "$(ls -A "$WORK/vd/rootfs")" ]
	# a running VM holds the image: a container of it is refused
	set_args "$WORK/vd" /bin/sleep 300
	v create --vm -b "$WORK/vd" vd2
	pid=$(v state vd2 | jq .pid)
	! grep -q 'virtio-9p\|fsdev' /proc/$pid/cmdline
	run v create -b "$WORK/vd" vd3
	[ "$status" -ne 0 ]
	[[ $output == *"in use"* ]]
	v delete --force vd2
}

# VM templating (the default): the first start of a machine shape saves the VM
# at the guest's wait point, later ones restore it. Each test has a cache dir
# of its own, so "built now" does not depend on the order of tests.
snap_args() {
	set_args "$WORK/b" /bin/sh -c 'cat /proc/sys/kernel/random/boot_id; head -c 16 /dev/urandom | od -An -tx1 | tr -d " \n"; echo; exit 5'
}
snap_count() { ls -d "$VPS_VM_SNAPSHOTS"/* 2>/dev/null | wc -l; }

@test "vm-snapshot: built on the first start, restored on the next; clones differ in boot_id and random bytes; --vm-cold and annotation off boot fresh" {
	export VPS_VM_SNAPSHOTS=$WORK/snap-a
	snap_args
	run --separate-stderr v --debug run --vm -b "$WORK/b" vm-snap1
	echo "status=$status output=$output stderr=$stderr"
	[ "$status" -eq 5 ]
	[[ "$stderr" == *"start from snapshot $WORK/snap-a/"*" (built now): ok"* ]]
	local dir
	dir=$(ls -d "$WORK"/snap-a/*)
	[ "$(snap_count)" -eq 1 ]
	[ -s "$dir/state" ] && [ -s "$dir/ram" ] && [ -s "$dir/vm-initramfs" ]
	[ ! -e "$dir/vm-ctl.sock" ] && [ ! -e "$dir/share" ]
	[ -z "$(ls -A "$WORK/snap-a" | grep build)" ] # no temp dir left
	local a1=${lines[0]} r1=${lines[1]}
	run --separate-stderr v --debug run --vm -b "$WORK/b" vm-snap2
	echo "status=$status output=$output stderr=$stderr"
	[ "$status" -eq 5 ]
	[[ "$stderr" == *"start from snapshot $dir: ok"* ]]
	[[ "$stderr" != *"built now"* ]]
	[[ "${lines[0]}" =~ ^[0-9a-f-]{36}$ ]] && [ ${#lines[1]} -eq 32 ]
	[ "${lines[0]}" != "$a1" ] && [ "${lines[1]}" != "$r1" ]
	# two running at once from the one snapshot differ too
	set_args "$WORK/b" /bin/sleep 300
	v run -d --vm -b "$WORK/b" vm-iso1 </dev/null >"$WORK/iso1.out" 2>&1 &
	v run -d --vm -b "$WORK/b" vm-iso2 </dev/null >"$WORK/iso2.out" 2>&1
	wait
	local b1 b2 rnd='cat /proc/sys/kernel/random/boot_id; head -c 16 /dev/urandom | od -An -tx1'
	b1=$(v exec vm-iso1 /bin/sh -c "$rnd")
	b2=$(v exec vm-iso2 /bin/sh -c "$rnd")
	v delete --force vm-iso1
	v delete --force vm-iso2
	snap_args
	echo "$b1 / $b2"
	[[ "$b1" =~ ^[0-9a-f-]{36} ]] && [ "$(head -1 <<<"$b1")" != "$(head -1 <<<"$b2")" ]
	[ "$(tail -1 <<<"$b1")" != "$(tail -1 <<<"$b2")" ]
	run --separate-stderr v --debug run --vm-cold -b "$WORK/b" vm-snap4
	[ "$status" -eq 5 ]
	[[ "$stderr" != *"from snapshot"* ]]
	jq_edit "$WORK/b/config.json" '.annotations["org.vps.vm.snapshot"] = "off"'
	run --separate-stderr v --debug run --vm -b "$WORK/b" vm-snap5
	jq_edit "$WORK/b/config.json" 'del(.annotations["org.vps.vm.snapshot"])'
	[ "$status" -eq 5 ]
	[[ "$stderr" != *"from snapshot"* ]]
	[ "$(snap_count)" -eq 1 ]
}

@test "vm-snapshot: a changed shape, kernel or QEMU gets a snapshot of its own; a corrupt one falls back to a cold boot with one notice and is dropped" {
	export VPS_VM_SNAPSHOTS=$WORK/snap-b
	snap_args
	run --separate-stderr v run --vm -b "$WORK/b" vm-snap5
	[ "$status" -eq 5 ]
	local first
	first=$(ls -d "$WORK"/snap-b/*)
	jq_edit "$WORK/b/config.json" '.linux.resources.memory.limit = 314572800'
	run --separate-stderr v --debug run --vm -b "$WORK/b" vm-snap6
	jq_edit "$WORK/b/config.json" 'del(.linux.resources.memory)'
	echo "status=$status stderr=$stderr"
	[ "$status" -eq 5 ]
	[[ "$stderr" == *"(built now): ok"* ]]
	[ "$(snap_count)" -eq 2 ]
	# another kernel file (a copy in another kernel cache: another file) and
	# another QEMU (a wrapper script)
	local k
	k=$("$VPS" --root "$ROOT" --version | sed -n 's/^vm: kernel [^(]*([^,]*, \([^,)]*\)[,)].*/\1/p')
	[ -f "$k" ]
	mkdir -p "$WORK/kc"
	cp "$k" "$WORK/kc/"
	[ ! -e "$k.release" ] || cp "$k.release" "$WORK/kc/"
	VPS_VM_CACHE=$WORK/kc run --separate-stderr v --debug run --vm -b "$WORK/b" vm-snap7
	rm -rf "$WORK/kc"
	echo "status=$status stderr=$stderr"
	[ "$status" -eq 5 ]
	[[ "$stderr" == *"(built now): ok"* ]]
	[ "$(snap_count)" -eq 3 ]
	printf '#!/bin/sh\nexec qemu-system-x86_64 "$@"\n' >"$WORK/qemu-wrap"
	chmod +x "$WORK/qemu-wrap"
	VPS_QEMU=$WORK/qemu-wrap run --separate-stderr v --debug run --vm -b "$WORK/b" vm-snap8
	[ "$status" -eq 5 ]
	[[ "$stderr" == *"(built now): ok"* ]]
	[ "$(snap_count)" -eq 4 ]
	# the first one restores again, untouched by the others
	run --separate-stderr v --debug run --vm -b "$WORK/b" vm-snap9
	[ "$status" -eq 5 ]
	[[ "$stderr" == *"start from snapshot $first: ok"* ]]
	head -c 4096 /dev/urandom >"$first/state"
	SECONDS=0
	run --separate-stderr timeout 120 "$VPS" --root "$ROOT" run --vm -b "$WORK/b" vm-snap10
	echo "status=$status output=$output stderr=$stderr after ${SECONDS}s"
	[ "$status" -eq 5 ]
	[[ "${lines[0]}" =~ ^[0-9a-f-]{36}$ ]]
	[ "$(grep -c 'booting without the snapshot' <<<"$stderr")" -eq 1 ]
	[ "$(wc -l <<<"$stderr")" -eq 1 ] # QEMU's own complaint is in that line, not apart
	[[ "$stderr" == *"booting without the snapshot"* ]]
	[ ! -e "$first" ]
	[ "$(snap_count)" -eq 3 ]
}

@test "vm-clock: a VM started from a snapshot has the host's wall clock, not the snapshot's" {
	# the file's own snapshot was built by setup_file's warm-up: make sure it is
	# at least 20 s old, so a guest clock left at the snapshot's time shows
	local state age
	state=$(ls "$VPS_VM_SNAPSHOTS"/*/state | head -1)
	age=$(($(date +%s) - $(stat -c %Y "$state")))
	[ "$age" -ge 20 ] || sleep $((20 - age))
	set_args "$WORK/b" /bin/date +%s
	run --separate-stderr v --debug run --vm -b "$WORK/b" vm-clock
	echo "status=$status output=$output stderr=$stderr"
	[ "$status" -eq 0 ]
	[[ "$stderr" == *"start from snapshot"*": ok"* ]]
	local host
	host=$(date +%s)
	# within 5 s of ours (the guest read it a moment before we did)
	[ "$output" -le "$host" ] && [ "$output" -ge $((host - 5)) ]
}
