#!/usr/bin/env bats
# systemd-machined registration of VPS-face VPSes (issue 20): on a systemd
# host with machined, `vps start NAME` registers the VPS (class container,
# service vps, leader its init, its rootfs) and
# machined finds its scope vps-NAME.scope; stop unregisters it; a reboot
# inside registers the new init; a name machined refuses is a warning, not a
# failed start; without machined (not installed, or masked) the start is as
# before, silently. OCI-face containers (--systemd-cgroup) are not registered.
# Runs in the systemd bed of tests/sdbed_helpers.bash with systemd-container
# (machined, machinectl) and libnftables1 (for a nested VPS network) installed;
# the first run debootstraps that package set once (a few minutes).
# timeout: 1200
load helpers
load sdbed_helpers

setup_file() {
	vps_setup_file
	need_bed
	sd_bed_setup sdm-host dbus,libmnl0,libnftables1,systemd-container
}
teardown_file() {
	vps_teardown_file
}

# mbundle NAME [ARGS...]: a VPS-face busybox VPS NAME in the bed's inventory
mbundle() {
	local n=$1
	shift
	nvi bundle "/tmp/$n" --template dir:/opt/bb/rootfs --name "$n" --userns host --memory -1 --pids -1 "$@" >/dev/null
}
# mshow NAME PROP: machined's property of machine NAME
mshow() { inbed machinectl show "$1" -p "$2" --value; }

@test "sdm- vps start registers the VPS: machinectl list and status show it, its scope, leader, root" {
	need_bed
	mbundle sdm-m1
	run nvi start sdm-m1
	echo "$output"
	[ "$status" -eq 0 ]
	[[ $output != *warning* ]]
	pid=$(nv state sdm-m1 | jq .pid)
	inbed machinectl list --no-legend | grep -E "^sdm-m1 +container +vps"
	[ "$(mshow sdm-m1 Leader)" = "$pid" ]
	[ "$(mshow sdm-m1 Class)" = container ]
	[ "$(mshow sdm-m1 Service)" = vps ]
	[ "$(mshow sdm-m1 Unit)" = vps-sdm-m1.scope ]
	[ "$(mshow sdm-m1 RootDirectory)" = "$(nv state sdm-m1 | jq -r .rootfs)" ]
	run inbed machinectl status sdm-m1
	echo "$output"
	[[ $output == *"Unit: vps-sdm-m1.scope"* ]]
	[[ $output == *"Leader: $pid "* ]]
	[[ $output == *"Service: vps; class container"* ]]
	# machined's scope is the VPS's own, in vps.slice
	[ "$(prop vps-sdm-m1.scope Slice)" = vps.slice ]
	# stop: the registration goes with it
	nvi stop sdm-m1
	! inbed machinectl show sdm-m1 || false
	! inbed machinectl list --no-legend | grep -q '^sdm-m1 ' || false
	[ "$(prop vps-sdm-m1.scope LoadState)" = not-found ]
	# and a start registers it again
	nvi start sdm-m1
	[ "$(mshow sdm-m1 Leader)" = "$(nv state sdm-m1 | jq .pid)" ]
	nvi stop sdm-m1
	! inbed machinectl show sdm-m1 || false
}

@test "sdm- a reboot inside registers the new init at once; restart keeps the scope and registers" {
	need_bed
	mbundle sdm-rb
	nvi start sdm-rb
	old=$(nv state sdm-rb | jq .pid)
	[ "$(mshow sdm-rb Leader)" = "$old" ]
	nv exec sdm-rb reboot -f || true
	# the new boot: a new init, running (polled up to 90 s: each look is two
	# nested execs, slow on a loaded machine)
	local end=$((SECONDS + 90)) st=
	new=
	while [ $SECONDS -lt $end ]; do
		st=$(nv state sdm-rb 2>/dev/null) || st=
		new=$(jq .pid <<<"$st" 2>/dev/null) || new=
		[ -n "$new" ] && [ "$new" != "$old" ] && [ "$(jq -r .status <<<"$st")" = running ] && break
		new=
		sleep 0.2
	done
	if [ -z "$new" ]; then
		echo "no new running init after the reboot; last state: $st"
		inbed cat /tmp/st/sdm-rb/console.log /tmp/st/.sdm-rb.console.log || true
		false
	fi
	# registered before it was started: machined already has the new leader
	run mshow sdm-rb Leader
	[ "$output" = "$new" ] || {
		echo "machined's leader: '$output', the new init: $new"
		inbed cat /tmp/st/sdm-rb/console.log || true
		inbed machinectl list --no-legend || true
		false
	}
	[ "$(mshow sdm-rb Unit)" = vps-sdm-rb.scope ]
	! inbed grep -q warning /tmp/st/sdm-rb/console.log || false
	nvi restart sdm-rb
	new=$(nv state sdm-rb | jq .pid)
	[ "$(inbed grep '^0::' /proc/$new/cgroup)" = "0::/vps.slice/vps-sdm-rb.scope" ]
	[ "$(mshow sdm-rb Leader)" = "$new" ]
	nvi stop sdm-rb
	! inbed machinectl show sdm-rb || false
}

@test "sdm- a name machined refuses: a warning naming why, the VPS runs in its scope" {
	need_bed
	mbundle sdm_bad --hostname sdmbad
	run nvi start sdm_bad
	echo "$output"
	[ "$status" -eq 0 ]
	[[ $output == *"vps: warning: VPS sdm_bad not in machinectl list: systemd-machined refuses the name sdm_bad (Invalid machine name: a machine name is a host name: letters, digits, '-' and '.', at most 64)"* ]]
	[ "$(nv state sdm_bad | jq -r .status)" = running ]
	[ "$(prop vps-sdm_bad.scope ActiveState)" = active ]
	inbed grep -q "warning: VPS sdm_bad not in machinectl list" /tmp/st/sdm_bad/console.log
	! inbed machinectl show sdm_bad || false
	nvi stop sdm_bad
	[ "$(prop vps-sdm_bad.scope LoadState)" = not-found ]
}

@test "sdm- without machined (not installed, or masked) vps start works and says so only with --debug" {
	need_bed
	mbundle sdm-no
	local svc=/usr/share/dbus-1/system-services/org.freedesktop.machine1.service
	# not installed: D-Bus cannot start it
	inbed systemctl stop systemd-machined
	inbed mv "$svc" /tmp/machine1.service
	inbed busctl call org.freedesktop.DBus /org/freedesktop/DBus org.freedesktop.DBus ReloadConfig
	run nvi --debug start sdm-no
	inbed mv /tmp/machine1.service "$svc"
	inbed busctl call org.freedesktop.DBus /org/freedesktop/DBus org.freedesktop.DBus ReloadConfig
	echo "$output"
	[ "$status" -eq 0 ]
	[[ $output == *"vps: VPS sdm-no not registered: systemd-machined is not available: "* ]]
	[[ $output != *warning* ]]
	[ "$(nv state sdm-no | jq -r .status)" = running ]
	[ "$(prop vps-sdm-no.scope ActiveState)" = active ]
	nvi stop sdm-no
	# masked: the same, and nothing at all without --debug
	inbed systemctl mask systemd-machined
	run nvi start sdm-no
	inbed systemctl unmask systemd-machined
	echo "$output"
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	[ "$(nv state sdm-no | jq -r .status)" = running ]
	! inbed machinectl show sdm-no || false
	nvi stop sdm-no
}

@test "sdm- OCI-face containers with --systemd-cgroup are not registered (the engine is the manager)" {
	need_bed
	nbundle c1 '.'
	nv --systemd-cgroup run -d --bundle /opt/nb/c1 sdm-oci
	[ "$(prop vps-sdm-oci.scope ActiveState)" = active ]
	! inbed machinectl show sdm-oci || false
	! inbed machinectl list --no-legend | grep -q '^sdm-oci ' || false
	nv delete --force sdm-oci
}
