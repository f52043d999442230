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
	for id in $(ls "$ROOT" 2>/dev/null); do
		nsenter --net="/run/netns/$NS" "$VPS" --root "$ROOT" delete --force "$id" >/dev/null 2>&1 || true
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

# nothing of VPS id left in $NS: host veth, lease, nft table, state
assert_clean() {
	local id=$1
	! in_ns ip -o link show | grep -q "vh-$id"
	! grep -qs "^$id " "$ROOT/@net/leases"
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
10.88.0.2/16 10.88.0.50/16" ]
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
	[ -n "$ip" ] || ip=$(grep '^net-web ' "$ROOT/@net/leases" | awk '{print $3}' | cut -d/ -f1)
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
	in_ns nft list table ip vps-net-web | grep -q 'dport 8080 dnat to'
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
		grep -q "^net-k " "$ROOT/@net/leases"
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
	[ "$(grep -c '^net-p' "$ROOT/@net/leases")" -eq 4 ]
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
