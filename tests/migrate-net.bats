#!/usr/bin/env bats
# vps migrate --live of a VPS with the VPS network (org.vps.net.*, issue 19):
# it keeps its IP and MAC at the destination and an established TCP
# connection from a client survives the move.
# Two "hosts" on this machine (tests/migrate_helpers.bash, mignet_helpers.bash): a and b, each a
# network and a mount namespace of its own (its own /run, so its own lease
# file and /run/vps), a state root and inventory, the bridge mnbr0 (VPS
# subnet 10.91.0.0/16) and an sshd on its own address (192.168.91.1 and .2,
# on mnbr0); their bridges are
# joined by a veth, so both are one Ethernet segment, as hosts on one LAN
# are. A client in a third network namespace, on a's bridge, holds a TCP
# connection to a server in the VPS (it answers each line with a counter)
# across the migrations: over ssh a -> b and back, and on one host to another
# state root (--to-root: the lease, host veth name and nft tables are handed
# over), where a failure after the handover (killed vps migrate, a failed
# restore) brings the source back with its network; and the check refusing
# an address that another VPS holds at the destination.
# NETWORK SAFETY: nothing is made in the host's network namespace. criu as in
# tests/migrate.bats. Run under the test lock.
# timeout: 300
load helpers
load migrate_helpers
load mignet_helpers

setup_file() {
	mignet_setup_file || return 1
	# the VPS face's busybox bundle, its init replaced by the echo server
	"$VPS" bundle "$WORK/tpl" --name mn-tpl --userns host >/dev/null
	"$VPS" destroy --keep-data mn-tpl >/dev/null
	# each connection: "N LINE" back for every LINE (N counts from 1)
	printf '#!/bin/sh\ni=0\nwhile read l; do i=$((i+1)); echo "$i $l"; done\n' >"$WORK/tpl/rootfs/echo.sh"
	chmod 755 "$WORK/tpl/rootfs/echo.sh"
	jq_edit "$WORK/tpl/config.json" '.annotations["org.vps.procview"] = "kernel" |
		.annotations["org.vps.net.bridge"] = "mnbr0" | .annotations["org.vps.net.gateway"] = "10.91.0.1/16"'
	set_args "$WORK/tpl" sh -c 'while :; do nc -l -p 5000 -e /echo.sh; done'
}

teardown_file() {
	[ -n "${WORK:-}" ] || return 0
	mignet_teardown a a2 b
	vps_teardown_file
}

# vpsb HOST NAME IP: the echo server VPS NAME at IP, running on HOST
vpsb() {
	local h=$1 n=$2 ip=$3
	rm -rf "${WORK:?}/$n"
	cp -a "$WORK/tpl" "$WORK/$n"
	jq_edit "$WORK/$n/config.json" --arg n "$n" --arg ip "$ip/16" \
		'.annotations["org.vps.name"] = $n | .hostname = $n | .annotations["org.vps.net.ip"] = $ip'
	vps_on "$h" run -d --bundle "$WORK/$n" "$n" </dev/null >/dev/null
}

@test "migrate-net: over ssh to another host and back: same IP and MAC, the client's TCP connection carries on, nothing left behind" {
	vpsb a mn1 10.91.0.10
	mac0=$(mac a mn1)
	[ "$mac0" = "link/ether 02:56:0a:5b:00:0a" ]
	client_up a mn1 10.91.0.10
	say 1 before
	run over_ssh a b mn1 "$WORK/mn1.b"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"migrated mn1 to root@192.168.91.2: downtime "* ]]
	# the same server process on the same connection: its counter goes on
	say 2 after
	[ "$(vb state mn1 | jq -r .status)" = running ]
	[ "$(mac b mn1)" = "$mac0" ]
	[ "$(addr b mn1)" = 10.91.0.10/16 ]
	wired b mn1 "$WORK/state-b" 10.91.0.10
	# a: no cgroup, veth, nft table, lease or state; its record gone
	gone a mn1 "$WORK/state-a"
	[ ! -e "$WORK/inv-a/vps/mn1.json" ]
	[ "$(jq -r .bundle "$WORK/inv-b/vps/mn1.json")" = "$WORK/mn1.b" ]
	# and back
	run over_ssh b a mn1 "$WORK/mn1"
	echo "$output"
	[ "$status" -eq 0 ]
	say 3 "back again"
	[ "$(mac a mn1)" = "$mac0" ]
	wired a mn1 "$WORK/state-a" 10.91.0.10
	gone b mn1 "$WORK/state-b"
	client_down
	va delete -f mn1
	gone a mn1 "$WORK/state-a"
}

# mig2 NAME ARGS: migrate NAME on host a to its second root
mig2() {
	local n=$1
	shift
	va migrate "$n" --to-root "$WORK/state-a2" --to-inventory "$WORK/inv-a2" --to-bundle "$WORK/$n.d" "$@"
}

@test "migrate-net: on one host to another state root: the lease is handed over; a failure after the handover gives the source its network back" {
	vpsb a mn2 10.91.0.20
	mac0=$(mac a mn2)
	client_up a mn2 10.91.0.20
	say 1 start
	# killed once the source gave up its network (at the restore): the guard
	# gives it back and thaws the VPS
	VPS_MIGRATE_KILL_AT=restore run mig2 mn2
	echo "$output"
	[ "$status" -eq 137 ]
	[ "$(va state mn2 | jq -r .status)" = running ]
	wired a mn2 "$WORK/state-a" 10.91.0.20
	gone a mn2 "$WORK/state-a2" shared
	say 2 "after a kill"
	# the destination's restore fails once criu restored it
	VPS_NET_FAIL_AFTER=restore run mig2 mn2
	echo "$output"
	[ "$status" -eq 1 ]
	[[ "$output" == *"injected failure after step restore"* ]]
	[ "$(va state mn2 | jq -r .status)" = running ]
	wired a mn2 "$WORK/state-a" 10.91.0.20
	gone a mn2 "$WORK/state-a2" shared
	[ ! -e "$WORK/mn2.d" ]
	say 3 "after a failed restore"
	# and for real
	run mig2 mn2
	echo "$output"
	[ "$status" -eq 0 ]
	say 4 moved
	wired a mn2 "$WORK/state-a2" 10.91.0.20
	[ "$(mac a2 mn2)" = "$mac0" ]
	gone a mn2 "$WORK/state-a" shared
	! va list -q | grep -qx mn2
	client_down
	vps_on a2 delete -f mn2
	gone a mn2 "$WORK/state-a2"
}

@test "migrate-net: the destination refuses an address another VPS holds there, naming it; the source runs on untouched" {
	vpsb b mn3x 10.91.0.30
	vpsb a mn3 10.91.0.30
	run over_ssh a b mn3 "$WORK/mn3.b"
	echo "$output"
	[ "$status" -eq 1 ]
	[[ "$output" == "vps: migrate mn3: destination root@192.168.91.2: "*"network: address 10.91.0.30 is already leased to mn3x (state root $WORK/state-b)" ]]
	[ "$(va state mn3 | jq -r .status)" = running ]
	wired a mn3 "$WORK/state-a" 10.91.0.30
	[ ! -e "$WORK/mn3.b" ]
	[ ! -e "$WORK/state-b/mn3" ]
	vb delete -f mn3x
	va delete -f mn3
}
