#!/usr/bin/env bats
# timeout: 600
# The VPS face of a --vm VPS (issue 21): `vps bundle --template busybox --vm`,
# then start, list, exec, passwd, console, logs, reboot and power-off inside,
# restart and stop behave as in container mode, through the VPS's monitor
# (which holds QEMU, its guest terminal and the console log). A QEMU the OOM
# killer ends after boot is named as such. TCG here: few boots, each test
# checks several things.
load helpers
load vm_vps_helpers

teardown_file() { vps_teardown_file; }

# wait_for CMD...: retry up to 30 s (a TCG guest boots its services slowly)
wait_for() {
	local i
	for i in $(seq 1 150); do "$@" && return 0; sleep 0.2; done
	"$@"
}
booted() { v exec "$1" sh -c 'ps | grep -q "[g]etty"' 2>/dev/null; }
# ended NAME KIND SIGNAL: the VPS stops; its monitor recorded how
ended() {
	stopped() { [ "$(v state "$1" | jq -r .status)" = stopped ]; }
	wait_for stopped "$1"
	v state "$1" | jq -c .exit
	[ "$(v state "$1" | jq -r .exit.kind)" = "$2" ]
	[ "$(v state "$1" | jq -r .exit.signal)" = "$3" ]
}
prompts() { [ "$(grep -c "$1 login:" "$ROOT/$1/console.log")" -ge "$2" ]; }

@test "vm-vps: a busybox template VPS as a VM: start, list, exec, passwd, console login, logs; reboot inside boots it again; stop leaves nothing" {
	"$VPS" bundle "$WORK/vv1" --name vv1 --template busybox --vm --memory 256M >/dev/null
	v start vv1
	[ "$(listed vv1)" = running ]
	local qemu mon
	qemu=$(qemu_of vv1)
	mon=$(monitor_of vv1)
	[[ "$(cat "/proc/$qemu/comm")" == qemu* ]]
	[ "$(cat "/proc/$mon/comm")" = vps-monitor ] # QEMU's parent: the VPS's monitor
	wait_for booted vv1
	[ "$(v exec vv1 hostname)" = vv1 ]
	[ "$(v exec vv1 cat /proc/1/comm)" = init ] # the template's init, PID 1 of its view
	# the bundle maps its root as in container mode (the default); the VM, a
	# kernel boundary of its own, ignores the map: root inside is the guest's
	jq -e '.linux.uidMappings[0].hostID >= 1000000' "$WORK/vv1/config.json"
	[ "$(v exec vv1 cat /proc/self/uid_map | awk '{print $1, $2, $3}')" = "0 0 4294967295" ]
	# the password, set from outside while it runs; a login at the getty of the
	# console (the guest's terminal, held by the monitor) accepts it
	echo 'Vv1-pass' | v passwd vv1 --stdin
	wait_for prompts vv1 1
	run PTY "$VPS" --root "$ROOT" console vv1 -- \
		'login:' 'root' 'Password:' 'Vv1-pass' '# ' 'echo vv-$((6*7))-con' 'vv-42-con' $'\x1dq'
	echo "$output"
	[ "$status" -eq 0 ]
	[[ $output == *"[detached]"* ]]
	run v logs vv1
	[[ $output == *"vv1 login:"* ]]
	# an attached console gives the guest's terminal our size, at attach and on a resize
	consize() { [ "$(v exec vv1 stty -F /dev/console size)" = "$1" ]; }
	script -qec "stty rows 23 cols 77; $VPS --root $ROOT console vv1 </dev/tty & p=\$!
		for i in \$(seq 600); do [ -e $WORK/vv1.resize ] && break; sleep 0.1; done
		stty rows 31 cols 88
		for i in \$(seq 600); do [ -e $WORK/vv1.done ] && break; sleep 0.1; done
		kill \$p" /dev/null </dev/null >"$WORK/vv1-con.out" &
	local s=$!
	wait_for consize "23 77" || { v exec vv1 stty -F /dev/console size; false; }
	touch "$WORK/vv1.resize"
	wait_for consize "31 88" || { v exec vv1 stty -F /dev/console size; false; }
	touch "$WORK/vv1.done"
	wait "$s" || true
	# reboot inside: a new QEMU under the same monitor, the log kept
	v exec vv1 reboot || true
	# a new QEMU recorded: not the old one, nor the 0 of the VM being made again
	newqemu() {
		local p
		p=$(qemu_of vv1)
		[ "$(listed vv1)" = running ] && [ "$p" != "$qemu" ] && [ "$p" -gt 0 ] 2>/dev/null
	}
	wait_for newqemu
	[ "$(monitor_of vv1)" = "$mon" ]
	wait_for prompts vv1 2
	# stop: through the guest's init (stop signal USR2: busybox shutdown)
	qemu=$(qemu_of vv1)
	v stop vv1
	[ "$(listed vv1)" = stopped ]
	[ ! -e "$ROOT/vv1" ]
	[ ! -e "/proc/$qemu" ] || [ "$(awk '{print $3}' "/proc/$qemu/stat")" = Z ]
	wait_for test ! -d "/proc/$mon/fd"
}

@test "vm-vps: restart gives a new QEMU and monitor; power-off inside leaves it stopped with the kind recorded" {
	"$VPS" bundle "$WORK/vv2" --name vv2 --template busybox --vm --memory 256M >/dev/null
	v start vv2
	local qemu mon
	qemu=$(qemu_of vv2)
	mon=$(monitor_of vv2)
	wait_for booted vv2
	v restart vv2
	[ "$(listed vv2)" = running ]
	[ "$(qemu_of vv2)" != "$qemu" ]
	[ "$(monitor_of vv2)" != "$mon" ]
	wait_for booted vv2
	mon=$(monitor_of vv2)
	v exec vv2 poweroff || true
	ended vv2 poweroff 2
	wait_for test ! -d "/proc/$mon/fd"
	[ "$(listed vv2)" = stopped ]
	v delete vv2
}

@test "vm-vps: a QEMU the OOM killer ends after boot is named: run in the foreground, and the monitor's record and log" {
	# the overhead estimate off: the guest gets the whole limit, so a guest
	# process that fills its RAM takes QEMU past the limit after boot; cold
	# boots (a restored QEMU's own overhead is small enough that the guest's
	# OOM killer may come first)
	export VPS_VM_OVERHEAD_MIB=0
	# guest RAM that stays in use: a tmpfs file (one big malloc is refused by
	# the guest's overcommit check before it touches anything)
	FILL='mount -t tmpfs -o size=200m fill /tmp && dd if=/dev/zero of=/tmp/f bs=1M count=200'
	make_busybox_bundle "$WORK/oom"
	jq_edit "$WORK/oom/config.json" '.linux.resources.memory.limit = 234881024'
	set_args "$WORK/oom" /bin/sh -c "echo up; $FILL; echo survived"
	run --separate-stderr v run --vm-cold -b "$WORK/oom" vv-oom1
	echo "status=$status output=$output stderr=$stderr"
	[ "$status" -eq 137 ]
	[[ "$output" == up* && "$output" != *survived* ]] # it was up, then killed
	[[ "$stderr" == *"vm: the VM was killed by the OOM killer (memory limit 224M)"* ]]
	[[ "$stderr" != *"killed by signal 9"* ]]
	# a VPS with a monitor: its exit record and its console log say so
	"$VPS" bundle "$WORK/vv3" --name vv3 --template busybox --vm --memory 224M >/dev/null
	jq_edit "$WORK/vv3/config.json" '.annotations["org.vps.vm.snapshot"] = "off"'
	v start vv3
	wait_for booted vv3
	v exec vv3 sh -c "$FILL" || true
	ended vv3 killed 9
	[ "$(v state vv3 | jq -r .exit.reason)" = "the VM was killed by the OOM killer (memory limit 224M)" ]
	run v logs vv3
	[[ "$output" == *"vps: vv3: the VM was killed by the OOM killer (memory limit 224M)"* ]]
	v delete vv3
}

@test "vm-vps: disk VPSes start from one snapshot (virtio-blk on a placeholder, reprobed), each on its own disk" {
	export VPS_VM_SNAPSHOTS=$WORK/snap-disk
	"$VPS" bundle "$WORK/da" --name vv-da --memory 256M --disk 64M >/dev/null
	"$VPS" bundle "$WORK/db" --name vv-db --memory 256M --disk 96M >/dev/null
	jq_edit "$WORK/da/config.json" '.process.terminal = false'
	jq_edit "$WORK/db/config.json" '.process.terminal = false'
	set_args "$WORK/da" /bin/sh -c 'df -k / | tail -1; echo disk-a >/who; cat /who'
	set_args "$WORK/db" /bin/sh -c 'df -k / | tail -1; cat /who 2>&1; echo disk-b >/who'
	run --separate-stderr v --debug run --vm -b "$WORK/da" vv-da
	echo "status=$status output=$output stderr=$stderr"
	[ "$status" -eq 0 ]
	[[ "$stderr" == *"start from snapshot $WORK/snap-disk/"*" (built now): ok"* ]]
	local size
	size=$(echo "${lines[0]}" | awk '{print $2}')
	[ "$size" -le 65536 ] && [ "$size" -ge $((65536 * 85 / 100)) ]
	[ "${lines[1]}" = disk-a ]
	run --separate-stderr v --debug run --vm -b "$WORK/db" vv-db
	echo "status=$status output=$output stderr=$stderr"
	[ "$status" -eq 0 ]
	[[ "$stderr" == *"start from snapshot $WORK/snap-disk/"*": ok"* ]]
	[[ "$stderr" != *"built now"* && "$stderr" != *"booting without the snapshot"* ]]
	size=$(echo "${lines[0]}" | awk '{print $2}')
	[ "$size" -le 98304 ] && [ "$size" -ge $((98304 * 85 / 100)) ]
	[[ "${lines[1]}" == *"No such file"* ]] # not the other VPS's disk
	[ "$(ls -d "$WORK"/snap-disk/* | wc -l)" -eq 1 ]
	# each image holds what its own VM wrote; the snapshot holds no disk
	[ "$(debugfs -R 'cat /who' "$WORK/da/disk.img" 2>/dev/null)" = disk-a ]
	[ "$(debugfs -R 'cat /who' "$WORK/db/disk.img" 2>/dev/null)" = disk-b ]
	[ ! -e "$(ls -d "$WORK"/snap-disk/*)/disk" ]
}

@test "vm-vps: a VM VPS whose memory limit cannot hold QEMU and the guest: start refused with the minimum, nothing left" {
	"$VPS" bundle "$WORK/vv4" --name vv4 --template busybox --vm --memory 128M >/dev/null
	run v start vv4
	echo "$output"
	[ "$status" -eq 1 ]
	[[ "$output" == "vps: start vv4: vm: memory limit 128M is too small for a VM"*"use at least "*M ]]
	[ ! -e "$ROOT/vv4" ]
	[ "$(listed vv4)" = stopped ]
}
