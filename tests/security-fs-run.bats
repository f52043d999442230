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

setup() { need_vps_run; }

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
