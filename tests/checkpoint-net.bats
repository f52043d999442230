#!/usr/bin/env bats
# checkpoint/restore of a VPS with the VPS network (org.vps.net.*, issue 19):
# CRIU dumps the VPS's network namespace (eth0 with its MAC, addresses,
# routes) and makes the veth pair anew on restore, the host end on the same
# bridge; vps makes the host side (lease of the same addresses, nft tables).
# After restore the VPS has its IP and MAC, is reachable from the host, and a
# TCP connection from the host survives with --tcp-established; a restore
# into another state root works (what migrate does); failures leave nothing
# behind (veth, nft table, lease, cgroup, state) and the source untouched.
# NETWORK SAFETY: as net.bats, everything runs in a "host" network namespace
# this file makes; criu as in checkpoint.bats (tests/tools/criu-private.sh).
# timeout: 600
load helpers

setup_file() {
	vps_setup_file
	vps_need_criu || return 1
	export NS=vpsck-host-$$ ROOT2=$WORK/state2
	mkdir -p "$ROOT2"
	ip netns add "$NS"
	ip -n "$NS" link set lo up
	make_busybox_bundle "$WORK/base"
	echo "hello from the vps" >"$WORK/base/rootfs/index.html"
}
teardown_file() {
	local r id
	for r in "$ROOT" "$ROOT2"; do
		for id in $(ls "$r" 2>/dev/null); do
			in_ns "$VPS" --root "$r" delete --force "$id" >/dev/null 2>&1 || true
		done
	done
	ip netns del "$NS" 2>/dev/null || true
	vps_teardown_file
}

in_ns() { nsenter --net="/run/netns/$NS" "$@"; }
# vc [--root R] ARGS: vps with criu in the host namespace (default root $ROOT)
vc() {
	local r=$ROOT
	[ "$1" != --root ] || { r=$2; shift 2; }
	in_ns "$VPS" --root "$r" --criu "$CRIU" "$@"
}
leases() { echo "/run/vps/@net/leases-$(stat -L -c %i "/run/netns/$NS")"; }
init_pid() { vc ${2:+--root "$2"} state "$1" | jq -r .pid; }

# bundle ID ARGS...: a copy of the base bundle on the bridge ckbr0
# (10.89.0.0/16) running ARGS, its stdio /dev/null
bundle() {
	local id=$1; shift
	cp -a "$WORK/base" "$WORK/$id"
	jq_edit "$WORK/$id/config.json" '.annotations += {"org.vps.net.bridge": "ckbr0",
		"org.vps.net.gateway": "10.89.0.1/16"}'
	set_args "$WORK/$id" "$@"
}
# ann ID KEY=VALUE...: more annotations
ann() {
	local id=$1 a; shift
	for a; do
		jq_edit "$WORK/$id/config.json" --arg k "${a%%=*}" --arg v "${a#*=}" '.annotations[$k] = $v'
	done
}
start() { vc run -d --bundle "$WORK/$1" "$1" </dev/null >/dev/null 2>&1; }

# an httpd and a counter (a child writing 1, 2, 3... to /tmp/count)
SERVE='httpd -p 80 -h /; sh -c '"'"'i=0; while :; do i=$((i+1)); echo $i >/tmp/c.new; mv /tmp/c.new /tmp/count; sleep 0.05; done'"'"' & wait'
count() { cat "$WORK/$1/rootfs/tmp/count" 2>/dev/null || echo 0; }
wait_count() {
	local i
	for i in $(seq 100); do [ "$(count "$1")" -ge "$2" ] && return 0; sleep 0.1; done
	return 1
}
get() { in_ns timeout 5 busybox wget -qO- "http://$1/index.html"; }

# nothing of id left in the host namespace and under root: veth, lease,
# nft tables, state, cgroup
clean() {
	local id=$1 root=${2:-$ROOT}
	! in_ns ip -o link show | grep -q "vh-$id[@:]"
	! grep -qs "^$id .* $root\$" "$(leases)"
	! in_ns nft list tables | grep -q "vps-$id\$"
	[ ! -e "$root/$id" ]
	! compgen -G "/sys/fs/cgroup/*$(cgrel "$id" "$root")" >/dev/null
}

# the VPS's view of eth0 (address, MAC) from inside its netns
eth0() { nsenter -t "$(init_pid "$@")" -n ip -o addr show dev eth0; }
# (ip, not /sys/class/net: /sys is the host's sysfs)
mac() { nsenter -t "$(init_pid "$@")" -n ip -o link show dev eth0 | grep -o 'link/ether [^ ]*' | cut -d' ' -f2; }

@test "checkpoint-net: a VPS keeps its IPs, MAC and MTU, is reachable, counts on; the dump leaves nothing behind" {
	bundle cn1 sh -c "$SERVE"
	ann cn1 org.vps.net.ip=auto org.vps.net.ip6=auto org.vps.net.mtu=1400
	start cn1
	wait_count cn1 10
	ip4=$(vc state cn1 | jq -r .address | cut -d, -f1)
	[[ "$ip4" == 10.89.0.* ]]
	mac0=$(mac cn1)
	[ "$(get "$ip4")" = "hello from the vps" ]
	run vc checkpoint --image-path "$WORK/img1" cn1
	[ "$status" -eq 0 ]
	jq -e --arg ip "$ip4/16" '.net.ip == $ip and .net.bridge == "ckbr0"' "$WORK/img1/vps-checkpoint.json"
	# eth0 is a way in: criu's network lock stays (criu_netlock.c)
	jq -e '.netIsolated == false' "$WORK/img1/vps-checkpoint.json"
	# as delete: veth, lease, nft tables, state and cgroup are gone
	clean cn1
	c0=$(count cn1)
	run vc restore -d --image-path "$WORK/img1" --bundle "$WORK/cn1" cn1
	[ "$status" -eq 0 ]
	[ "$(vc state cn1 | jq -r .status)" = running ]
	run eth0 cn1
	# ip6=auto: the default gateway6 prefix with the IPv4 host number
	[[ "$output" == *"inet $ip4/16"* && "$output" == *"inet6 fd00:88::$(printf %x "${ip4##*.}")/64"* ]]
	[ "$(mac cn1)" = "$mac0" ]
	[ "$mac0" = "$(printf '02:56:%02x:%02x:%02x:%02x' ${ip4//./ })" ]
	# the host end: same name, on the bridge, up, the MTU of the VPS's
	run in_ns ip -o link show vh-cn1
	[[ "$output" == *"mtu 1400"* && "$output" == *"master ckbr0"* && "$output" == *"state UP"* ]]
	grep -q "^cn1 ckbr0 $ip4/16 " "$(leases)"
	in_ns nft list table bridge vps-cn1 | grep -q "$mac0"
	[ "$(get "$ip4")" = "hello from the vps" ]
	sleep 0.3
	[ "$(count cn1)" -gt "$c0" ]
	vc delete -f cn1
	clean cn1
}

@test "checkpoint-net: restore into another state root (as migrate does) under the same id" {
	bundle cn2 sh -c "$SERVE"
	ann cn2 org.vps.net.ip=10.89.0.20/16
	start cn2
	wait_count cn2 5
	vc checkpoint --image-path "$WORK/img2" cn2
	clean cn2
	run vc --root "$ROOT2" restore -d --image-path "$WORK/img2" --bundle "$WORK/cn2" cn2
	[ "$status" -eq 0 ]
	[ "$(get 10.89.0.20)" = "hello from the vps" ]
	grep -q "^cn2 ckbr0 10.89.0.20/16 $ROOT2\$" "$(leases)"
	[ "$(vc --root "$ROOT2" list -q)" = cn2 ]
	[ -z "$(vc list -q)" ]
	vc --root "$ROOT2" delete -f cn2
	clean cn2 "$ROOT2"
}

@test "checkpoint-net: next to the running source (--leave-running), a restore fails on the address and the source is untouched" {
	bundle cn3 sh -c "$SERVE"
	ann cn3 org.vps.net.ip=10.89.0.30/16
	start cn3
	wait_count cn3 5
	pid=$(init_pid cn3)
	vc checkpoint --leave-running --image-path "$WORK/img3" cn3
	run vc --root "$ROOT2" restore -d --image-path "$WORK/img3" --bundle "$WORK/cn3" cn3
	[ "$status" -eq 1 ]
	[[ "$output" == "vps: restore cn3: network: lease on ckbr0: address 10.89.0.30 is already leased to cn3 (state root $ROOT)" ]]
	[ ! -e "$ROOT2/cn3" ]
	! compgen -G "/sys/fs/cgroup/*$(cgrel cn3 "$ROOT2")" >/dev/null
	# under another id in the source's root: the same
	run vc restore -d --image-path "$WORK/img3" --bundle "$WORK/cn3" cn3b
	[ "$status" -eq 1 ]
	[[ "$output" == *"address 10.89.0.30 is already leased to cn3"* ]]
	clean cn3b
	# the source: same init, its veth, lease, tables, still serving
	[ "$(init_pid cn3)" = "$pid" ]
	[ "$(vc state cn3 | jq -r .status)" = running ]
	grep -q "^cn3 ckbr0 10.89.0.30/16 $ROOT\$" "$(leases)"
	in_ns nft list table inet vps-cn3 >/dev/null
	[ "$(get 10.89.0.30)" = "hello from the vps" ]
	vc delete -f cn3
	clean cn3
}

@test "checkpoint-net: a restore failing in criu or after it leaves no veth, nft table, lease, cgroup or state" {
	bundle cn4 sh -c "$SERVE"
	ann cn4 org.vps.net.ip=10.89.0.40/16
	start cn4
	wait_count cn4 5
	vc checkpoint --image-path "$WORK/img4" cn4
	clean cn4
	# criu fails (a memory image missing) after vps made the host side
	cp -a "$WORK/img4" "$WORK/img4bad"
	rm -f "$WORK"/img4bad/pages-*.img
	run vc restore -d --image-path "$WORK/img4bad" --bundle "$WORK/cn4" cn4
	[ "$status" -eq 1 ]
	[[ "$output" == *"criu restore failed"* ]]
	clean cn4
	# a failure once criu restored it (injected after the host veth is set up):
	# the restored tree is killed too
	VPS_NET_FAIL_AFTER=restore run vc restore -d --image-path "$WORK/img4" --bundle "$WORK/cn4" cn4
	[ "$status" -eq 1 ]
	[[ "$output" == *"injected failure after step restore"* ]]
	clean cn4
	# and the image still restores after both
	run vc restore -d --image-path "$WORK/img4" --bundle "$WORK/cn4" cn4
	[ "$status" -eq 0 ]
	[ "$(get 10.89.0.40)" = "hello from the vps" ]
	vc delete -f cn4
	clean cn4
}

@test "checkpoint-net: config.json must agree with the checkpoint (checked before anything is made)" {
	bundle cn5 sh -c "$SERVE"
	ann cn5 org.vps.net.ip=10.89.0.50/16
	start cn5
	wait_count cn5 5
	vc checkpoint --image-path "$WORK/img5" cn5
	cp -a "$WORK/cn5" "$WORK/cn5x"
	ann cn5x org.vps.net.ip=10.89.0.51/16
	run vc restore -d --image-path "$WORK/img5" --bundle "$WORK/cn5x" cn5
	[ "$status" -eq 1 ]
	[[ "$output" == "vps: restore cn5: config.json: org.vps.net.ip is 10.89.0.51/16 but the checkpointed VPS has ip 10.89.0.50/16" ]]
	clean cn5
	jq_edit "$WORK/cn5x/config.json" '.annotations |= with_entries(select(.key | startswith("org.vps.net.") | not))'
	run vc restore -d --image-path "$WORK/img5" --bundle "$WORK/cn5x" cn5
	[ "$status" -eq 1 ]
	[[ "$output" == "vps: restore cn5: the checkpoint has the VPS network but config.json has no org.vps.net.ip" ]]
	clean cn5
	ann cn5x org.vps.net.bridge=ckbr0 org.vps.net.gateway=10.89.0.1/16 org.vps.net.ip=auto \
		org.vps.net.ip6=auto
	run vc restore -d --image-path "$WORK/img5" --bundle "$WORK/cn5x" cn5
	[ "$status" -eq 1 ]
	[[ "$output" == *"org.vps.net.ip6 is set but the checkpointed VPS has no IPv6 address" ]]
	clean cn5
	# "auto" takes the checkpoint's address, whatever is free now
	jq_edit "$WORK/cn5x/config.json" 'del(.annotations["org.vps.net.ip6"])'
	run vc restore -d --image-path "$WORK/img5" --bundle "$WORK/cn5x" cn5
	[ "$status" -eq 0 ]
	[ "$(vc state cn5 | jq -r .address)" = 10.89.0.50 ]
	vc delete -f cn5
	clean cn5
}

@test "checkpoint-net: a TCP connection from the host survives checkpoint and restore with --tcp-established" {
	# (the server's stdin stays open: nc ends at its EOF)
	bundle cn6 sh -c 'sleep 100000 | nc -l -p 5000 >/tmp/got'
	ann cn6 org.vps.net.ip=10.89.0.60/16
	start cn6
	sleep 0.3
	# the client in the host namespace: one line every 0.05 s on one connection
	# (a process group of its own, ended by its id at the end)
	setsid nsenter --net="/run/netns/$NS" sh -c \
		'i=0; while :; do echo $i; i=$((i+1)); sleep 0.05; done | busybox nc 10.89.0.60 5000' \
		</dev/null >/dev/null 2>&1 &
	client=$!
	for i in $(seq 50); do [ "$(wc -l <"$WORK/cn6/rootfs/tmp/got")" -ge 5 ] && break; sleep 0.1; done
	run vc checkpoint --image-path "$WORK/img6" cn6
	[ "$status" -eq 1 ]
	[[ "$output" == *"Connected TCP socket, consider using --tcp-established option"* ]]
	run vc checkpoint --tcp-established --image-path "$WORK/img6" cn6
	[ "$status" -eq 0 ]
	clean cn6
	n0=$(wc -l <"$WORK/cn6/rootfs/tmp/got")
	run vc restore -d --tcp-established --image-path "$WORK/img6" --bundle "$WORK/cn6" cn6
	[ "$status" -eq 0 ]
	for i in $(seq 50); do [ "$(wc -l <"$WORK/cn6/rootfs/tmp/got")" -gt $((n0 + 5)) ] && break; sleep 0.1; done
	# the same connection carries on: the file grows, lines in sequence
	[ "$(wc -l <"$WORK/cn6/rootfs/tmp/got")" -gt $((n0 + 5)) ]
	kill -0 "$client"
	awk 'NR != $1 + 1 { exit 1 }' "$WORK/cn6/rootfs/tmp/got"
	kill -- -"$client"
	vc delete -f cn6
	clean cn6
}
