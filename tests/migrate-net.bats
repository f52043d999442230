#!/usr/bin/env bats
# vps migrate --live of a VPS with the VPS network (org.vps.net.*, issue 19):
# it keeps its IP and MAC at the destination and an established TCP
# connection from a client survives the move.
# Two "hosts" on this machine: a and b, each a network and a mount namespace
# of its own (its own /run, so its own lease file and /run/vps), a state
# root and inventory, the bridge mnbr0 (VPS subnet 10.91.0.0/16) and an sshd
# on its own address (192.168.91.1 and .2, on mnbr0); their bridges are
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

setup_file() {
	vps_setup_file
	vps_need_criu || return 1
	command -v rsync >/dev/null || { echo "rsync missing (make deps installs it)" >&2; return 1; }
	[ -x /usr/sbin/sshd ] || { echo "openssh-server missing (make deps installs it)" >&2; return 1; }
	export K=$WORK/ssh
	mkdir -p "$K"
	export RSH="ssh -i $K/id -o BatchMode=yes -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR"
	host_up a 1
	host_up b 2
	mkdir -p "$WORK/state-a2"
	# the hosts' bridges joined: one segment
	on a ip link add up0 type veth peer name up0 netns "$(cat "$WORK/b.pid")"
	for h in a b; do on "$h" ip link set up0 master mnbr0 up; done
	# the client: a network namespace of its own on a's bridge
	unshare -n sleep 1000000 </dev/null >/dev/null 2>&1 &
	echo $! >"$WORK/c.pid"
	on a ip link add cl0 type veth peer name cl0 netns "$(cat "$WORK/c.pid")"
	on a ip link set cl0 master mnbr0 up
	in_c ip link set lo up
	in_c ip addr add 10.91.0.200/16 dev cl0
	in_c ip link set cl0 up
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
	local h id
	[ -n "${WORK:-}" ] || return 0
	client_down 2>/dev/null || true
	for h in a a2 b; do
		for id in $(ls "$WORK/state-$h" 2>/dev/null); do
			vps_on "$h" delete --force "$id" >/dev/null 2>&1 || true
		done
	done
	for h in a b; do
		[ ! -s "$WORK/$h.sshd.pid" ] || kill "$(cat "$WORK/$h.sshd.pid")" 2>/dev/null || true
		[ ! -s "$WORK/$h.pid" ] || kill "$(cat "$WORK/$h.pid")" 2>/dev/null || true
	done
	[ ! -s "$WORK/c.pid" ] || kill "$(cat "$WORK/c.pid")" 2>/dev/null || true
	vps_teardown_file
}

# host_up NAME N: host NAME (a process holding its namespaces; /run a tmpfs
# of its own) with mnbr0 at 192.168.91.N/24 and sshd listening there
host_up() {
	local h=$1 n=$2
	mig_host "$h"
	on "$h" ip link add mnbr0 type bridge
	on "$h" ip addr add "192.168.91.$n/24" dev mnbr0
	on "$h" ip link set mnbr0 up
	mig_sshd "$h" "192.168.91.$n"
}

in_c() { nsenter -t "$(cat "$WORK/c.pid")" -n "$@"; }
# vps_on HOST ARGS: vps on that host (a2: a second state root and inventory on a)
vps_on() {
	local h=$1
	shift
	on "${h%2}" env VPS_INVENTORY="$WORK/inv-$h" "$VPS" --root "$WORK/state-$h" --criu "$CRIU" "$@"
}
va() { vps_on a "$@"; }
vb() { vps_on b "$@"; }

# vpsb HOST NAME IP: the echo server VPS NAME at IP, running on HOST
vpsb() {
	local h=$1 n=$2 ip=$3
	rm -rf "${WORK:?}/$n"
	cp -a "$WORK/tpl" "$WORK/$n"
	jq_edit "$WORK/$n/config.json" --arg n "$n" --arg ip "$ip/16" \
		'.annotations["org.vps.name"] = $n | .hostname = $n | .annotations["org.vps.net.ip"] = $ip'
	vps_on "$h" run -d --bundle "$WORK/$n" "$n" </dev/null >/dev/null
}

# client_up HOST NAME IP: once NAME listens, one TCP connection from the
# client to IP:5000; say sends lines on it
client_up() {
	local i init
	init=$(init_on "$1" "$2")
	for i in $(seq 50); do
		nsenter -t "$init" -n ss -Hltn 'sport = :5000' | grep -q . && break
		sleep 0.1
	done
	rm -f "$WORK/client.in" "$WORK/client.out"
	mkfifo "$WORK/client.in"
	setsid sh -c 'exec nsenter -t "$1" -n busybox nc "$2" 5000 <"$3" >"$4"' _ \
		"$(cat "$WORK/c.pid")" "$3" "$WORK/client.in" "$WORK/client.out" </dev/null 2>/dev/null &
	echo $! >"$WORK/client.pid"
	exec 8>"$WORK/client.in" # held open: the client's stdin never ends
}
client_down() {
	exec 8>&-
	[ ! -s "$WORK/client.pid" ] || kill "$(cat "$WORK/client.pid")" 2>/dev/null || true
	rm -f "$WORK/client.pid"
}
# say N LINE: the answer to LINE is "N LINE" on the same connection
say() {
	local i
	echo "$2" >&8
	for i in $(seq 100); do
		grep -qx "$1 $2" "$WORK/client.out" && return 0
		sleep 0.1
	done
	echo "no answer \"$1 $2\"; the client got:" >&2
	cat "$WORK/client.out" >&2
	return 1
}

init_on() { vps_on "$1" state "$2" | jq -r .pid; }
# mac HOST NAME / addr HOST NAME: the VPS's eth0, from inside
mac() { nsenter -t "$(init_on "$1" "$2")" -n ip -o link show dev eth0 | grep -o 'link/ether [^ ]*'; }
addr() { nsenter -t "$(init_on "$1" "$2")" -n ip -o -4 addr show dev eth0 | awk '{ print $4 }'; }
leases() { on "$1" sh -c 'cat /run/vps/@net/leases-* 2>/dev/null' || true; }

# gone HOST NAME ROOT [shared]: nothing of NAME under ROOT (state, cgroup,
# lease) nor parked on HOST; without shared (NAME runs under no other root
# of HOST) no host veth and no nft table of NAME either
gone() {
	local h=$1 n=$2 root=$3
	! on "$h" ip -o link show | grep -q "vx-$n[@:]" || { echo "parked veth of $n left on $h"; return 1; }
	[ -n "${4:-}" ] || ! on "$h" ip -o link show | grep -q "vh-$n[@:]" || { echo "veth of $n left on $h"; return 1; }
	[ -n "${4:-}" ] || ! on "$h" nft list tables | grep -q "vps-$n\$" || { echo "nft table of $n left on $h"; return 1; }
	! leases "$h" | grep -q "^$n .* $root\$" || { echo "lease of $n left on $h"; return 1; }
	[ ! -e "$root/$n" ] || { echo "state $root/$n left"; return 1; }
	! compgen -G "/sys/fs/cgroup/*$(cgrel "$n" "$root")" >/dev/null || { echo "cgroup of $n left"; return 1; }
}
# wired HOST NAME ROOT IP: NAME's network is whole on HOST: its lease (under
# ROOT), host veth up on mnbr0, nft tables, nothing parked
wired() {
	local h=$1 n=$2 root=$3 ip=$4
	leases "$h" | grep -q "^$n mnbr0 $ip/16 $root\$" || { echo "no lease"; leases "$h"; return 1; }
	on "$h" ip -o link show "vh-$n" | grep -q "master mnbr0 state UP" || { echo "veth"; on "$h" ip -o link show; return 1; }
	on "$h" nft list table bridge "vps-$n" >/dev/null
	! on "$h" ip -o link show | grep -q "vx-$n[@:]"
}

@test "migrate-net: over ssh to another host and back: same IP and MAC, the client's TCP connection carries on, nothing left behind" {
	vpsb a mn1 10.91.0.10
	mac0=$(mac a mn1)
	[ "$mac0" = "link/ether 02:56:0a:5b:00:0a" ]
	client_up a mn1 10.91.0.10
	say 1 before
	run va migrate mn1 root@192.168.91.2 --rsh "$RSH" --to-vps "$VPS" --to-root "$WORK/state-b" \
		--to-inventory "$WORK/inv-b" --to-bundle "$WORK/mn1.b"
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
	run vb migrate mn1 root@192.168.91.1 --rsh "$RSH" --to-vps "$VPS" --to-root "$WORK/state-a" \
		--to-inventory "$WORK/inv-a" --to-bundle "$WORK/mn1"
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
	run va migrate mn3 root@192.168.91.2 --rsh "$RSH" --to-vps "$VPS" --to-root "$WORK/state-b" \
		--to-inventory "$WORK/inv-b" --to-bundle "$WORK/mn3.b"
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
