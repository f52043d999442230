#!/usr/bin/env bats
# A VPS's own disk (issue 18): `vps bundle --disk SIZE` makes an ext4 image,
# create mounts it as the VPS's root inside the VPS's mount namespace only;
# df shows it, writing past it fails inside and harms nothing outside, a
# tampered image is checked, one image never serves two VPSes, and resizing.
load helpers

setup_file() {
	vps_setup_file
	command -v mkfs.ext4 >/dev/null && command -v e2fsck >/dev/null || {
		echo "e2fsprogs missing (make deps installs it)" >&2
		return 1
	}
}
teardown_file() { vps_teardown_file; }

# disk_bundle NAME SIZE [bundle options]
disk_bundle() {
	local name=$1 size=$2; shift 2
	"$VPS" bundle "$WORK/$name" --name "$name" --memory 256M --disk "$size" "$@" >/dev/null
	jq_edit "$WORK/$name/config.json" '.process.terminal = false'
}
inside() { # NAME ID CMD: run CMD as the bundle's process
	local name=$1 id=$2; shift 2
	set_args "$WORK/$name" /bin/sh -c "$*"
	v run "$id" --bundle "$WORK/$name"
}
image_loops() { losetup -j "$1" | wc -l; }

@test "bundle --disk: an ext4 image, the template inside it, rootfs empty" {
	disk_bundle dk1 64M
	[ -f "$WORK/dk1/disk.img" ]
	[ "$(stat -c %s "$WORK/dk1/disk.img")" = $((64 << 20)) ]
	[ "$(stat -c %a "$WORK/dk1/disk.img")" = 600 ]
	# sparse: far less allocated than its size
	[ "$(du -k "$WORK/dk1/disk.img" | cut -f1)" -lt 32768 ]
	[ -z "$(ls -A "$WORK/dk1/rootfs")" ]
	[ "$(jq -r '.annotations["org.vps.disk"]' "$WORK/dk1/config.json")" = disk.img ]
	e2fsck -f -n "$WORK/dk1/disk.img"
	debugfs -R 'stat /bin/busybox' "$WORK/dk1/disk.img" 2>/dev/null | grep -q 'Type: regular' 
}

@test "df / inside shows the disk; writing past it fails inside only; data persists" {
	disk_bundle dk2 64M
	run inside dk2 dk2a 'df -k / | tail -1; dd if=/dev/zero of=/big bs=1M count=200 2>&1; echo rc=$?; df -k / | tail -1; rm /big; echo kept >/keep'
	[ "$status" -eq 0 ]
	size=$(echo "${lines[0]}" | awk '{print $2}')
	# the image less ext4's own metadata (journal, inode tables): 85..100%
	[ "$size" -le 65536 ] && [ "$size" -ge $((65536 * 85 / 100)) ]
	[[ $output == *"No space left on device"* ]]
	[[ $output == *"rc=1"* ]]
	# the host holds no more than the image: its size and its allocation
	[ "$(stat -c %s "$WORK/dk2/disk.img")" = $((64 << 20)) ]
	[ "$(du -k "$WORK/dk2/disk.img" | cut -f1)" -le 65536 ]
	run inside dk2 dk2b 'cat /keep'
	[ "$output" = kept ]
	# the disk was never mounted on the host; nothing holds it after the VPS
	! grep -q "$WORK/dk2" /proc/self/mountinfo
	[ "$(image_loops "$WORK/dk2/disk.img")" = 0 ]
}

@test "the disk is mounted inside the VPS only, nodev and nosuid (no_new_privs)" {
	disk_bundle dk3 64M
	set_args "$WORK/dk3" /bin/sleep 600
	v run -d dk3 --bundle "$WORK/dk3"
	run v exec dk3 grep ' / ' /proc/self/mounts
	[[ $output == /dev/loop*" / ext4 "*nosuid*nodev* ]]
	[ "$(image_loops "$WORK/dk3/disk.img")" = 1 ]
	# not in the host's mount table
	dev=$(losetup -j "$WORK/dk3/disk.img" | cut -d: -f1)
	[ -n "$dev" ]
	! grep -q " $dev " /proc/self/mountinfo
	# a second VPS of the same image is refused, and leaves nothing
	run v create dk3b --bundle "$WORK/dk3"
	[ "$status" -ne 0 ]
	[[ $output == *"disk.img: in use"*"another VPS has it mounted"* ]]
	[ ! -e "$ROOT/dk3b" ]
	[ "$(image_loops "$WORK/dk3/disk.img")" = 1 ]
	v delete --force dk3
	for _ in $(seq 50); do [ "$(image_loops "$WORK/dk3/disk.img")" = 0 ] && break; sleep 0.1; done
	[ "$(image_loops "$WORK/dk3/disk.img")" = 0 ]
}

@test "a failed create after the disk was mounted leaves no loop device" {
	disk_bundle dk4 64M
	jq_edit "$WORK/dk4/config.json" '.process.cwd = "/no/such/dir"'
	run v create dk4 --bundle "$WORK/dk4"
	[ "$status" -ne 0 ]
	[ ! -e "$ROOT/dk4" ]
	for _ in $(seq 50); do [ "$(image_loops "$WORK/dk4/disk.img")" = 0 ] && break; sleep 0.1; done
	[ "$(image_loops "$WORK/dk4/disk.img")" = 0 ]
}

@test "a tampered image is checked: repaired when e2fsck can, refused when not" {
	disk_bundle dk5 64M
	# mark the filesystem as having errors, as a crafted image would
	debugfs -w -R 'ssv state 2' "$WORK/dk5/disk.img"
	run inside dk5 dk5a 'echo ok'
	[ "$status" -eq 0 ]
	[ "$output" = ok ]
	e2fsck -f -n "$WORK/dk5/disk.img"
	# a wrecked superblock: no mount, a clear error, nothing left
	dd if=/dev/zero of="$WORK/dk5/disk.img" bs=1024 seek=1 count=1 conv=notrunc 2>/dev/null
	run v create dk5b --bundle "$WORK/dk5"
	[ "$status" -ne 0 ]
	[[ $output == *"disk.img"*"e2fsck"* ]]
	[ ! -e "$ROOT/dk5b" ]
	[ "$(image_loops "$WORK/dk5/disk.img")" = 0 ]
}

@test "bad --disk and org.vps.disk values: clear errors, nothing left" {
	run "$VPS" bundle "$WORK/dk6" --disk 1M
	[ "$status" -ne 0 ]
	[[ $output == *"--disk"*"at least 16M"* ]]
	[ ! -e "$WORK/dk6" ]
	run "$VPS" bundle "$WORK/dk6" --disk lots
	[ "$status" -ne 0 ]
	[[ $output == *"--disk"* ]]
	[ ! -e "$WORK/dk6" ]
	# a template bigger than the disk
	mkdir -p "$WORK/big/bin" && cp /bin/busybox "$WORK/big/bin/" && head -c 40M /dev/urandom >"$WORK/big/blob"
	run "$VPS" bundle "$WORK/dk6" --template "dir:$WORK/big" --disk 20M
	[ "$status" -ne 0 ]
	[[ $output == *"make the disk"* ]]
	[ ! -e "$WORK/dk6" ]
	disk_bundle dk7 64M
	jq_edit "$WORK/dk7/config.json" '.annotations["org.vps.disk"] = "../dk1/disk.img"'
	run v create dk7 --bundle "$WORK/dk7"
	[ "$status" -ne 0 ]
	[[ $output == *'org.vps.disk'*'expected a file name in the bundle directory'* ]]
	[ ! -e "$ROOT/dk7" ]
}

@test "resize: a stopped disk grows and shrinks offline; df follows" {
	disk_bundle dk8 64M
	"$VPS_TOP/build/tests/disk_resize" "$WORK/dk8/disk.img" 0 $((128 << 20))
	run inside dk8 dk8a 'df -k / | tail -1'
	size=$(echo "$output" | awk '{print $2}')
	[ "$size" -gt 100000 ]
	"$VPS_TOP/build/tests/disk_resize" "$WORK/dk8/disk.img" 0 $((48 << 20))
	[ "$(stat -c %s "$WORK/dk8/disk.img")" = $((48 << 20)) ]
	e2fsck -f -n "$WORK/dk8/disk.img"
	# below what the files need: refused, the image unchanged
	run "$VPS_TOP/build/tests/disk_resize" "$WORK/dk8/disk.img" 0 $((16 << 20))
	if [ "$status" -ne 0 ]; then
		[ "$(stat -c %s "$WORK/dk8/disk.img")" = $((48 << 20)) ]
		e2fsck -f -n "$WORK/dk8/disk.img"
	fi
}

@test "resize: a running VPS's disk grows now (or at the next start); shrinking it is refused" {
	disk_bundle dk9 64M
	set_args "$WORK/dk9" /bin/sleep 600
	v run -d dk9 --bundle "$WORK/dk9"
	pid=$(v state dk9 | jq .pid)
	run "$VPS_TOP/build/tests/disk_resize" "$WORK/dk9/disk.img" "$pid" $((32 << 20))
	[ "$status" -ne 0 ]
	[[ $output == *"shrinking needs the VPS stopped"* ]]
	run "$VPS_TOP/build/tests/disk_resize" "$WORK/dk9/disk.img" "$pid" $((128 << 20))
	[ "$status" -eq 0 ]
	[ "$(stat -c %s "$WORK/dk9/disk.img")" = $((128 << 20)) ]
	size=$(v exec dk9 df -k / | tail -1 | awk '{print $2}')
	if [ "$output" = live ]; then
		[ "$size" -gt 100000 ]
	else
		[ "$output" = "next start" ] # no CAP_SYS_RESOURCE for the online ext4 resize
		[ "$size" -lt 70000 ]
	fi
	v delete --force dk9
	for _ in $(seq 50); do [ "$(image_loops "$WORK/dk9/disk.img")" = 0 ] && break; sleep 0.1; done
	run inside dk9 dk9b 'df -k / | tail -1'
	size=$(echo "$output" | awk '{print $2}')
	[ "$size" -gt 100000 ]
}

@test "passwd and users reach the files on the disk, running or stopped" {
	disk_bundle dk11 64M
	echo 's3cret1' | "$VPS" passwd --bundle "$WORK/dk11" root --stdin
	[ -z "$(ls -A "$WORK/dk11/rootfs")" ] # nothing went into the mount point
	debugfs -R 'cat /etc/shadow' "$WORK/dk11/disk.img" 2>/dev/null | grep -q '^root:\$'
	set_args "$WORK/dk11" /bin/sleep 600
	v run -d dk11 --bundle "$WORK/dk11"
	v useradd dk11 alice
	run v exec dk11 grep -c '^alice:' /etc/passwd
	[ "$output" = 1 ]
	# the image is in use: --bundle is refused while it runs
	run "$VPS" users --bundle "$WORK/dk11"
	[ "$status" -ne 0 ]
	[[ $output == *"in use"* ]]
	v delete --force dk11
	for _ in $(seq 50); do [ "$(image_loops "$WORK/dk11/disk.img")" = 0 ] && break; sleep 0.1; done
	run "$VPS" users --bundle "$WORK/dk11"
	[ "$status" -eq 0 ]
	[[ $output == *alice* ]]
	[ -z "$(ls -A "$WORK/dk11/rootfs")" ]
	[ "$(image_loops "$WORK/dk11/disk.img")" = 0 ]
}

df_size() { echo "$1" | tail -1 | awk '{print $2}'; }

@test "set --disk grows a running VPS's disk: live or at the next start (said why); list and stats show it" {
	disk_bundle dks1 64M
	set_args "$WORK/dks1" /bin/sleep 600
	v start dks1
	run v list --json
	[ "$(jq -r '.[] | select(.name == "dks1") | .disk.size' <<<"$output")" -le $((64 << 20)) ]
	[ "$(jq -r '.[] | select(.name == "dks1") | .disk.used' <<<"$output")" -gt 0 ]
	v exec dks1 dd if=/dev/zero of=/fill bs=1M count=8
	used0=$(v list --json | jq -r '.[] | select(.name == "dks1") | .disk.used')
	run v set dks1 --disk 128M
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(stat -c %s "$WORK/dks1/disk.img")" = $((128 << 20)) ]
	size=$(df_size "$(v exec dks1 df -k /)")
	if [[ $output == *"applies"*"next start"* || $output == *"grows at next start"* ]]; then
		[[ $output == *"CAP_SYS_RESOURCE"* ]]
		[ "$size" -lt 70000 ]
	else
		[ -z "$output" ]
		[ "$size" -gt 100000 ]
	fi
	# list: the used space counts the 8M written; DISK column used/size
	run v list
	[[ ${lines[0]} == *"DISK" ]]
	[[ $(grep '^dks1 ' <<<"$output") =~ \ [0-9]+M/[0-9]+M$ ]]
	[ "$(v list --json | jq -r '.[] | select(.name == "dks1") | .disk.used')" -ge $((8 << 20)) ]
	[ "$used0" -ge $((8 << 20)) ]
	run v stats --json --interval 10ms dks1
	[ "$status" -eq 0 ]
	[ "$(jq -r '.[0].disk.used' <<<"$output")" -ge $((8 << 20)) ]
	[ "$(jq -r '.[0].disk.size' <<<"$output")" -gt 0 ]
	run v stats --interval 10ms dks1
	[[ ${lines[0]} == *"DISK USED / SIZE"* ]]
	[[ ${lines[1]} == *MiB\ /\ *MiB ]]
	# shrinking while it runs: refused, nothing changed
	run v set dks1 --disk 64M
	[ "$status" -ne 0 ]
	[[ $output == "vps: set dks1: --disk: disk $WORK/dks1/disk.img: shrinking needs the VPS stopped"* ]]
	[ "$(stat -c %s "$WORK/dks1/disk.img")" = $((128 << 20)) ]
	# after a restart df inside shows the new size
	v stop dks1
	for _ in $(seq 50); do [ "$(image_loops "$WORK/dks1/disk.img")" = 0 ] && break; sleep 0.1; done
	run v list --json
	[ "$(jq -r '.[] | select(.name == "dks1") | .disk.used' <<<"$output")" -ge $((8 << 20)) ]
	v start dks1
	size=$(df_size "$(v exec dks1 df -k /)")
	[ "$size" -gt 100000 ] && [ "$size" -le 131072 ]
	v exec dks1 cat /etc/passwd >/dev/null
	v stop dks1
}

@test "set --disk shrinks a stopped VPS's disk when its files fit; refused when they do not" {
	disk_bundle dks2 128M
	inside dks2 dks2a 'dd if=/dev/zero of=/fill bs=1M count=40 2>/dev/null'
	for _ in $(seq 50); do [ "$(image_loops "$WORK/dks2/disk.img")" = 0 ] && break; sleep 0.1; done
	v set dks2 --disk 96M
	[ "$(stat -c %s "$WORK/dks2/disk.img")" = $((96 << 20)) ]
	e2fsck -f -n "$WORK/dks2/disk.img"
	[ "$(v list --json | jq -r '.[] | select(.name == "dks2") | .disk.size')" -le $((96 << 20)) ]
	# 40M of files do not fit in 24M: refused, the image and its files as they were
	run v set dks2 --disk 24M
	echo "$output"
	[ "$status" -ne 0 ]
	[[ $output == "vps: set dks2: --disk: disk $WORK/dks2/disk.img: resize to 24576k: "* ]]
	[ "$(stat -c %s "$WORK/dks2/disk.img")" = $((96 << 20)) ]
	e2fsck -f -n "$WORK/dks2/disk.img"
	run inside dks2 dks2b 'ls -l /fill'
	[[ $output == *41943040*/fill* ]]
}

@test "set --disk: bad sizes and VPSes without a disk are refused, nothing changed" {
	disk_bundle dks3 64M
	sum=$(md5sum <"$WORK/dks3/config.json")
	for bad in lots -1 1M 0 12345; do
		run v set dks3 --disk "$bad"
		echo "$bad: $output"
		[ "$status" -ne 0 ]
		[[ $output == "vps: set"*"--disk"* ]]
	done
	run v set dks3 --disk lots
	[[ $output == *'--disk "lots"'* ]]
	run v set dks3 --disk 1M
	[[ $output == *"at least 16M"* ]]
	# with another setting: the bad disk size stops both
	run v set dks3 --memory 128M --disk 1M
	[ "$status" -ne 0 ]
	[ "$(stat -c %s "$WORK/dks3/disk.img")" = $((64 << 20)) ]
	[ "$(md5sum <"$WORK/dks3/config.json")" = "$sum" ]
	"$VPS" bundle "$WORK/nodisk" --name nodisk >/dev/null
	run v set nodisk --disk 64M
	[ "$status" -ne 0 ]
	[[ $output == *"VPS nodisk has no disk of its own"* ]]
	run v list --json
	[ "$(jq -r '.[] | select(.name == "nodisk") | .disk' <<<"$output")" = null ]
	[[ $(v list | grep '^nodisk ') =~ \ -$ ]]
}
