#!/usr/bin/env bats
# Filesystem-escape regressions through `vps run` (see security-fs.bats for the
# same attacks against vps_rootfs_setup directly).
# timeout: 300
load helpers
load rootfs_helpers

setup_file() {
	vps_setup_file
	echo HOST-ONLY >"$WORK/HOST_MARKER"
	echo TOPSECRET >"$WORK/secret"
}
teardown_file() { vps_teardown_file; }

@test "vps run: chroot escape with CAP_SYS_CHROOT does not reach the host" {
	make_rootfs "$WORK/c"
	cp "$VPS_TOP/build/tests/chroot_escape" "$WORK/c/rootfs/bin/"
	jq_edit "$WORK/c/config.json" '.process.capabilities |= with_entries(.value += ["CAP_SYS_CHROOT"]) | .process.noNewPrivileges = false'
	run_in "$WORK/c" sfs-1 /bin/chroot_escape "$WORK/HOST_MARKER"
	[ "$status" -eq 1 ]
	[ "$output" = contained ]
}

@test "vps run: a rootfs symlink aiming a mount at a host path is refused, host untouched" {
	make_rootfs "$WORK/s"
	mkdir -p "$WORK/hostdir"
	ln -s "$WORK/hostdir" "$WORK/s/rootfs/data"
	jq_edit "$WORK/s/config.json" --arg src "$WORK/HOST_MARKER" '.mounts += [{"destination": "/data/sub/f", "type": "bind", "source": $src, "options": ["bind"]}]'
	run_in "$WORK/s" sfs-2 true
	[ "$status" -ne 0 ]
	[[ "$output" == *"dangling symlink"* ]]
	[ -z "$(ls -A "$WORK/hostdir")" ]
}

@test "vps run: a /dev/null swapped for a symlink never covers a masked path" {
	make_rootfs "$WORK/m"
	mkdir -p "$WORK/devdir"
	ln -s "$WORK/secret" "$WORK/devdir/null"
	jq_edit "$WORK/m/config.json" --arg d "$WORK/devdir" '.mounts |= map(select(.destination | startswith("/dev") | not)) | .mounts += [{"destination": "/dev", "type": "bind", "source": $d, "options": ["rbind"]}]'
	run_in "$WORK/m" sfs-3 cat /proc/kcore /proc/keys
	[ "$status" -ne 0 ]
	[[ "$output" != *TOPSECRET* ]]
	[[ "$output" == *"not the null device"* ]]
}

@test "vps run -t: /dev/console planted as a symlink to a host file gets the pty, the host file is untouched" {
	make_rootfs "$WORK/t"
	local d=$WORK/devdir-t
	mkdir -p "$d/pts"
	mknod "$d/null" c 1 3
	ln -s pts/ptmx "$d/ptmx"
	echo HOSTFILE >"$WORK/hostconsole"
	ln -s "$WORK/hostconsole" "$d/console"
	jq_edit "$WORK/t/config.json" --arg d "$d" '.process.terminal = true
		| .mounts |= map(select(.destination | startswith("/dev") | not))
		| .mounts += [{"destination": "/dev", "type": "bind", "source": $d, "options": ["rbind"]},
			{"destination": "/dev/pts", "type": "devpts", "source": "devpts", "options": ["newinstance", "ptmxmode=0666"]}]'
	set_args "$WORK/t" sh -c 'stat -c "console=%t %F" /dev/console; echo "tty=$(readlink /proc/self/fd/0)"'
	"$VPS_TOP/build/tests/recvtty" "$WORK/t.sock" "$WORK/t.out" &
	local rp=$!
	for i in $(seq 50); do [ -S "$WORK/t.sock" ] && break; sleep 0.1; done
	run "$VPS" --root "$ROOT" run -d --console-socket "$WORK/t.sock" --bundle "$WORK/t" sfs-4 </dev/null
	[ "$status" -eq 0 ]
	wait "$rp" || true
	run cat "$WORK/t.out"
	[[ "$output" == *"console=88 character special file"* ]]
	[[ "$output" == *"tty=/dev/pts/"* ]]
	[ "$(cat "$WORK/hostconsole")" = HOSTFILE ]
	[ ! -L "$WORK/hostconsole" ]
	"$VPS" --root "$ROOT" delete --force sfs-4 >/dev/null 2>&1 || true
}

# `vps create` with a /proc symlink in the rootfs: a clear error and nothing
# left (no state, no cgroup, no process). Fails on a build that follows it.
@test "vps create: a rootfs whose /proc is a symlink is refused, nothing left" {
	make_rootfs "$WORK/p"
	mkdir -p "$WORK/p/rootfs/inproc"
	rmdir "$WORK/p/rootfs/proc"
	ln -s /inproc "$WORK/p/rootfs/proc"
	# stdio on a file: a build that creates it leaves an init holding it
	local st=0
	"$VPS" --root "$ROOT" create --bundle "$WORK/p" sfs-proc </dev/null >"$WORK/p.out" 2>&1 || st=$?
	cat "$WORK/p.out"
	[ "$st" -ne 0 ]
	grep -q "/proc in the rootfs is or passes through a symlink" "$WORK/p.out"
	[ ! -e "$ROOT/sfs-proc" ]
	[ -z "$("$VPS" --root "$ROOT" list -q)" ]
	[ -z "$(ls -A "$WORK/p/rootfs/inproc")" ]
}
