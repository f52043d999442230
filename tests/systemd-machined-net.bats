#!/usr/bin/env bats
# systemd-machined registration of a VPS-face VPS with a network (issue 20):
# machined's NetworkInterfaces is the host end of the VPS's veth. In the
# systemd bed of tests/sdbed_helpers.bash with systemd-container and
# libnftables1 (the package set of systemd-machined.bats: one cache).
# timeout: 1200
load helpers
load sdbed_helpers

setup_file() {
	vps_setup_file
	need_bed
	sd_bed_setup sdmn-host dbus,libmnl0,libnftables1,systemd-container
	# nft names protocols (netbase's /etc/protocols, not in a minbase bed)
	[ -e "$WORK/sd/rootfs/etc/protocols" ] || cp /etc/protocols "$WORK/sd/rootfs/etc/protocols"
}
teardown_file() {
	vps_teardown_file
}

# nvi_net ARGS...: nvi with the bed's /proc/sys writable (in a mount namespace
# of its own): a VPS's network setup writes its netns's sysctls through it
nvi_net() {
	inbed unshare -m sh -c 'mount -o remount,bind,rw /proc/sys && exec env VPS_INVENTORY=/tmp/inv /opt/vps/vps --root /tmp/st "$@"' nvi_net "$@"
}
# mshow NAME PROP: machined's property of machine NAME
mshow() { inbed machinectl show "$1" -p "$2" --value; }

@test "sdm- a VPS with a network: the host end of its veth is the machine's interface" {
	need_bed
	# in $WORK/nb (/opt/nb), edited from here: no NAT (the bed's ip_forward stays)
	nvi bundle /opt/nb/sdm-n1 --template dir:/opt/bb/rootfs --name sdm-n1 --userns host --memory -1 \
		--pids -1 --ip 10.77.0.5/24 --gateway 10.77.0.1/24 --bridge vpsm0 --dns none >/dev/null
	jq_edit "$WORK/nb/sdm-n1/config.json" '.annotations["org.vps.net.nat"] = "false"'
	run nvi_net start sdm-n1
	echo "$output"
	[ "$status" -eq 0 ]
	[[ $output != *warning* ]]
	veth=$(inbed cat /tmp/st/sdm-n1/state.json | jq -r .extra.net.veth)
	# machinectl show prints an array of ints as [unprintable]: ask the bus
	[ "$(inbed busctl get-property org.freedesktop.machine1 /org/freedesktop/machine1/machine/sdm_2dn1 \
		org.freedesktop.machine1.Machine NetworkInterfaces)" = "ai 1 $(inbed cat "/sys/class/net/$veth/ifindex")" ]
	[ "$(mshow sdm-n1 Leader)" = "$(nv state sdm-n1 | jq .pid)" ]
	run inbed machinectl status sdm-n1
	echo "$output"
	[[ $output == *"Iface: $veth"* ]]
	nvi stop sdm-n1
	! inbed machinectl show sdm-n1 || false
}
