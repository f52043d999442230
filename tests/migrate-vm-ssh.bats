#!/usr/bin/env bats
# vps migrate of a --vm VPS over ssh (issue 19): QEMU's stream goes through
# the ssh connection vps runs the far vps on (the far `vps migrate-recv
# vm-listen` hands QEMU its stdin). Two "hosts" on this machine, a and b,
# each a network and a mount namespace of its own (its own /run), a state
# root and inventory and an sshd on its own address (192.168.92.1 and .2 on
# a veth joining them; keys made here). A VM on a disk image running a
# counter (pid 1 of the guest): a migration whose destination's QEMU refuses
# the stream (its vm-listen given another one) and one whose vps
# migrate is SIGKILLed at the restore (guest stopped, disk copied: the guard
# settles over ssh) leave the VM running on a, b clean; then it moves to b:
# the same guest (boot_id, uptime and counter on), and a has no QEMU, state
# dir, cgroup, record or bundle left. A --vm VPS has no VPS network (QEMU
# without a NIC): no veth or nft table of it exists on either side.
# NETWORK SAFETY: nothing is made in the host's network namespace. QEMU
# under TCG: run under the test lock (and nice).
# timeout: 600
load helpers
load migrate_helpers

setup_file() {
	vps_setup_file
	mig_vm_needs || return 1
	[ -x /usr/sbin/sshd ] || { echo "openssh-server missing (make deps installs it)" >&2; return 1; }
	export K=$WORK/ssh
	mkdir -p "$K"
	export RSH="ssh -i $K/id -o BatchMode=yes -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR"
	mig_host a
	mig_host b
	on a ip link add up0 type veth peer name up0 netns "$(cat "$WORK/b.pid")"
	on a ip addr add 192.168.92.1/24 dev up0
	on b ip addr add 192.168.92.2/24 dev up0
	for h in a b; do on "$h" ip link set up0 up; done
	mig_sshd a 192.168.92.1
	mig_sshd b 192.168.92.2
	vps_on a bundle "$WORK/mv1" --name mv1 --vm --memory 256M --disk 64M >/dev/null
	set_args "$WORK/mv1" /bin/sh -c "$COUNTER"
	# the far vps for the failure: vm-listen's QEMU gets a stream it refuses
	printf '#!/bin/sh\ncase " $* " in *" vm-listen "*) echo not-a-stream | "%s" "$@"; exit ;; esac\nexec "%s" "$@"\n' \
		"$VPS" "$VPS" >"$WORK/vps-badstream"
	chmod 755 "$WORK/vps-badstream"
}

teardown_file() {
	local h id
	[ -n "${WORK:-}" ] || return 0
	for h in a b; do
		for id in $(ls "$WORK/state-$h" 2>/dev/null); do
			vps_on "$h" delete --force "$id" >/dev/null 2>&1 || true
		done
		[ ! -s "$WORK/$h.sshd.pid" ] || kill "$(cat "$WORK/$h.sshd.pid")" 2>/dev/null || true
		[ ! -s "$WORK/$h.pid" ] || kill "$(cat "$WORK/$h.pid")" 2>/dev/null || true
	done
	vps_teardown_file
}

# the counter, pid 1 of the guest: 1, 2, 3... in /tmp/count every 0.1 s
# (renamed into place: a read never sees it empty)
COUNTER='i=0; while :; do i=$((i+1)); echo $i >/tmp/count.new; mv /tmp/count.new /tmp/count; sleep 0.1; done'

vps_on() {
	local h=$1
	shift
	on "$h" env VPS_INVENTORY="$WORK/inv-$h" "$VPS" --root "$WORK/state-$h" "$@"
}
# to_b [ARGS]: vps migrate mv1 from a to b over ssh (bundle $WORK/mv1.b there)
to_b() {
	vps_on a migrate mv1 root@192.168.92.2 --rsh "$RSH" --to-root "$WORK/state-b" \
		--to-inventory "$WORK/inv-b" --to-bundle "$WORK/mv1.b" "$@"
}

# (bounded: a guest that hangs fails the test instead of stalling it)
count_in() { timeout 20 "$VPS" --root "$WORK/state-$1" exec mv1 cat /tmp/count 2>/dev/null || echo 0; }
# counting_in HOST: the guest's counter advances there
counting_in() {
	local c0 i
	c0=$(count_in "$1")
	for i in $(seq 100); do
		[ "$(count_in "$1")" -ge $((c0 + 3)) ] && return 0
		sleep 0.2
	done
	echo "counter stuck at $c0 on $1"
	return 1
}
in_guest() { timeout 20 "$VPS" --root "$WORK/state-$1" exec mv1 "${@:2}"; }
boot_id() { in_guest "$1" cat /proc/sys/kernel/random/boot_id; }
uptime_in() { in_guest "$1" cut -d. -f1 /proc/uptime; }
status_on() { vps_on "$1" state mv1 2>/dev/null | jq -r .status; }
qemu_on() { vps_on "$1" state mv1 | jq -r .pid; }
dead() { [ ! -e "/proc/$1" ] || [ "$(awk '{print $3}' "/proc/$1/stat")" = Z ]; }
# b_clean: nothing of mv1 on b (state, record, bundle, cgroup, QEMU)
b_clean() {
	local p
	gone_from "$WORK/state-b" "$WORK/inv-b" mv1 "$WORK/mv1.b" || return 1
	for p in $(pgrep qemu-system); do
		[ "$(readlink "/proc/$p/cwd")" != "$WORK/state-b/mv1" ] || { echo "QEMU $p of b left"; return 1; }
	done
}
# a_runs QEMU BOOT: the same VM runs on as it was on a
a_runs() {
	[ "$(status_on a)" = running ]
	[ "$(qemu_on a)" = "$1" ]
	[ "$(boot_id a)" = "$2" ]
	counting_in a
}

@test "migrate-vm-ssh: a destination whose QEMU refuses the stream, or vps migrate killed at the restore: the VM runs on at the source, the destination clean" {
	VPS_VM_SNAPSHOT=off vps_on a start mv1 # one boot: no snapshot to build
	counting_in a
	boot=$(boot_id a)
	qemu=$(qemu_on a)
	run to_b --to-vps "$WORK/vps-badstream"
	echo "$output"
	[ "$status" -eq 1 ]
	[[ "$output" == "vps: migrate mv1: destination root@192.168.92.2: migrate-recv mv1: vm: "*"(QEMU: Not a migration stream)"* ]]
	b_clean
	a_runs "$qemu" "$boot"
	VPS_MIGRATE_KILL_AT=restore run to_b --to-vps "$VPS"
	echo "$output"
	[ "$status" -eq 137 ]
	# the guard settles in the background: wait for it to take b's side away
	for i in $(seq 150); do b_clean >/dev/null && break; sleep 0.2; done
	b_clean
	for i in $(seq 100); do [ "$(status_on a)" = running ] && in_guest a true && break; sleep 0.2; done
	a_runs "$qemu" "$boot"
}

@test "migrate-vm-ssh: a --vm VPS on a disk moves over ssh: the same guest counts on there, nothing of it left here" {
	[ "$(status_on a)" = running ] || skip "needs the VM the first test started"
	boot=$(boot_id a)
	up0=$(uptime_in a)
	c0=$(count_in a)
	qemu=$(qemu_on a)
	run to_b --to-vps "$VPS"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"migrated mv1 to root@192.168.92.2: downtime "*" ms (memory "*", copy "*", resume "*"), total "*" ms, "*" bytes copied"* ]]
	echo "# $output" >&3
	# b: the same guest (boot_id), its uptime and counter on from where they were
	[ "$(status_on b)" = running ]
	[ "$(boot_id b)" = "$boot" ]
	[ "$(uptime_in b)" -ge "$up0" ]
	[ "$(count_in b)" -ge "$c0" ]
	counting_in b
	dq=$(qemu_on b)
	[ "$dq" != "$qemu" ]
	ls -l "/proc/$dq/fd" | grep -q "$WORK/mv1.b/disk.img"
	[ "$(jq -r .bundle "$WORK/inv-b/vps/mv1.json")" = "$WORK/mv1.b" ]
	# a: no QEMU, state dir, cgroup, record or bundle
	dead "$qemu"
	gone_from "$WORK/state-a" "$WORK/inv-a" mv1 "$WORK/mv1"
	# an ordinary VPS on b: its vps stops and destroys it
	vps_on b stop mv1
	vps_on b destroy mv1
	[ ! -e "$WORK/mv1.b" ]
}
