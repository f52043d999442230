# Sourced by the networked migration suites (migrate-net, migrate-systemd),
# after migrate_helpers.bash:
# "hosts" on this machine, each a network and a mount namespace of its own
# (its own /run, so its own lease file and /run/vps), a state root
# $WORK/state-NAME and the bridge mnbr0 (VPS subnet 10.91.0.0/16) at
# 192.168.91.N; a client in a network namespace of its own on host a's bridge
# (10.91.0.200) that holds one TCP connection to a server in a VPS (answering
# each line with "N LINE", N counting from 1 on that connection); what is
# left of a VPS on a host. NETWORK SAFETY: nothing is made in the host's
# network namespace.

# host_ns NAME N: host NAME (mig_host, tests/migrate_helpers.bash) with
# mnbr0 at 192.168.91.N/24
host_ns() {
	mig_host "$1"
	on "$1" ip link add mnbr0 type bridge
	on "$1" ip addr add "192.168.91.$2/24" dev mnbr0
	on "$1" ip link set mnbr0 up
}

# hosts_ab: hosts a and b (host_ns at 192.168.91.1 and .2), each with its
# sshd on that address (root logs in with the key $K/id; $RSH is the ssh
# command that does), their bridges joined by a veth: one Ethernet segment,
# as hosts on one LAN are
hosts_ab() {
	local h
	[ -x /usr/sbin/sshd ] || { echo "openssh-server missing (make deps installs it)" >&2; return 1; }
	export K=$WORK/ssh
	export RSH="ssh -i $K/id -o BatchMode=yes -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR"
	mkdir -p "$K"
	host_ns a 1
	mig_sshd a 192.168.91.1
	host_ns b 2
	mig_sshd b 192.168.91.2
	on a ip link add up0 type veth peer name up0 netns "$(cat "$WORK/b.pid")"
	for h in a b; do on "$h" ip link set up0 master mnbr0 up; done
}
# over_ssh FROM TO NAME BUNDLE: vps migrate NAME from host FROM to host TO
# (a or b) over ssh, its bundle BUNDLE there
over_ssh() {
	local n=1
	[ "$2" = a ] || n=2
	vps_on "$1" migrate "$3" "root@192.168.91.$n" --rsh "$RSH" --to-vps "$VPS" \
		--to-root "$WORK/state-$2" --to-inventory "$WORK/inv-$2" --to-bundle "$4"
}

# client_ns: the client's network namespace, on host a's bridge
client_ns() {
	unshare -n sleep 1000000 </dev/null >/dev/null 2>&1 &
	echo $! >"$WORK/c.pid"
	on a ip link add cl0 type veth peer name cl0 netns "$(cat "$WORK/c.pid")"
	on a ip link set cl0 master mnbr0 up
	in_c ip link set lo up
	in_c ip addr add 10.91.0.200/16 dev cl0
	in_c ip link set cl0 up
}

# mignet_teardown HOST...: delete every VPS of those hosts' state roots
# (a2: a's second one), end the hosts (and their sshd) and the client
mignet_teardown() {
	local h id
	client_down 2>/dev/null || true
	for h in "$@"; do
		for id in $(ls "$WORK/state-$h" 2>/dev/null); do
			vps_on "$h" delete --force "$id" >/dev/null 2>&1 || true
		done
	done
	for h in "$@"; do
		[ ! -s "$WORK/$h.sshd.pid" ] || kill "$(cat "$WORK/$h.sshd.pid")" 2>/dev/null || true
		[ ! -s "$WORK/$h.pid" ] || kill "$(cat "$WORK/$h.pid")" 2>/dev/null || true
	done
	[ ! -s "$WORK/c.pid" ] || kill "$(cat "$WORK/c.pid")" 2>/dev/null || true
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
init_on() { vps_on "$1" state "$2" | jq -r .pid; }

# client_up HOST NAME IP: once NAME listens (within 60 s), one TCP connection
# from the client to IP:5000; say sends lines on it
client_up() {
	local i init
	client_down 2>/dev/null || true # a failed test's client
	init=$(init_on "$1" "$2")
	for i in $(seq 600); do
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
# say N LINE: the answer to LINE is "N LINE" on the same connection (within 60 s)
say() {
	local i
	echo "$2" >&8
	for i in $(seq 600); do
		grep -qx "$1 $2" "$WORK/client.out" && return 0
		sleep 0.1
	done
	echo "no answer \"$1 $2\"; the client got:" >&2
	cat "$WORK/client.out" >&2
	return 1
}

# mac HOST NAME / addr HOST NAME: the VPS's eth0, from inside
mac() { nsenter -t "$(init_on "$1" "$2")" -n ip -o link show dev eth0 | grep -o 'link/ether [^ ]*'; }
addr() { nsenter -t "$(init_on "$1" "$2")" -n ip -o -4 addr show dev eth0 | awk '{ print $4 }'; }
leases() { on "$1" sh -c 'cat /run/vps/@net/leases-* 2>/dev/null' || true; }

# gone HOST NAME ROOT [shared]: nothing of NAME under ROOT (state, cgroup,
# lease) nor on HOST parked (vx-NAME) or left by a restore (its veth peer
# vr-NAME); without shared (NAME runs under no other root of HOST) no host
# veth and no nft table of NAME either
gone() {
	local h=$1 n=$2 root=$3
	! on "$h" ip -o link show | grep -q "vx-$n[@:]" || { echo "parked veth of $n left on $h"; return 1; }
	! on "$h" ip -o link show | grep -q "vr-$n[@:]" || { echo "restore's veth peer of $n left on $h"; return 1; }
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

# mignet_setup_file: a suite's setup: criu and rsync, hosts a and b, a second
# state root on a, the client
mignet_setup_file() {
	vps_setup_file
	vps_need_criu || return 1
	command -v rsync >/dev/null || { echo "rsync missing (make deps installs it)" >&2; return 1; }
	hosts_ab || return 1
	mkdir -p "$WORK/state-a2"
	client_ns
}
