#!/usr/bin/env bats
# vps migrate of a --vm VPS (issue 19): QEMU's own live migration. A VM on a
# disk image running a counter moves to another state root and inventory
# (--to-root): the guest did not reboot (same boot_id, uptime on), the
# counter goes on, the source has no QEMU, state, record or bundle left;
# vps migrate killed before the destination runs it (the guard settles)
# leaves it running where it was, the other side clean; a VM on its 9p root
# is refused live (QEMU's 9p migration blocker) and runs on.
# QEMU guests under TCG: run under the test lock (and nice).
# timeout: 400
load helpers
load migrate_helpers

setup_file() {
	vps_setup_file
	mig_vm_needs || return 1
	export DROOT=$WORK/dstate DINV=$WORK/dinv
	mkdir -p "$DROOT"
	"$VPS" bundle "$WORK/mv1" --name mv1 --vm --memory 256M --disk 64M >/dev/null
	set_args "$WORK/mv1" /bin/sh -c "$COUNTER"
}
teardown_file() {
	mig_clear_dest
	vps_teardown_file
}

# the counter, pid 1 of the guest: 1, 2, 3... in /tmp/count every 0.1 s
# (renamed into place: a read never sees it empty)
COUNTER='i=0; while :; do i=$((i+1)); echo $i >/tmp/count.new; mv /tmp/count.new /tmp/count; sleep 0.1; done'

vc() { "$VPS" --root "$ROOT" "$@"; }
vd() { VPS_INVENTORY=$DINV "$VPS" --root "$DROOT" "$@"; }
# (bounded: a guest that hangs fails the test instead of stalling it)
count_in() { timeout 20 "$VPS" --root "$1" exec "$2" cat /tmp/count 2>/dev/null || echo 0; }
# counting_in ROOT NAME: the guest's counter advances
counting_in() {
	local c0 i
	c0=$(count_in "$1" "$2")
	for i in $(seq 100); do
		[ "$(count_in "$1" "$2")" -ge $((c0 + 3)) ] && return 0
		sleep 0.2
	done
	echo "counter stuck at $c0 in $2 under $1"
	return 1
}
guest() { timeout 20 "$VPS" --root "$1" exec "$2" cat /proc/sys/kernel/random/boot_id; }
uptime_in() { timeout 20 "$VPS" --root "$1" exec "$2" cut -d. -f1 /proc/uptime; }
qemu_of() { "$VPS" --root "$1" state "$2" | jq -r .pid; }
# qmp_migrate SOCK: QEMU's answer to a migrate command (to a socket nobody listens on)
qmp_migrate() {
	python3 - "$1" <<'PY'
import json, socket, sys
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
f = s.makefile("rw")
f.readline()
for cmd in ({"execute": "qmp_capabilities"},
	    {"execute": "migrate", "arguments": {"uri": "unix:/nonexistent/vps-migrate-vm"}}):
	f.write(json.dumps(cmd) + "\n")
	f.flush()
	while True:
		line = f.readline()
		if not line or '"return"' in line or '"error"' in line:
			break
print(line.strip())
PY
}
status_in() { "$VPS" --root "$1" state "$2" 2>/dev/null | jq -r .status; }

@test "migrate-vm: a --vm VPS on a disk moves live: no reboot inside, the counter goes on, nothing left here" {
	vc start mv1
	counting_in "$ROOT" mv1
	boot=$(guest "$ROOT" mv1)
	up0=$(uptime_in "$ROOT" mv1)
	c0=$(count_in "$ROOT" mv1)
	qemu=$(qemu_of "$ROOT" mv1)
	[[ "$(cat /proc/$qemu/comm)" == qemu* ]]
	run vc migrate mv1 --to-root "$DROOT" --to-inventory "$DINV" --to-bundle "$WORK/mv1.d"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"migrated mv1 to $DROOT: downtime "*" ms (memory "*", copy "*", resume "*"), total "*" ms, "*" bytes copied"* ]]
	echo "# $output" >&3
	# there: the same guest (boot_id), its uptime and counter on from where they were
	[ "$(status_in "$DROOT" mv1)" = running ]
	[ "$(guest "$DROOT" mv1)" = "$boot" ]
	[ "$(uptime_in "$DROOT" mv1)" -ge "$up0" ]
	[ "$(count_in "$DROOT" mv1)" -ge "$c0" ]
	counting_in "$DROOT" mv1
	dq=$(qemu_of "$DROOT" mv1)
	[[ "$(cat /proc/$dq/comm)" == qemu* ]]
	ls -l "/proc/$dq/fd" | grep -q "$WORK/mv1.d/disk.img"
	[ "$(jq -r .bundle "$DINV/vps/mv1.json")" = "$WORK/mv1.d" ]
	# here: no QEMU, state, cgroup, record or bundle
	[ ! -e "/proc/$qemu" ] || [ "$(awk '{print $3}' "/proc/$qemu/stat")" = Z ]
	gone_from "$ROOT" "$VPS_INVENTORY" mv1 "$WORK/mv1"
}

@test "migrate-vm: killed before the destination runs it (at copy: the guest stopped; at restore: its disk copied), the VM runs on where it was; then it moves back" {
	[ "$(status_in "$DROOT" mv1)" = running ] || skip "needs the VPS the first test moved"
	boot=$(guest "$DROOT" mv1)
	qemu=$(qemu_of "$DROOT" mv1)
	for at in copy restore; do
		run env VPS_MIGRATE_KILL_AT=$at VPS_INVENTORY=$DINV "$VPS" --root "$DROOT" migrate mv1 \
			--to-root "$ROOT" --to-inventory "$VPS_INVENTORY" --to-bundle "$WORK/mv1"
		echo "$at: $output"
		[ "$status" -ne 0 ]
		# the guard settles in the background: wait for it to take the destination away
		for i in $(seq 100); do gone_from "$ROOT" "$VPS_INVENTORY" mv1 "$WORK/mv1" >/dev/null && break; sleep 0.2; done
		gone_from "$ROOT" "$VPS_INVENTORY" mv1 "$WORK/mv1"
		[ "$(status_in "$DROOT" mv1)" = running ]
		[ "$(qemu_of "$DROOT" mv1)" = "$qemu" ]
		counting_in "$DROOT" mv1
		[ "$(guest "$DROOT" mv1)" = "$boot" ]
	done
	# no QEMU of the destination's is left (its cwd was ROOT/mv1)
	for p in $(pgrep qemu-system); do readlink "/proc/$p/cwd"; done | { ! grep -q "^$ROOT/"; }
	# and back: an ordinary VPS there, it moves as well
	run vd migrate mv1 --to-root "$ROOT" --to-inventory "$VPS_INVENTORY" --to-bundle "$WORK/mv1"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(guest "$ROOT" mv1)" = "$boot" ]
	counting_in "$ROOT" mv1
	gone_from "$DROOT" "$DINV" mv1 "$WORK/mv1.d"
	[ ! -e "/proc/$qemu" ] || [ "$(awk '{print $3}' "/proc/$qemu/stat")" = Z ]
	vc stop mv1
	vc destroy mv1
}

@test "migrate-vm: a --vm VPS on its 9p root is refused live with the reason, runs on, nothing made there" {
	"$VPS" bundle "$WORK/mv2" --name mv2 --vm --memory 256M >/dev/null
	set_args "$WORK/mv2" /bin/sh -c "$COUNTER"
	VPS_VM_SNAPSHOT=off vc start mv2 # one boot: no snapshot to build
	counting_in "$ROOT" mv2
	run vc migrate mv2 --to-root "$DROOT" --to-inventory "$DINV" --to-bundle "$WORK/mv2.d"
	echo "$output"
	[ "$status" -eq 1 ]
	[[ "$output" == *"vps: migrate mv2: live migration refused: a --vm VPS whose root is its bundle's directory over 9p: QEMU refuses"*"use --offline"* ]]
	# QEMU itself does refuse: its migration blocker while the guest has the 9p root mounted
	run qmp_migrate "$ROOT/mv2/vm-qmp.sock"
	echo "$output"
	[[ "$output" == *"Migration is disabled when VirtFS export path"*"is mounted in the guest"* ]]
	[ "$(status_in "$ROOT" mv2)" = running ]
	counting_in "$ROOT" mv2
	gone_from "$DROOT" "$DINV" mv2 "$WORK/mv2.d"
	vc stop mv2
	vc destroy mv2
}
