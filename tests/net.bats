#!/usr/bin/env bats
# netns/: VPS networking end to end through `vps create/start/delete`.
# NETWORK SAFETY: everything runs inside network namespaces this file creates
# (`ip netns add`); the "host" is the namespace $NS, the VPSes get their own
# from vps, and traffic only flows between those namespaces.
# timeout: 600
load helpers

setup_file() {
	vps_setup_file
	export NS=vpsnet-test-$$ CLIENT=vpsnet-client-$$
	ip netns add "$NS"
	ip -n "$NS" link set lo up
	make_busybox_bundle "$WORK/base"
	mkdir -p "$WORK/base/rootfs/www"
	echo "hello from the vps" >"$WORK/base/rootfs/www/index.html"
}
teardown_file() {
	local id
	local r
	for r in "$ROOT" "$WORK/state2"; do
		for id in $(ls "$r" 2>/dev/null); do
			nsenter --net="/run/netns/$NS" "$VPS" --root "$r" delete --force "$id" >/dev/null 2>&1 || true
		done
	done
	ip netns del "$CLIENT" 2>/dev/null || true
	ip netns del "$NS" 2>/dev/null || true
	vps_teardown_file
}

# vps inside the test "host" namespace. nsenter, not `ip netns exec`: that one
# also makes a mount namespace with a fresh /sys, hiding the cgroup mounts.
in_ns() { nsenter --net="/run/netns/$NS" "$@"; }
n() { in_ns "$VPS" --root "$ROOT" "$@"; }

# bundle ID ANNOTATION=VALUE... : a copy of the base bundle with network annotations
bundle() {
	local id=$1; shift
	cp -a "$WORK/base" "$WORK/$id"
	local a k v
	for a in "$@"; do
		k=${a%%=*} v=${a#*=}
		jq_edit "$WORK/$id/config.json" --arg k "$k" --arg v "$v" '.annotations[$k] = $v'
	done
}

vps_pid() { n state "$1" | jq -r .pid; }
# up ID ANNOTATION=VALUE...: bundle and create a VPS running sleep
up() {
	local id=$1; shift
	bundle "$id" "$@"
	set_args "$WORK/$id" sleep 600
	n create --bundle "$WORK/$id" "$id"
}
# down ID...: delete and check nothing is left
down() {
	local id
	for id; do n delete --force "$id"; assert_clean "$id"; done
}

# the host-wide lease file of $NS (leases are per network namespace, not per root)
leases() { echo "/run/vps/@net/leases-$(stat -L -c %i "/run/netns/$NS")"; }

# nothing of VPS id left in $NS: host veth, lease, nft tables, state
assert_clean() {
	local id=$1
	! in_ns ip -o link show | grep -q "vh-$id"
	! grep -qs "^$id " "$(leases)"
	! in_ns nft list tables | grep -q "vps-$id\$"
	[ ! -e "$ROOT/$id" ]
}

@test "net-ls: an empty host shows no bridges or leases; rm refuses a missing bridge" {
	run n net ls --json
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | jq '.bridges + .leases + .nft_tables | length')" = 0 ]
	run n net rm vps0
	[ "$status" -eq 1 ]
	[[ "$output" == *"vps: net vps0: bridge vps0 does not exist"* ]]
	run n net bogus
	[ "$status" -eq 2 ]
}

@test "net-ping: two VPSes ping each other and the gateway (IPv4 and IPv6)" {
	bundle net-a org.vps.net.ip=auto org.vps.net.ip6=auto
	bundle net-b org.vps.net.ip=10.88.0.50/16
	set_args "$WORK/net-a" sleep 600
	set_args "$WORK/net-b" sleep 600
	n create --bundle "$WORK/net-a" net-a
	n create --bundle "$WORK/net-b" net-b
	local pa pb
	pa=$(vps_pid net-a) pb=$(vps_pid net-b)
	run nsenter -t "$pa" -n busybox ip -o addr show eth0
	[[ "$output" == *"inet 10.88.0.2/16"* ]]
	[[ "$output" == *"inet6 fd00:88::2/64"* ]]
	nsenter -t "$pb" -n busybox ping -c1 -W3 10.88.0.2
	nsenter -t "$pa" -n busybox ping -c1 -W3 10.88.0.50
	nsenter -t "$pa" -n busybox ping -c1 -W3 10.88.0.1
	nsenter -t "$pa" -n busybox ping -c1 -W3 fd00:88::1
	# lo is up too (the init brings it up; networking only adds eth0)
	nsenter -t "$pa" -n busybox ping -c1 -W3 127.0.0.1
	# /etc/hosts inside the VPS names it (by the spec's hostname)
	local h
	h=$(jq -r .hostname "$WORK/net-a/config.json")
	grep -q "^10.88.0.2	$h\$" "$WORK/net-a/rootfs/etc/hosts"
	run n net ls --json
	[ "$(echo "$output" | jq -r '.bridges[0].name, .bridges[0].ports, (.leases | map(.address) | join(" "))')" = "vps0
2
10.88.0.2/16 fd00:88::2/64 10.88.0.50/16" ]
	run n net ls
	[[ "$output" == *"net-a"*"vps0"*"10.88.0.2/16"* ]]
	n delete --force net-a
	n delete --force net-b
	assert_clean net-a
	assert_clean net-b
}

@test "net-tcp: a VPS's httpd is reachable at its address and through the published port" {
	bundle net-web org.vps.net.ip=auto org.vps.net.publish=8080:80/tcp
	set_args "$WORK/net-web" httpd -f -p 80 -h /www
	n create --bundle "$WORK/net-web" net-web
	n start net-web
	local ip
	ip=$(n state net-web | jq -r '.extra.net.ip // empty' | cut -d/ -f1)
	[ -n "$ip" ] || ip=$(grep '^net-web ' "$(leases)" | awk '{print $3}' | cut -d/ -f1)
	run in_ns timeout 5 busybox wget -qO- "http://$ip/"
	[ "$output" = "hello from the vps" ]
	# published: from the host namespace at its own (gateway) address
	run in_ns timeout 5 busybox wget -qO- "http://10.88.0.1:8080/"
	[ "$output" = "hello from the vps" ]
	# published: from another namespace routed through the host (prerouting DNAT)
	ip netns add "$CLIENT"
	# made inside $NS, the peer going straight to $CLIENT: nothing in the host's netns
	ip -n "$NS" link add vpsnet-h type veth peer name vpsnet-cl netns "$CLIENT"
	ip -n "$CLIENT" addr add 192.0.2.2/24 dev vpsnet-cl
	ip -n "$CLIENT" link set vpsnet-cl up
	ip -n "$NS" addr add 192.0.2.1/24 dev vpsnet-h
	ip -n "$NS" link set vpsnet-h up
	run nsenter --net="/run/netns/$CLIENT" timeout 5 busybox wget -qO- "http://192.0.2.1:8080/"
	[ "$output" = "hello from the vps" ]
	in_ns nft list table inet vps-net-web | grep -q 'dport 8080 dnat ip to'
	n delete --force net-web
	assert_clean net-web
	! in_ns nft list ruleset | grep -q 8080
	run nsenter --net="/run/netns/$CLIENT" timeout 2 busybox wget -qO- "http://192.0.2.1:8080/"
	[ "$status" -ne 0 ]
	ip netns del "$CLIENT"
}

@test "net-fail: a create failing at each network step leaves nothing behind" {
	bundle net-f org.vps.net.ip=auto org.vps.net.bridge=vpsf0 \
		org.vps.net.gateway=10.77.0.1/24 org.vps.net.publish=81:80
	set_args "$WORK/net-f" sleep 600
	local step
	for step in bridge lease veth addr route nat etc; do
		VPS_NET_FAIL_AFTER=$step run n create --bundle "$WORK/net-f" net-f
		[ "$status" -eq 1 ] || { echo "step $step: status $status"; false; }
		[[ "$output" == *"injected failure after step $step"* ]] || { echo "$output"; false; }
		assert_clean net-f || { echo "step $step leaked"; false; }
		! in_ns ip link show vpsf0 2>/dev/null || { echo "step $step left vpsf0"; false; }
	done
}

@test "net-conflict: an address leased to another VPS is refused and nothing leaks" {
	bundle net-c1 org.vps.net.ip=10.88.0.60/16
	bundle net-c2 org.vps.net.ip=10.88.0.60/16
	set_args "$WORK/net-c1" sleep 600
	set_args "$WORK/net-c2" sleep 600
	n create --bundle "$WORK/net-c1" net-c1
	run n create --bundle "$WORK/net-c2" net-c2
	[ "$status" -eq 1 ]
	[[ "$output" == *"10.88.0.60 is already leased to net-c1"* ]]
	assert_clean net-c2
	n delete --force net-c1
	assert_clean net-c1
}

@test "net-bad: bad network annotations fail before anything is made" {
	bundle net-bad org.vps.net.ip=10.88.0.5/16 org.vps.net.publish=80
	run n create --bundle "$WORK/net-bad" net-bad
	[ "$status" -eq 1 ]
	[[ "$output" == *'org.vps.net.publish: expected HOSTPORT:VPSPORT[/tcp|udp], got "80"'* ]]
	assert_clean net-bad
}

@test "net-list: vps list shows each VPS's address" {
	bundle net-l org.vps.net.ip=10.88.0.70/16
	set_args "$WORK/net-l" sleep 600
	n create --bundle "$WORK/net-l" net-l
	run n list
	[[ "$output" == *ADDRESS* ]]
	[[ "$(echo "$output" | grep net-l)" == *10.88.0.70* ]]
	n delete --force net-l
}

@test "net-crash: delete --force cleans up after a create killed in the middle of networking" {
	bundle net-k org.vps.net.ip=auto org.vps.net.publish=82:80
	set_args "$WORK/net-k" sleep 600
	local step
	for step in veth nat; do
		# not `run`: the orphaned init keeps a captured stdout open until deleted
		local st=0
		VPS_NET_CRASH_AFTER=$step n create --bundle "$WORK/net-k" net-k \
			>"$WORK/crash.out" 2>&1 </dev/null || st=$?
		[ "$st" -eq 137 ] || { echo "step $step: status $st: $(cat "$WORK/crash.out")"; false; }
		grep -q "^net-k " "$(leases)"
		in_ns ip link show vh-net-k
		n delete --force net-k
		assert_clean net-k || { echo "crash after $step leaked"; false; }
	done
}

@test "net-concurrent: parallel creates with --ip auto never get the same address" {
	local i pids=()
	for i in 1 2 3 4; do
		bundle "net-p$i" org.vps.net.ip=auto org.vps.net.nat=false
		set_args "$WORK/net-p$i" sleep 600
	done
	for i in 1 2 3 4; do
		n create --bundle "$WORK/net-p$i" "net-p$i" &
		pids+=($!)
	done
	for i in "${pids[@]}"; do wait "$i"; done
	run n list -f json
	[ "$(echo "$output" | jq -r '.[] | select(.id | startswith("net-p")) | .address' | sort -u | wc -l)" -eq 4 ]
	[ "$(grep -c '^net-p' "$(leases)")" -eq 4 ]
	for i in 1 2 3 4; do n delete --force "net-p$i"; assert_clean "net-p$i"; done
}

@test "net-bundle: vps bundle --ip auto gives the VPS an address; mtu annotation applies" {
	"$VPS" bundle "$WORK/net-bt" --template busybox --ip auto >/dev/null
	jq_edit "$WORK/net-bt/config.json" '.annotations["org.vps.net.mtu"] = "1400"'
	n create --bundle "$WORK/net-bt" net-bt
	run nsenter -t "$(vps_pid net-bt)" -n busybox ip -o link show eth0
	[[ "$output" == *"mtu 1400"* ]]
	run nsenter -t "$(vps_pid net-bt)" -n busybox ip -o -4 addr show eth0
	[[ "$output" == *"inet 10.88.0."* ]]
	run n list
	[[ "$(echo "$output" | grep net-bt)" == *10.88.0.* ]]
	n delete --force net-bt
	assert_clean net-bt
}

# udp_listen PID PORT OUT: a UDP listener in PID's netns writing "SRC-IP payload"
# lines to OUT for 4 s (background; the caller waits for it).
udp_listen() {
	nsenter -t "$1" -n python3 -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("0.0.0.0", int(sys.argv[1])))
s.settimeout(4)
with open(sys.argv[2], "w") as f:
    try:
        while True:
            d, a = s.recvfrom(100)
            f.write("%s %s\n" % (a[0], d.decode())); f.flush()
    except socket.timeout:
        pass' "$2" "$3" &
}
# udp_send PID SRC DST PORT: a datagram from PID's netns with source address SRC
# (added to its eth0 first, as CAP_NET_ADMIN or a raw socket would allow)
udp_send() {
	nsenter -t "$1" -n ip addr replace "$2/32" dev eth0
	nsenter -t "$1" -n python3 -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind((sys.argv[1], 0))
s.sendto(sys.argv[1].encode(), (sys.argv[2], int(sys.argv[3])))' "$2" "$3" "$4"
}

@test "net-spoof: a VPS cannot send with another source address or poison the host's ARP entry" {
	up net-sa org.vps.net.ip=10.88.0.90/16
	up net-sb org.vps.net.ip=10.88.0.91/16
	local pa pb
	pa=$(vps_pid net-sa) pb=$(vps_pid net-sb)
	# eth0 carries the MAC the rules expect (02:56 + the IPv4 address)
	nsenter -t "$pa" -n busybox ip -o link show eth0 | grep -q 'link/ether 02:56:0a:58:00:5a'
	# the host learns net-sa's MAC
	in_ns busybox ping -c1 -W3 10.88.0.90
	in_ns ip neigh show 10.88.0.90 dev vps0 | grep -q 'lladdr 02:56:0a:58:00:5a'
	# datagrams from net-sb to net-sa: its own source arrives, spoofed ones do not
	udp_listen "$pa" 5555 "$WORK/udp.out"
	local l=$!
	sleep 0.5
	udp_send "$pb" 10.88.0.91 10.88.0.90 5555
	udp_send "$pb" 10.88.0.200 10.88.0.90 5555
	udp_send "$pb" 10.88.0.1 10.88.0.90 5555
	wait "$l"
	cat "$WORK/udp.out"
	grep -qx '10.88.0.91 10.88.0.91' "$WORK/udp.out"
	[ "$(wc -l <"$WORK/udp.out")" -eq 1 ]
	# net-sb claims net-sa's address by ARP, first with its own MAC, then with
	# net-sa's MAC: the host's entry for 10.88.0.90 stays net-sa's
	sleep 1.2 # past the neighbour table's locktime, so a forged update would apply
	nsenter -t "$pb" -n ip addr add 10.88.0.90/32 dev eth0
	nsenter -t "$pb" -n busybox arping -U -c 2 -w 2 -I eth0 -s 10.88.0.90 10.88.0.1 || true
	nsenter -t "$pb" -n busybox arping -A -c 2 -w 2 -I eth0 -s 10.88.0.90 10.88.0.1 || true
	in_ns ip neigh show 10.88.0.90 dev vps0
	in_ns ip neigh show 10.88.0.90 dev vps0 | grep -q 'lladdr 02:56:0a:58:00:5a'
	nsenter -t "$pb" -n ip link set eth0 address 02:56:0a:58:00:5a
	nsenter -t "$pb" -n busybox arping -U -c 2 -w 2 -I eth0 -s 10.88.0.90 10.88.0.1 || true
	# the bridge port of net-sa did not move to net-sb's veth either
	in_ns bridge fdb show br vps0 | grep '02:56:0a:58:00:5a'
	in_ns bridge fdb show br vps0 | grep '02:56:0a:58:00:5a' | grep -q 'dev vh-net-sa'
	in_ns busybox ping -c1 -W3 10.88.0.90
	down net-sa net-sb
}

@test "net-host: a host service on 0.0.0.0 is closed to VPSes unless host-access; DNS and ping to the gateway pass" {
	up net-h1 org.vps.net.ip=10.88.0.95/16
	up net-h2 org.vps.net.ip=10.88.0.96/16 org.vps.net.host-access=true
	mkdir -p "$WORK/hostwww"
	echo "host secret" >"$WORK/hostwww/index.html"
	# not in_ns (a function: $! would be its subshell, not the server)
	nsenter --net="/run/netns/$NS" busybox httpd -f -p 0.0.0.0:7777 -h "$WORK/hostwww" &
	local h=$!
	sleep 0.5
	run in_ns timeout 5 busybox wget -qO- http://10.88.0.1:7777/
	[ "$output" = "host secret" ] # the service is up
	run nsenter -t "$(vps_pid net-h1)" -n timeout 5 busybox wget -qO- http://10.88.0.1:7777/
	[ "$status" -ne 0 ]
	[ "$output" != "host secret" ]
	run nsenter -t "$(vps_pid net-h1)" -n timeout 5 busybox wget -qO- http://127.0.0.1:7777/
	[ "$output" != "host secret" ]
	# opted in: org.vps.net.host-access=true
	run nsenter -t "$(vps_pid net-h2)" -n timeout 5 busybox wget -qO- http://10.88.0.1:7777/
	[ "$output" = "host secret" ]
	kill "$h"
	wait "$h" || true
	# ICMP and DNS to the gateway stay open
	nsenter -t "$(vps_pid net-h1)" -n busybox ping -c1 -W3 10.88.0.1
	in_ns nft list table inet vps-net-h1 | grep -q 'ip daddr 10.88.0.1 meta l4proto { tcp, udp } th dport 53 accept'
	down net-h1 net-h2
}

@test "net-ping-unpriv: ping (ICMP socket) works in a VPS without CAP_NET_RAW" {
	up net-pu org.vps.net.ip=10.88.0.97/16
	local p
	p=$(vps_pid net-pu)
	[ "$(nsenter -t "$p" -n cat /proc/sys/net/ipv4/ping_group_range)" = "0	2147483647" ]
	# what ping(8) does without CAP_NET_RAW, as nobody with no capabilities at all
	nsenter -t "$p" -n setpriv --reuid 65534 --regid 65534 --clear-groups \
		--inh-caps=-all --bounding-set=-all /usr/bin/python3 -c '
import socket, struct
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM, socket.IPPROTO_ICMP)
s.settimeout(3)
s.sendto(struct.pack("!BBHHH", 8, 0, 0, 0, 1) + b"vps", ("10.88.0.1", 0))
d, a = s.recvfrom(100)
assert a[0] == "10.88.0.1" and d[0] == 0, (a, d)'
	# and vps bundle's default capability set has no CAP_NET_RAW, except for
	# the busybox template, whose ping knows only raw sockets
	mkdir -p "$WORK/net-tree/sbin" && cp /bin/busybox "$WORK/net-tree/sbin/init"
	"$VPS" bundle "$WORK/net-pub" --template "dir:$WORK/net-tree" >/dev/null
	! jq -r '.process.capabilities.bounding[]' "$WORK/net-pub/config.json" | grep -qx CAP_NET_RAW
	"$VPS" bundle "$WORK/net-pbb" --template busybox >/dev/null
	jq -r '.process.capabilities.bounding[]' "$WORK/net-pbb/config.json" | grep -qx CAP_NET_RAW
	down net-pu
}

@test "net-addr: an address without /LEN takes the bridge's prefix or is refused, never /16" {
	bundle net-n1 org.vps.net.ip=10.66.0.5 org.vps.net.bridge=vpsn0
	set_args "$WORK/net-n1" sleep 600
	run n create --bundle "$WORK/net-n1" net-n1
	[ "$status" -eq 1 ]
	[[ "$output" == *"org.vps.net.ip: 10.66.0.5 has no /LEN and bridge vpsn0 does not exist yet"* ]]
	assert_clean net-n1
	! in_ns ip link show vpsn0 2>/dev/null
	# the bridge exists with 10.66.0.1/24: the VPS gets /24 and that gateway
	in_ns ip link add vpsn0 type bridge
	in_ns ip addr add 10.66.0.1/24 dev vpsn0
	n create --bundle "$WORK/net-n1" net-n1
	run nsenter -t "$(vps_pid net-n1)" -n busybox ip -o -4 addr show eth0
	[[ "$output" == *"inet 10.66.0.5/24"* ]]
	nsenter -t "$(vps_pid net-n1)" -n busybox ip route | grep -q 'default via 10.66.0.1'
	# an address outside every subnet of the bridge is refused
	bundle net-n2 org.vps.net.ip=10.67.0.5 org.vps.net.bridge=vpsn0
	set_args "$WORK/net-n2" sleep 600
	run n create --bundle "$WORK/net-n2" net-n2
	[ "$status" -eq 1 ]
	[[ "$output" == *"10.67.0.5 has no /LEN and bridge vpsn0 has no IPv4 subnet holding it"* ]]
	assert_clean net-n2
	# a gateway clashing with the bridge's address is refused, nothing added
	bundle net-n3 org.vps.net.ip=10.66.0.9/16 org.vps.net.gateway=10.66.0.1/16 \
		org.vps.net.bridge=vpsn0
	set_args "$WORK/net-n3" sleep 600
	run n create --bundle "$WORK/net-n3" net-n3
	[ "$status" -eq 1 ]
	[[ "$output" == *"bridge vpsn0 has IPv4 10.66.0.1/24, which conflicts with the gateway 10.66.0.1/16"* ]]
	assert_clean net-n3
	[ "$(in_ns ip -o -4 addr show dev vpsn0 | wc -l)" -eq 1 ]
	down net-n1
	in_ns ip link del vpsn0
}

@test "net-dup: addresses and published ports are unique across state roots" {
	mkdir -p "$WORK/state2"
	n2() { in_ns "$VPS" --root "$WORK/state2" "$@"; }
	bundle net-d1 org.vps.net.ip=10.88.0.110/16 org.vps.net.ip6=fd00:88::110/64 \
		org.vps.net.publish=8090:80/tcp
	bundle net-d2 org.vps.net.ip=10.88.0.110/16
	bundle net-d3 org.vps.net.ip=10.88.0.111/16 org.vps.net.ip6=fd00:88::110/64
	bundle net-d4 org.vps.net.ip=10.88.0.112/16 org.vps.net.publish=8091:80,8090:81/tcp
	bundle net-d5 org.vps.net.ip=10.88.0.113/16 org.vps.net.publish=8090:80/udp
	local i
	for i in 1 2 3 4 5; do set_args "$WORK/net-d$i" sleep 600; done
	n create --bundle "$WORK/net-d1" net-d1
	# another state root: same IPv4, same IPv6, same host port
	run n2 create --bundle "$WORK/net-d2" net-d2
	[ "$status" -eq 1 ]
	[[ "$output" == *"address 10.88.0.110 is already leased to net-d1 (state root $ROOT)"* ]]
	run n2 create --bundle "$WORK/net-d3" net-d3
	[ "$status" -eq 1 ]
	[[ "$output" == *"address fd00:88::110 is already leased to net-d1"* ]]
	run n create --bundle "$WORK/net-d4" net-d4
	[ "$status" -eq 1 ]
	[[ "$output" == *"host port 8090/tcp is already published by net-d1"* ]]
	for i in 2 3; do
		[ ! -e "$WORK/state2/net-d$i" ]
		! in_ns ip -o link show | grep -q "vh-net-d$i"
		! in_ns nft list tables | grep -q "vps-net-d$i\$"
		! grep -qs "^net-d$i " "$(leases)"
	done
	assert_clean net-d4
	# the same port over UDP is another port
	n2 create --bundle "$WORK/net-d5" net-d5
	n2 delete --force net-d5
	n delete --force net-d1
	assert_clean net-d1
	# freed: the other root may have the address now
	n2 create --bundle "$WORK/net-d2" net-d2
	n2 delete --force net-d2
	cat "$(leases)" 2>/dev/null || true
	[ ! -e "$(leases)" ]
}
