#!/usr/bin/env bats
# vps migrate (issue 19, VPS face): a counter VPS moves live to another state
# root and inventory (--to-root) and keeps counting with its pids; over ssh to
# a second "host" (sshd in its own network and mount namespaces with its own
# /run, reached by `ip netns exec NS ssh`, keys made here); a VPS CRIU cannot
# dump fails --live naming the resource and runs on, then --offline moves it;
# vps migrate SIGKILLed at every phase leaves the VPS running on exactly one
# side and the other clean; errors (no such VPS, name taken there, usage).
# criu: as tests/checkpoint.bats (the system's if `criu check` passes, else
# Debian 13's in a private prefix). Uses a network namespace and an sshd: run
# under the test lock.
# timeout: 300
load helpers
load migrate_helpers

setup_file() {
	vps_setup_file
	vps_need_criu || return 1
	command -v rsync >/dev/null || { echo "rsync missing (make deps installs it)" >&2; return 1; }
	export DROOT=$WORK/dstate DINV=$WORK/dinv
	mkdir -p "$DROOT"
	# a VPS-face busybox bundle whose init is the counter: CRIU dumps it (the
	# template's own init starts httpd, whose INET socket it cannot)
	"$VPS" bundle "$WORK/tpl" --name mg-tpl --userns host >/dev/null
	"$VPS" destroy --keep-data mg-tpl >/dev/null
}
teardown_file() {
	mig_clear_dest
	[ -z "${SSHD_NS:-}" ] || ssh_down
	vps_teardown_file
}

# vc ARGS: vps with this file's root and criu; vd: the destination's
vc() { "$VPS" --root "$ROOT" --criu "$CRIU" "$@"; }
vd() { VPS_INVENTORY=$DINV "$VPS" --root "$DROOT" --criu "$CRIU" "$@"; }
# mig NAME ARGS: migrate NAME to the destination root (bundle $WORK/NAME.d)
mig() {
	local n=$1; shift
	vc migrate "$n" --to-root "$DROOT" --to-inventory "$DINV" --to-bundle "$WORK/$n.d" "$@"
}

# the counter: the init starts a child that writes 1, 2, 3... to /tmp/count
# every 0.05 s and records its own pid (inside) in /tmp/childpid
COUNTER='i=0; echo $$ >/tmp/childpid; while :; do i=$((i+1)); echo $i >/tmp/count.new; mv /tmp/count.new /tmp/count; sleep 0.05; done'

# vpsb NAME [ARGS...]: a VPS bundle $WORK/NAME named NAME running ARGS
# (default: the counter), started
vpsb() {
	local n=$1; shift
	rm -rf "${WORK:?}/$n"
	cp -a "$WORK/tpl" "$WORK/$n"
	# procview without lxcfs: a host lxcfs (another suite may run one) is a
	# FUSE mount CRIU cannot dump
	jq_edit "$WORK/$n/config.json" --arg n "$n" \
		'.annotations["org.vps.name"] = $n | .hostname = $n | .annotations["org.vps.procview"] = "kernel"'
	if [ $# -gt 0 ]; then
		set_args "$WORK/$n" "$@"
	else
		set_args "$WORK/$n" sh -c "sh -c '$COUNTER' & wait"
	fi
	vc run -d --bundle "$WORK/$n" "$n" </dev/null >/dev/null
	[ $# -gt 0 ] || wait_count "$WORK/$n" 10
}

# writes DIR: a counter runs in DIR's rootfs (afresh or on)
writes() {
	rm -f "$1/rootfs/tmp/count"
	wait_count "$1" 3
}
ppid_of() { awk '/^PPid:/ { print $2 }' "/proc/$1/status"; }
status_in() { "$VPS" --root "$1" state "$2" 2>/dev/null | jq -r .status; }

@test "migrate: a counter VPS moves live to another root: it keeps counting, same pids, under a monitor there; nothing left here" {
	vpsb mg1
	init=$(vc state mg1 | jq -r .pid)
	mon=$(ppid_of "$init")
	pid_in=$(cat "$WORK/mg1/rootfs/tmp/childpid")
	run mig mg1
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"migrated mg1 to $DROOT: downtime "*" ms"*", total "*" ms"* ]]
	# there: running under a monitor of its own, counting on from where it was
	[ "$(status_in "$DROOT" mg1)" = running ]
	dinit=$(vd state mg1 | jq -r .pid)
	[ "$(cat "/proc/$(ppid_of "$dinit")/comm")" = vps-monitor ]
	[ "$(nspid "$dinit")" = 1 ]
	[ "$(nspid "$(child_of "$dinit")")" = "$pid_in" ]
	[ "$pid_in" -gt 1 ]
	[ "$(count "$WORK/mg1.d")" -gt 10 ]
	counting "$WORK/mg1.d"
	# the record moved with it (the bundle's new path)
	[ "$(jq -r .bundle "$DINV/vps/mg1.json")" = "$WORK/mg1.d" ]
	vd list | grep -E '^mg1 +running'
	# here: no state, cgroup, record, bundle, init or monitor
	gone_from "$ROOT" "$VPS_INVENTORY" mg1 "$WORK/mg1"
	[ ! -e "/proc/$init" ]
	[ ! -e "/proc/$mon" ] || [ "$(awk '{print $3}' "/proc/$mon/stat")" = Z ]
	# the moved VPS is an ordinary VPS there: stop works, and it moves back
	run vd migrate mg1 --to-root "$ROOT" --to-inventory "$VPS_INVENTORY" --to-bundle "$WORK/mg1"
	[ "$status" -eq 0 ]
	counting "$WORK/mg1"
	[ "$(nspid "$(child_of "$(vc state mg1 | jq -r .pid)")")" = "$pid_in" ]
	gone_from "$DROOT" "$DINV" mg1 "$WORK/mg1.d"
	vc stop mg1
	vc destroy mg1
}

@test "migrate: a VPS without a network (lo only) moves without --tcp-established and without criu's network lock, dump and restore" {
	# a criu that logs its words: what vps asked of it is the observable
	printf '#!/bin/sh\necho "$*" >>"%s"\nexec "%s" "$@"\n' "$WORK/criu.words" "$CRIU" >"$WORK/criu-words"
	chmod +x "$WORK/criu-words"
	rm -f "$WORK/criu.words"
	vpsb mg-nl
	[ "$(vc exec mg-nl cat /proc/net/dev | grep -c :)" -eq 1 ]
	run "$VPS" --root "$ROOT" --criu "$WORK/criu-words" migrate mg-nl --to-root "$DROOT" \
		--to-inventory "$DINV" --to-bundle "$WORK/mg-nl.d"
	echo "$output"
	[ "$status" -eq 0 ]
	cat "$WORK/criu.words"
	for verb in dump restore; do
		words=$(grep "^$verb " "$WORK/criu.words")
		[[ "$words" == *"--network-lock=skip"* ]] || { echo "$verb took the network lock"; return 1; }
		[[ "$words" != *"--tcp-established"* ]] || { echo "$verb: --tcp-established"; return 1; }
	done
	counting "$WORK/mg-nl.d"
	vd stop mg-nl
	vd destroy mg-nl
}

# lo_state NAME SIDE: what its network namespace shows inside (lo, addresses,
# routes, the sysctl config.json set, two the tenant set)
lo_state() {
	"$2" exec "$1" sh -c 'ip -o addr; ip route show table all; cd /proc/sys/net
		cat ipv4/ip_local_port_range ipv6/conf/all/hop_limit unix/max_dgram_qlen'
}

@test "migrate: a VPS without a network gets its network namespace made anew (lo up, config.json's and the tenant's sysctls): a server on 127.0.0.1 serves on; one the tenant changed (an address, an nftables table) is moved by criu" {
	printf '#!/bin/sh\necho "$*" >>"%s"\nexec "%s" "$@"\n' "$WORK/criu.words" "$CRIU" >"$WORK/criu-words"
	chmod +x "$WORK/criu-words"
	rm -f "$WORK/criu.words"
	vpsb mg-ns sh -c "mkdir -p /tmp/www; echo served >/tmp/www/x; httpd -f -p 127.0.0.1:8080 -h /tmp/www & sh -c '$COUNTER' & wait"
	jq_edit "$WORK/mg-ns/config.json" '.linux.sysctl["net.ipv4.ip_local_port_range"] = "20000 30000"'
	vc delete -f mg-ns
	vc run -d --bundle "$WORK/mg-ns" mg-ns </dev/null >/dev/null
	wait_count "$WORK/mg-ns" 10
	for i in $(seq 50); do vc exec mg-ns wget -qO- http://127.0.0.1:8080/x >/dev/null 2>&1 && break; sleep 0.1; done
	hp=$(vc exec mg-ns pidof httpd)
	# settings of the namespace CRIU would keep, changed after create (from the
	# host: the VPS has no CAP_NET_ADMIN)
	nsenter -t "$(vc state mg-ns | jq -r .pid)" -n sh -c \
		'echo 33 >/proc/sys/net/ipv6/conf/all/hop_limit; echo 77 >/proc/sys/net/unix/max_dgram_qlen'
	before=$(lo_state mg-ns vc)
	echo "$before"
	[[ "$before" == *"20000	30000"*"33"*"77"* ]]
	run "$VPS" --root "$ROOT" --criu "$WORK/criu-words" migrate mg-ns --to-root "$DROOT" \
		--to-inventory "$DINV" --to-bundle "$WORK/mg-ns.d"
	echo "$output"
	[ "$status" -eq 0 ]
	cat "$WORK/criu.words"
	# the dump named the namespace external, the restore was given a new one
	grep "^dump " "$WORK/criu.words" | grep -q -- "--external net\[[0-9]*\]:vps-netns"
	grep "^restore " "$WORK/criu.words" | grep -q -- "--inherit-fd fd\[[0-9]*\]:vps-netns"
	# the same httpd answers on 127.0.0.1 there; lo, its addresses, routes and
	# the sysctls as before
	[ "$(vd exec mg-ns wget -qO- http://127.0.0.1:8080/x)" = served ]
	[ "$(vd exec mg-ns pidof httpd)" = "$hp" ]
	[ "$(lo_state mg-ns vd)" = "$before" ]
	counting "$WORK/mg-ns.d"
	# an address added on lo: the namespace is no longer as made, criu saves and restores it (no
	# --external net), the address moves
	nsenter -t "$(vd state mg-ns | jq -r .pid)" -n ip addr add 10.9.9.9/32 dev lo
	rm -f "$WORK/criu.words"
	run env VPS_INVENTORY="$DINV" "$VPS" --root "$DROOT" --criu "$WORK/criu-words" migrate mg-ns --to-root "$ROOT" \
		--to-inventory "$VPS_INVENTORY" --to-bundle "$WORK/mg-ns"
	echo "$output"
	[ "$status" -eq 0 ]
	! grep "^dump " "$WORK/criu.words" | grep -q -- "--external net\["
	vc exec mg-ns ip -o addr | grep -q "10.9.9.9/32"
	[ "$(vc exec mg-ns wget -qO- http://127.0.0.1:8080/x)" = served ]
	# the address gone, an nftables table instead: criu moves it again
	pid=$(vc state mg-ns | jq -r .pid)
	nsenter -t "$pid" -n ip addr del 10.9.9.9/32 dev lo
	nsenter -t "$pid" -n nft add table inet mg-ns-fw
	rm -f "$WORK/criu.words"
	run "$VPS" --root "$ROOT" --criu "$WORK/criu-words" migrate mg-ns --to-root "$DROOT" \
		--to-inventory "$DINV" --to-bundle "$WORK/mg-ns.d"
	echo "$output"
	[ "$status" -eq 0 ]
	! grep "^dump " "$WORK/criu.words" | grep -q -- "--external net\["
	[ "$(vd exec mg-ns wget -qO- http://127.0.0.1:8080/x)" = served ]
	vd stop mg-ns
	vd destroy mg-ns
}

# criu_dumps_inet: this criu dumps INET sockets (>= 4.2; 4.1.1 asks them for
# SO_PASSCRED, which Linux >= 6.16 refuses)
criu_dumps_inet() {
	local v
	v=$("$CRIU" --version | sed -n 's/^Version: //p')
	[ "$(printf '%s\n4.2\n' "$v" | sort -V | head -1)" = 4.2 ]
}

@test "migrate: the template's busybox VPS (init, httpd, getty): live when criu dumps INET sockets, else refused naming httpd and moved --offline" {
	vpsb mg2 /sbin/init
	for i in $(seq 50); do vc exec mg2 sh -c 'ps | grep -q "[h]ttpd"' && break; sleep 0.1; done
	init=$(vc state mg2 | jq -r .pid)
	hp=$(vc exec mg2 pidof httpd)
	run mig mg2 --live
	echo "$output"
	if criu_dumps_inet; then
		[ "$status" -eq 0 ]
		# the same httpd (pid inside) serves there
		vd exec mg2 wget -qO- http://127.0.0.1/ | grep -q 'a vps busybox VPS'
		[ "$(vd exec mg2 pidof httpd)" = "$hp" ]
	else
		[ "$status" -eq 1 ]
		[[ "$output" == *"vps: migrate mg2: live migration refused: CRIU cannot dump an INET/INET6 socket"*"httpd"*"use --offline"* ]]
		[[ "$output" == *"log: $ROOT/mg2/dump.log"* ]]
		[ -s "$ROOT/mg2/dump.log" ]
		[ "$(status_in "$ROOT" mg2)" = running ]
		[ "$(vc state mg2 | jq -r .pid)" = "$init" ]
		vc exec mg2 true
		gone_from "$DROOT" "$DINV" mg2 "$WORK/mg2.d"
		run mig mg2 --offline
		echo "$output"
		[ "$status" -eq 0 ]
		[[ "$output" == *"migrated mg2 to $DROOT: downtime "*"(stop "* ]]
		for i in $(seq 50); do vd exec mg2 sh -c 'ps | grep -q "[h]ttpd"' && break; sleep 0.1; done
	fi
	[ "$(status_in "$DROOT" mg2)" = running ]
	vd exec mg2 sh -c 'ps | grep -q "[h]ttpd"'
	gone_from "$ROOT" "$VPS_INVENTORY" mg2 "$WORK/mg2"
	vd stop mg2
	vd destroy mg2
}

@test "migrate: a VPS CRIU refuses (mapped, in a time namespace of the host's user namespace) fails live with the reason and runs on; --offline moves it; a stopped VPS moves as it is" {
	"$VPS" bundle "$WORK/mg3" --name mg3 >/dev/null
	# a time namespace CRIU cannot enter from the VPS's user namespace, joined by path
	unshare --time sleep 300 </dev/null >/dev/null 2>&1 &
	TNS=$!
	for i in $(seq 50); do
		[ "$(readlink "/proc/$TNS/ns/time_for_children")" != "$(readlink /proc/self/ns/time)" ] && break
		sleep 0.1
	done
	jq_edit "$WORK/mg3/config.json" --arg p "/proc/$TNS/ns/time_for_children" \
		'.annotations["org.vps.procview"] = "kernel" | .linux.namespaces += [{"type": "time", "path": $p}]'
	set_args "$WORK/mg3" sh -c "sh -c '$COUNTER' & wait"
	vc start mg3
	wait_count "$WORK/mg3" 5
	run mig mg3
	echo "$output"
	[ "$status" -eq 1 ]
	[[ "$output" == *"vps: migrate mg3: live migration refused: "*"time namespace"*"use --offline"* ]]
	[ "$(status_in "$ROOT" mg3)" = running ]
	counting "$WORK/mg3"
	gone_from "$DROOT" "$DINV" mg3 "$WORK/mg3.d"
	base=$(jq -r '.linux.uidMappings[0].hostID' "$WORK/mg3/config.json")
	grep -qx "name mg3" "$VPS_INVENTORY/idranges/$base.range"
	run mig mg3 --offline
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(status_in "$DROOT" mg3)" = running ]
	writes "$WORK/mg3.d"
	gone_from "$ROOT" "$VPS_INVENTORY" mg3 "$WORK/mg3"
	# its host id range moved with it: recorded there, free here
	grep -qx "name mg3" "$DINV/idranges/$base.range"
	grep -qx "bundle $WORK/mg3.d" "$DINV/idranges/$base.range"
	[ ! -e "$VPS_INVENTORY/idranges/$base.range" ]
	# and back, stopped: it moves as it is
	vd stop mg3
	run vd migrate mg3 --to-root "$ROOT" --to-inventory "$VPS_INVENTORY" --to-bundle "$WORK/mg3"
	[ "$status" -eq 0 ]
	[ -e "$VPS_INVENTORY/vps/mg3.json" ]
	[ ! -e "$ROOT/mg3" ]
	gone_from "$DROOT" "$DINV" mg3 "$WORK/mg3.d"
	vc start mg3
	writes "$WORK/mg3"
	vc stop mg3
	run mig mg3
	[ "$status" -eq 0 ]
	[ -e "$DINV/vps/mg3.json" ]
	[ ! -e "$DROOT/mg3" ] # moved stopped, not started
	gone_from "$ROOT" "$VPS_INVENTORY" mg3 "$WORK/mg3"
	vd start mg3
	writes "$WORK/mg3.d"
	vd stop mg3
	vd destroy mg3
	kill "$TNS"
	wait "$TNS" || true
}

@test "migrate: SIGKILL of vps migrate at every phase: the VPS runs on exactly one side, the other is clean" {
	vpsb mg4
	pid_in=$(cat "$WORK/mg4/rootfs/tmp/childpid")
	for p in check precopy freeze dump copy restore; do
		run env VPS_MIGRATE_KILL_AT=$p "$VPS" --root "$ROOT" --criu "$CRIU" migrate mg4 \
			--to-root "$DROOT" --to-inventory "$DINV" --to-bundle "$WORK/mg4.d"
		echo "$p: $status $output"
		[ "$status" -eq 137 ]
		[ "$(status_in "$ROOT" mg4)" = running ]
		counting "$WORK/mg4"
		gone_from "$DROOT" "$DINV" mg4 "$WORK/mg4.d"
	done
	[ "$(cat "$WORK/mg4/rootfs/tmp/childpid")" = "$pid_in" ]
	# killed once the destination runs it: the guard removes the source
	for p in running cleanup; do
		run env VPS_MIGRATE_KILL_AT=$p "$VPS" --root "$ROOT" --criu "$CRIU" migrate mg4 \
			--to-root "$DROOT" --to-inventory "$DINV" --to-bundle "$WORK/mg4.d"
		echo "$p: $status $output"
		[ "$status" -eq 137 ]
		[ "$(status_in "$DROOT" mg4)" = running ]
		counting "$WORK/mg4.d"
		gone_from "$ROOT" "$VPS_INVENTORY" mg4 "$WORK/mg4"
		# and back, for the next phase
		vd migrate mg4 --to-root "$ROOT" --to-inventory "$VPS_INVENTORY" --to-bundle "$WORK/mg4"
		counting "$WORK/mg4"
	done
	vc stop mg4
	vc destroy mg4
}

@test "migrate: errors: no such VPS, name taken at the destination, same bundle, usage (nothing made, the VPS runs on)" {
	run mig nosuch
	[ "$status" -eq 1 ]
	[[ "$output" == *"vps: migrate nosuch: VPS nosuch is not registered"* ]]
	vpsb mg5
	# another VPS named mg5 is registered at the destination
	mkdir -p "$WORK/other"
	cp -a "$WORK/mg5/config.json" "$WORK/other/"
	mkdir -p "$DINV/vps"
	echo "{\"name\":\"mg5\",\"bundle\":\"$WORK/other\"}" >"$DINV/vps/mg5.json"
	run mig mg5
	echo "$output"
	[ "$status" -eq 1 ]
	[[ "$output" == *"vps: migrate mg5: destination (this machine): "*"VPS name mg5 is already taken by the bundle $WORK/other"* ]]
	[ "$(status_in "$ROOT" mg5)" = running ]
	[ ! -e "$WORK/mg5.d" ]
	[ "$(jq -r .bundle "$DINV/vps/mg5.json")" = "$WORK/other" ]
	rm "$DINV/vps/mg5.json"
	# on this machine the bundle must move
	run vc migrate mg5 --to-root "$DROOT" --to-inventory "$DINV"
	[ "$status" -eq 1 ]
	[[ "$output" == *"give --to-bundle DIR"* ]]
	run vc migrate mg5
	[ "$status" -eq 2 ]
	[[ "$output" == *"no destination"* ]]
	run vc migrate mg5 --live --offline --to-root "$DROOT"
	[ "$status" -eq 2 ]
	run vc migrate --help
	[ "$status" -eq 0 ]
	[[ "$output" == *"Usage: vps migrate NAME [DEST]"* ]]
	run vc features
	[ "$(echo "$output" | jq -r '.annotations["org.vps.migrate"]')" = "live (criu), offline" ]
	[ "$(status_in "$ROOT" mg5)" = running ]
	counting "$WORK/mg5"
	vc stop mg5
	vc destroy mg5
}

@test "migrate: a systemd VPS (debian template, --userns host) moves live: running there, uptime inside continues, nothing left here" {
	debian_or_skip
	timeout 600 "$VPS" bundle "$WORK/mg7" --template debian --name mg7 --userns host >"$WORK/mg7.log" 2>&1 ||
		{ cat "$WORK/mg7.log"; false; }
	jq_edit "$WORK/mg7/config.json" '.annotations["org.vps.procview"] = "kernel"'
	vc start mg7
	for i in $(seq 150); do
		s=$(vc exec mg7 systemctl is-system-running 2>/dev/null) || true
		case $s in running | degraded) break ;; esac
		sleep 0.2
	done
	[ "$s" = running ]
	sleep 3 # a fresh boot there would show less uptime than this
	up0=$(vc exec mg7 cut -d. -f1 /proc/uptime)
	[ "$up0" -ge 3 ]
	init=$(vc state mg7 | jq -r .pid)
	run mig mg7
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(vd exec mg7 systemctl is-system-running)" = running ]
	[ -z "$(vd exec mg7 systemctl --failed --no-legend)" ]
	# the same systemd: its uptime went on (a new boot would start near 0)
	[ "$(vd exec mg7 cut -d. -f1 /proc/uptime)" -ge "$up0" ]
	[ "$(nspid "$(vd state mg7 | jq -r .pid)")" = 1 ]
	[ ! -e "/proc/$init" ]
	gone_from "$ROOT" "$VPS_INVENTORY" mg7 "$WORK/mg7"
	vd stop mg7
	vd destroy mg7
}

# ---- the ssh transport: a second "host" ----
# sshd in a network namespace and a mount namespace of its own (unshare -n -m:
# the host's /sys and cgroups stay visible) with a private /run (the far vps's
# default state root /run/vps is its own); vps reaches it by running ssh in
# that network namespace (--rsh "nsenter -t SSHD -n ssh ..."), so no host
# network is touched.
ssh_up() {
	export SSHD_NS=1 K=$WORK/ssh
	mkdir -p "$K"
	test_sshd_config "$K" 127.0.0.1:2222 "$K/sshd.pid" "SetEnv VPS_INVENTORY=$WORK/inv-b" >"$K/sshd_config"
	unshare -n -m --propagation private sh -c \
		'ip link set lo up && mount -t tmpfs -o mode=755 tmpfs /run && mkdir -p /run/sshd && exec /usr/sbin/sshd -f "$1" -E "$2"' \
		_ "$K/sshd_config" "$K/sshd.log"
	for i in $(seq 50); do [ -s "$K/sshd.pid" ] && break; sleep 0.1; done
	export RSH="nsenter -t $(cat "$K/sshd.pid") -n ssh -p 2222 -i $K/id -o BatchMode=yes -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR"
}
ssh_down() {
	# the far side's VPSes live in sshd's mount namespace: stop them there
	$RSH root@127.0.0.1 "$VPS --criu $CRIU stop --all; for n in \$(ls $WORK/inv-b/vps 2>/dev/null); do $VPS destroy --force \${n%.json}; done" >/dev/null 2>&1 || true
	[ ! -s "$K/sshd.pid" ] || kill "$(cat "$K/sshd.pid")" 2>/dev/null || true
}
far() { $RSH root@127.0.0.1 "$VPS" --criu "$CRIU" "$@"; }

@test "migrate: over ssh to a second host (its own /run and inventory): live, then back offline" {
	command -v /usr/sbin/sshd >/dev/null || skip "openssh-server not installed (make deps installs it)"
	ssh_up
	far --version | grep -q 'vps version'
	vpsb mg6
	pid_in=$(cat "$WORK/mg6/rootfs/tmp/childpid")
	run vc migrate mg6 root@127.0.0.1 --rsh "$RSH" --to-vps "$VPS" --to-bundle "$WORK/mg6.far"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"migrated mg6 to root@127.0.0.1: downtime "* ]]
	# there: in the far host's own /run/vps and inventory, counting on
	far state mg6 | jq -e '.status == "running"'
	[ "$(jq -r .bundle "$WORK/inv-b/vps/mg6.json")" = "$WORK/mg6.far" ]
	[ ! -e "/run/vps/mg6" ]
	counting "$WORK/mg6.far"
	[ "$(cat "$WORK/mg6.far/rootfs/tmp/childpid")" = "$pid_in" ]
	gone_from "$ROOT" "$VPS_INVENTORY" mg6 "$WORK/mg6"
	# an ordinary VPS there: its vps stops and destroys it
	far stop mg6
	far destroy mg6
	[ ! -e "$WORK/mg6.far" ]
}
