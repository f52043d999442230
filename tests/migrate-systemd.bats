#!/usr/bin/env bats
# Checkpoint/restore and live migration (issue 19, test 2) of what operators
# run: `vps bundle --template debian` with an IP, a VPS with a user namespace
# of its own (mapped) whose init is systemd. Its systemd made sub-cgroups
# (init.scope, system.slice/...) and watches their cgroup.events: restore
# makes them again owned by the VPS's root, so the restored systemd reopens
# them. A server in the VPS is systemd's socket activation (echo.socket,
# Accept=yes: an echo@ instance per connection answers each line with a
# counter); a client in a network namespace of its own holds one TCP
# connection to it across the checkpoint/restore, a migration to another
# state root of host a whose restore fails (the source runs on) and the
# migration over ssh from host a to host b. Afterwards: the same
# connection answers on, the same IP and MAC, systemd still running, its
# uptime goes on, and nothing of the VPS is left where it was (cgroup in any
# hierarchy, veth, nft table, lease, state, record, id range, bundle); once
# the VPS is destroyed, nothing at all. Its ping range
# (net.ipv4.ping_group_range) is its own groups, before and after (one set
# to every host id, as older vps did, is fitted to them at the dump). CRIU
# restores its eth0 by moving in a veth peer vps made (netns/restore.c).
# The hosts a and b (their own network and mount namespaces, /run, state
# root, inventory, bridge and sshd; the bridges joined) and the client:
# tests/mignet_helpers.bash; nothing in the host's network namespace. criu as
# tests/checkpoint.bats. Run under the test lock.
# timeout: 300
load helpers
load migrate_helpers
load mignet_helpers

setup_file() {
	mignet_setup_file || return 1
}
teardown_file() {
	[ -n "${WORK:-}" ] || return 0
	mignet_teardown a a2 b
	vps_teardown_file
}

# sdvps NAME IP: the debian template's VPS NAME at IP on host a, serving
# the echo through systemd's socket activation, booted (within 60 s)
sdvps() {
	local n=$1 ip=$2 r=$WORK/$1/rootfs i s
	va bundle "$WORK/$n" --template debian --name "$n" --ip "$ip/16" --bridge mnbr0 \
		--gateway 10.91.0.1/16 >"$WORK/$n.log" 2>&1 || { cat "$WORK/$n.log"; return 1; }
	jq -e '.annotations["org.vps.userns"] == "mapped" and .annotations["org.vps.init"] == "systemd"' \
		"$WORK/$n/config.json" >/dev/null
	# procview without lxcfs: a host lxcfs is a FUSE mount CRIU cannot dump
	jq_edit "$WORK/$n/config.json" '.annotations["org.vps.procview"] = "kernel"'
	printf '#!/bin/bash\ni=0\nwhile read -r l; do i=$((i+1)); echo "$i $l"; done\n' >"$r/usr/local/bin/vps-echo"
	chmod 755 "$r/usr/local/bin/vps-echo"
	printf '[Socket]\nListenStream=5000\nAccept=yes\n[Install]\nWantedBy=sockets.target\n' \
		>"$r/etc/systemd/system/echo.socket"
	printf '[Service]\nExecStart=/usr/local/bin/vps-echo\nStandardInput=socket\n' \
		>"$r/etc/systemd/system/echo@.service"
	mkdir -p "$r/etc/systemd/system/sockets.target.wants"
	ln -s ../echo.socket "$r/etc/systemd/system/sockets.target.wants/echo.socket"
	va start "$n"
	for i in $(seq 300); do
		s=$(va exec "$n" systemctl is-system-running 2>/dev/null) || true
		case $s in running | degraded) break ;; esac
		sleep 0.2
	done
	echo "$n: systemd is $s"
	[ "$s" = running ]
}

# uptime_on HOST NAME: whole seconds of uptime inside NAME
uptime_on() { vps_on "$1" exec "$2" cut -d. -f1 /proc/uptime; }
# booted_on HOST NAME: systemd's own boot timestamp (monotonic, in its time namespace)
booted_on() { vps_on "$1" exec "$2" systemctl show -P UserspaceTimestampMonotonic; }
# healthy HOST NAME: systemd running, no unit failed
healthy() {
	local s
	s=$(vps_on "$1" exec "$2" systemctl is-system-running) || true
	[ "$s" = running ] || { echo "$2: systemd is $s"; vps_on "$1" exec "$2" systemctl --failed --no-legend; return 1; }
	[ -z "$(vps_on "$1" exec "$2" systemctl --failed --no-legend)" ]
}
# pingrange HOST NAME: net.ipv4.ping_group_range as NAME reads it (vps opens
# it to the VPS's groups: 0 to 65535 in its user namespace)
pingrange() { vps_on "$1" exec "$2" cat /proc/sys/net/ipv4/ping_group_range | tr '\t' ' '; }
# subcg_owner HOST NAME ROOT: the owner (host uid) of every sub-cgroup of
# NAME's cgroup2 directory that systemd made, one line each
subcg_owner() {
	local d
	d=$(compgen -G "/sys/fs/cgroup/*$(cgrel "$2" "$3")/init.scope" | head -1)
	[ -n "$d" ] || { echo "no init.scope under $2's cgroup2 directory" >&2; return 1; }
	find "${d%/init.scope}" -mindepth 1 -type d -printf '%u\n' | sort -u
}

# keep HOST NAME: what a move of NAME must keep, in the globals init0 (its
# init's pid), mac0, base (the first host id of its id map), up0 (its uptime
# inside, 2 s on: a fresh boot would show less) and boot0 (systemd's boot)
keep() {
	init0=$(init_on "$1" "$2")
	mac0=$(mac "$1" "$2")
	base=$(jq -r '.linux.uidMappings[0].hostID' "$WORK/$2/config.json")
	sleep 2
	up0=$(uptime_on "$1" "$2")
	boot0=$(booted_on "$1" "$2")
}
# kept HOST NAME ROOT IP: NAME runs on HOST under ROOT as keep saw it:
# systemd running, its uptime on (not reset), the same boot, MAC, address and
# ping range, its network whole there, its sub-cgroups its root's
kept() {
	local h=$1 n=$2 root=$3 ip=$4
	healthy "$h" "$n"
	[ "$(uptime_on "$h" "$n")" -ge "$up0" ] || { echo "$n: uptime reset (was $up0)"; return 1; }
	[ "$(booted_on "$h" "$n")" = "$boot0" ] || { echo "$n: systemd booted again"; return 1; }
	[ "$(mac "$h" "$n")" = "$mac0" ] || { echo "$n: MAC $(mac "$h" "$n"), was $mac0"; return 1; }
	[ "$(addr "$h" "$n")" = "$ip/16" ] || { echo "$n: address $(addr "$h" "$n")"; return 1; }
	[ "$(pingrange "$h" "$n")" = "0 65535" ] || { echo "$n: ping range $(pingrange "$h" "$n")"; return 1; }
	wired "$h" "$n" "$root" "$ip"
	[ "$(subcg_owner "$h" "$n" "$root")" = "$base" ] || { echo "$n: sub-cgroups not its root's"; return 1; }
}
# left_a NAME: nothing of NAME is left on host a (gone: no cgroup, veth, nft
# table, lease or state): its init (init0) ended, no list entry, record, id
# range (base) or bundle
left_a() {
	[ ! -e "/proc/$init0" ] || { echo "$1: init $init0 left"; return 1; }
	gone a "$1" "$WORK/state-a"
	! va list -q | grep -qx "$1" || { echo "$1 still listed on a"; return 1; }
	[ ! -e "$WORK/inv-a/vps/$1.json" ] || { echo "$1: record left on a"; return 1; }
	[ ! -e "$WORK/inv-a/idranges/$base.range" ] || { echo "$1: id range $base left on a"; return 1; }
	[ ! -e "$WORK/$1" ] || { echo "$1: bundle left on a"; return 1; }
}

@test "migrate-systemd: a mapped systemd VPS with an IP checkpoints and restores: the client's TCP connection, systemd and its uptime go on; its sub-cgroups are its root's" {
	debian_or_skip
	sdvps ms1 10.91.0.11
	base=$(jq -r '.linux.uidMappings[0].hostID' "$WORK/ms1/config.json")
	[ "$(subcg_owner a ms1 "$WORK/state-a")" = "$base" ]
	[ "$(pingrange a ms1)" = "0 65535" ]
	# as an older vps opened it (every host id: no CRIU could restore that
	# inside the VPS's user namespace): the dump fits it to the VPS's groups
	nsenter -t "$(init_on a ms1)" -n sh -c 'echo 0 2147483647 >/proc/sys/net/ipv4/ping_group_range'
	client_up a ms1 10.91.0.11
	say 1 before
	keep a ms1
	run va checkpoint --tcp-established --image-path "$WORK/img1" ms1
	echo "$output"
	[ "$status" -eq 0 ]
	[ ! -e "/proc/$init0" ]
	run va restore -d --tcp-established --image-path "$WORK/img1" --bundle "$WORK/ms1" ms1
	echo "$output"
	[ "$status" -eq 0 ]
	say 2 after
	# its sub-cgroups made again for it, as its systemd made them: its root's
	kept a ms1 "$WORK/state-a" 10.91.0.11
	[ "$(nspid "$(init_on a ms1)")" = 1 ]
	client_down
	va stop ms1
	va destroy ms1
	gone a ms1 "$WORK/state-a"
}

@test "migrate-systemd: a mapped systemd VPS with an IP moves live over ssh to another host while a client is connected: same connection, IP and MAC, systemd and its uptime go on, nothing left on the source; a failed restore leaves it running" {
	debian_or_skip
	sdvps ms2 10.91.0.12
	client_up a ms2 10.91.0.12
	say 1 before
	keep a ms2
	# to another root of host a, whose restore fails once criu restored it:
	# the source runs on with its network and connection, nothing of it there
	VPS_NET_FAIL_AFTER=restore run va migrate ms2 --to-root "$WORK/state-a2" \
		--to-inventory "$WORK/inv-a2" --to-bundle "$WORK/ms2.d"
	echo "$output"
	[ "$status" -eq 1 ]
	[[ "$output" == *"injected failure after step restore"* ]]
	[ "$(init_on a ms2)" = "$init0" ]
	[ "$(va state ms2 | jq -r .status)" = running ]
	wired a ms2 "$WORK/state-a" 10.91.0.12
	gone a ms2 "$WORK/state-a2" shared
	[ ! -e "$WORK/ms2.d" ]
	say 2 "after a failed restore"
	# over ssh to host b
	run over_ssh a b ms2 "$WORK/ms2.b"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"migrated ms2 to root@192.168.91.2: downtime "* ]]
	# the same echo@ instance on the same connection: its counter goes on
	say 3 after
	kept b ms2 "$WORK/state-b" 10.91.0.12
	[ "$(jq -r .bundle "$WORK/inv-b/vps/ms2.json")" = "$WORK/ms2.b" ]
	[ -e "$WORK/inv-b/idranges/$base.range" ]
	# host a: no cgroup, veth, nft table, lease, state, record, id range
	# or bundle of it
	left_a ms2
	client_down
	vb stop ms2
	vb destroy ms2
	gone b ms2 "$WORK/state-b"
	[ ! -e "$WORK/inv-b/idranges/$base.range" ]
}
