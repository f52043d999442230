#!/usr/bin/env bats
# The dir backend of a VPS's disk (issue 18): `vps bundle --disk SIZE
# --disk-backend dir` keeps the rootfs a directory and makes it the root of an
# XFS or ext4 project quota. Where the host filesystem (or kernel) cannot, it is
# refused with the reason and leaves nothing. Where it can (a loop-mounted XFS
# and ext4 with prjquota, made here), df inside shows the quota, a write past it
# fails inside, vps set --disk changes it live, list/stats show the use, destroy
# frees the project.
load helpers

setup_file() {
	vps_setup_file
	command -v mkfs.xfs >/dev/null && command -v mkfs.ext4 >/dev/null || {
		echo "xfsprogs/e2fsprogs missing (make deps installs them)" >&2
		return 1
	}
}
teardown_file() { vps_teardown_file; }

# quota_fs TYPE DIR: a 320M (sparse) loop-mounted TYPE (xfs|ext4) with project quotas
# at DIR; fails (the mount's error on stderr) when the kernel cannot.
quota_fs() {
	local type=$1 dir=$2
	truncate -s 320M "$dir.img"
	if [ "$type" = xfs ]; then mkfs.xfs -q "$dir.img"; else mkfs.ext4 -q -O quota,project "$dir.img"; fi
	mkdir -p "$dir"
	mount -t "$type" -o loop,prjquota "$dir.img" "$dir"
}
# no_quota_reason: why this kernel cannot (for a skip), from the kernel log
no_quota_reason() { dmesg 2>/dev/null | grep -iE 'quota' | tail -1; }

gone() { # NAME DIR: no bundle, no record
	[ ! -e "$2" ]
	run "$VPS" list --json
	[ "$(jq -r --arg n "$1" '[.[] | select(.name == $n)] | length' <<<"$output")" = 0 ]
}

@test "--disk-backend dir where the filesystem has no project quotas: refused with the reason, nothing left" {
	mkdir -p "$WORK/tmpfs"
	mount -t tmpfs -o size=64M tmpfs "$WORK/tmpfs"
	run "$VPS" bundle "$WORK/tmpfs/b" --name dd1 --disk 64M --disk-backend dir
	umount "$WORK/tmpfs"
	echo "$output"
	[ "$status" -eq 1 ]
	[[ $output == "vps: bundle $WORK/tmpfs/b: --disk-backend dir: $WORK/tmpfs/b/rootfs is not on XFS or ext4"*"use the image backend" ]]
	gone dd1 "$WORK/tmpfs/b"
	# XFS without prjquota: quotas off (or not in this kernel at all)
	truncate -s 320M "$WORK/plain.img"
	mkfs.xfs -q "$WORK/plain.img"
	mkdir -p "$WORK/plain"
	mount -t xfs -o loop "$WORK/plain.img" "$WORK/plain"
	run "$VPS" bundle "$WORK/plain/b" --name dd2 --disk 64M --disk-backend dir
	echo "$output"
	[ "$status" -eq 1 ]
	[[ $output == *"--disk-backend dir: $WORK/plain/b/rootfs: "*"quota"*"use the image backend" ]]
	[ -z "$(ls -A "$WORK/plain")" ]
	umount "$WORK/plain"
	rm "$WORK/plain.img"
	gone dd2 "$WORK/plain/b"
}

@test "--disk-backend: bad values are usage errors" {
	run "$VPS" bundle "$WORK/dd3" --disk-backend dir
	[ "$status" -eq 2 ]
	[[ $output == *"--disk-backend dir: give the size with --disk SIZE"* ]]
	run "$VPS" bundle "$WORK/dd3" --disk 64M --disk-backend zfs
	[ "$status" -ne 0 ]
	[[ $output == *'--disk-backend "zfs": expected image or dir'* ]]
	[ ! -e "$WORK/dd3" ]
}

# dir_backend TYPE: the whole life of a dir-backend VPS on a TYPE filesystem
dir_backend() {
	local type=$1 fs=$WORK/q-$1 name=dq-$1
	quota_fs "$type" "$fs" || skip "this kernel mounts no $type with prjquota: $(no_quota_reason)"
	# --userns host: the quota guest runs this in a chroot (CLONE_NEWUSER is EPERM)
	"$VPS" bundle "$fs/b" --name "$name" --disk 64M --disk-backend dir --userns host >/dev/null
	[ ! -e "$fs/b/disk.img" ]
	[ -x "$fs/b/rootfs/bin/busybox" ]
	proj=$(jq -r '.annotations["org.vps.disk.project"]' "$fs/b/config.json")
	[ "$proj" -gt 0 ]
	[ "$(jq -r '.annotations["org.vps.disk"]' "$fs/b/config.json")" = null ]
	jq_edit "$fs/b/config.json" '.process.terminal = false | .process.args = ["/bin/sleep", "600"]'
	v start "$name"
	# df inside: the quota (64M), the template counted
	size=$(v exec "$name" df -k / | tail -1 | awk '{print $2}')
	[ "$size" = 65536 ]
	# a write past it fails inside (XFS: ENOSPC; ext4: EDQUOT) and stops at the quota
	run v exec "$name" dd if=/dev/zero of=/big bs=1M count=100
	[ "$status" -ne 0 ]
	[[ $output == *"No space left on device"* || $output == *"Disk quota exceeded"* ]]
	[ "$(du -sk "$fs/b/rootfs" | cut -f1)" -le $((65536 + 1024)) ]
	# the host's filesystem is not full
	[ "$(df -k --output=avail "$fs" | tail -1)" -gt 100000 ]
	# list and stats show the project's use and size
	[ "$(v list --json | jq -r --arg n "$name" '.[] | select(.name == $n) | .disk.size')" = $((64 << 20)) ]
	[ "$(v list --json | jq -r --arg n "$name" '.[] | select(.name == $n) | .disk.used')" -gt $((60 << 20)) ]
	[ "$(v stats --json --interval 10ms "$name" | jq -r '.[0].disk.size')" = $((64 << 20)) ]
	# below what is used: refused, the quota as it was
	run v set "$name" --disk 32M
	[ "$status" -ne 0 ]
	[[ $output == *"bytes are in use, more than 33554432"* ]]
	[ "$(v exec "$name" df -k / | tail -1 | awk '{print $2}')" = 65536 ]
	# grown live: df inside follows at once, the write now fits
	v set "$name" --disk 128M
	[ "$(v exec "$name" df -k / | tail -1 | awk '{print $2}')" = 131072 ]
	v exec "$name" dd if=/dev/zero of=/big bs=1M count=100
	v exec "$name" rm /big
	v set "$name" --disk 48M # shrunk live: the files fit
	[ "$(v exec "$name" df -k / | tail -1 | awk '{print $2}')" = 49152 ]
	# destroy frees the project: no limit left on its id
	v destroy --force "$name"
	[ ! -e "$fs/b" ]
	if [ "$type" = xfs ]; then
		run xfs_quota -x -c "quota -p -N -b $proj" "$fs"
		[[ -z $output || $output =~ ^[^0-9]*[0-9]+\ +0\ +0\ +0 ]]
	fi
	umount "$fs"
	rm "$fs.img"
}

@test "dir backend on XFS: df shows the quota, ENOSPC inside, set --disk live, list/stats, destroy frees it" {
	dir_backend xfs
}

@test "dir backend on ext4 (quota,project): the same" {
	dir_backend ext4
}
