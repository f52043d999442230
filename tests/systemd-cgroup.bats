#!/usr/bin/env bats
# The systemd cgroup driver (--systemd-cgroup, issue 20). On this host (no
# systemd as pid 1): a clear error naming the cause, and runc's errors for bad
# cgroupsPath forms, nothing left behind. The driver itself runs in a Debian
# VPS with systemd as pid 1 (dbus installed, --userns host, no seccomp so
# nested containers can be made) that gets this worktree bind-mounted at
# /opt/vps: vps --systemd-cgroup inside it makes a transient scope over sd-bus.
# The bed: tests/sdbed_helpers.bash.
# timeout: 600
load helpers
load sdbed_helpers

setup_file() {
	vps_setup_file
	if [ -e /run/systemd/system ]; then # a systemd host: the nested bed is not needed
		make_busybox_bundle "$WORK/bb"
		return 0
	fi
	sd_bed_setup sdc-host dbus,libmnl0
}
teardown_file() {
	vps_teardown_file
}

@test "sdc- no systemd on the host: --systemd-cgroup fails naming the cause, nothing left" {
	[ ! -e /run/systemd/system ] || skip "this host runs systemd"
	run v --systemd-cgroup run -d --bundle "$WORK/bb" sdc-none
	[ "$status" -ne 0 ]
	[[ $output == *"vps: run sdc-none: cgroup: --systemd-cgroup: systemd is not running on this host (no /run/systemd/system; PID 1 is "*"): cannot use systemd as the cgroup manager"* ]]
	[ ! -e "$ROOT/sdc-none" ]
	! ls -d /sys/fs/cgroup/*/system.slice/vps-sdc-none.scope /sys/fs/cgroup/system.slice/vps-sdc-none.scope 2>/dev/null || false
	v features | jq -e '.linux.cgroup.systemd == true'
}

@test "sdc- bad cgroupsPath forms give runc's errors, nothing left" {
	local p want
	while IFS='|' read -r p want; do
		jq --arg p "$p" '.linux.cgroupsPath = $p' "$WORK/bb/config.json" >"$WORK/bad.json"
		mkdir -p "$WORK/badb" && jq --arg r "$WORK/bb/rootfs" '.root.path = $r' "$WORK/bad.json" >"$WORK/badb/config.json"
		run v --systemd-cgroup create --bundle "$WORK/badb" sdc-bad
		echo "$p: $output"
		[ "$status" -ne 0 ]
		[[ $output == *"$want"* ]]
		[ ! -e "$ROOT/sdc-bad" ]
	done <<-'EOF2'
		/plain/path|cgroupsPath "/plain/path": expected "slice:prefix:name" for systemd cgroups
		a:b:c:d|cgroupsPath "a:b:c:d": expected "slice:prefix:name" for systemd cgroups
		foo:vps:x|invalid slice name "foo" (want NAME.slice)
		a--b.slice:vps:x|invalid slice name "a--b.slice" (empty part between '-')
		system.slice:vps:|invalid unit name ""
	EOF2
}

# limits: with the pids and memory controllers in the bed's cgroup (a pure v2
# host) as resources, checked in the files too; without (this hybrid host:
# the VPS's cgroup2 has no controllers) as annotations, checked as properties
limits_filter() {
	local ctl=$1
	if [[ " $ctl " == *" pids "* && " $ctl " == *" memory "* ]]; then
		echo '.linux.resources.pids = {limit: 77} | .linux.resources.memory = {limit: 67108864}'
	else
		echo '.annotations["org.systemd.property.TasksMax"] = "uint64 77" | .annotations["org.systemd.property.MemoryMax"] = "uint64 67108864"'
	fi
}

@test "sdc- run: a transient scope with Delegate=yes, the init in it, limits and annotations as properties" {
	need_bed
	ctl=$(inbed cat /sys/fs/cgroup/cgroup.controllers)
	nbundle c1 "$(limits_filter "$ctl") | .annotations[\"org.systemd.property.TimeoutStopSec\"] = \"7\" | .annotations[\"org.systemd.property.CollectMode\"] = \"'inactive-or-failed'\""
	[[ " $ctl " == *" pids "* ]] || echo "# the bed's cgroup has controllers '$ctl' (hybrid host): limits checked as unit properties only" >&3
	nv --systemd-cgroup run -d --bundle /opt/nb/c1 c1
	[ "$(prop vps-c1.scope ActiveState)" = active ]
	[ "$(prop vps-c1.scope Delegate)" = yes ]
	[ "$(prop vps-c1.scope Slice)" = system.slice ]
	[ "$(prop vps-c1.scope Description)" = "vps container c1" ]
	[ "$(prop vps-c1.scope TasksMax)" = 77 ]
	[ "$(prop vps-c1.scope MemoryMax)" = 67108864 ]
	[ "$(prop vps-c1.scope TimeoutStopUSec)" = 7s ]
	[ "$(prop vps-c1.scope CollectMode)" = inactive-or-failed ]
	pid=$(nv state c1 | jq .pid)
	[ "$(inbed grep '^0::' /proc/$pid/cgroup)" = "0::/system.slice/vps-c1.scope" ]
	inbed grep -qx "$pid" /sys/fs/cgroup/system.slice/vps-c1.scope/cgroup.procs
	[ "$(nv state c1 | jq -r .status)" = running ]
	nv ps --format json c1 | jq -e --argjson p "$pid" 'index($p) != null'
	if [[ " $ctl " == *" pids "* ]]; then
		[ "$(inbed cat /sys/fs/cgroup/system.slice/vps-c1.scope/pids.max)" = 77 ]
		[ "$(inbed cat /sys/fs/cgroup/system.slice/vps-c1.scope/memory.max)" = 67108864 ]
	fi
	# another container naming the same unit is refused by systemd, and leaves nothing
	nbundle c1b '.linux.cgroupsPath = "system.slice:vps:c1"'
	run nv --systemd-cgroup run -d --bundle /opt/nb/c1b c1b
	echo "$output"
	[ "$status" -ne 0 ]
	[[ $output == *"vps: run c1b: cgroup: systemd StartTransientUnit vps-c1.scope: Unit vps-c1.scope was already loaded"* ]]
	! nv state c1b || false
	# c1 and its unit are untouched
	[ "$(prop vps-c1.scope ActiveState)" = active ]
	[ "$(nv state c1 | jq -r .status)" = running ]
	inbed grep -qx "$pid" /sys/fs/cgroup/system.slice/vps-c1.scope/cgroup.procs
}

@test "sdc- update goes through systemd: the unit property changes (and the file)" {
	need_bed
	[ "$(prop vps-c1.scope ActiveState)" = active ]
	ctl=$(inbed cat /sys/fs/cgroup/cgroup.controllers)
	if [[ " $ctl " == *" pids "* ]]; then
		nv update --pids-limit 50 c1
		[ "$(inbed cat /sys/fs/cgroup/system.slice/vps-c1.scope/pids.max)" = 50 ]
	else
		# no pids controller in the bed: systemd takes the property, the file
		# write fails naming what is missing
		run nv update --pids-limit 50 c1
		echo "$output"
		[ "$status" -ne 0 ]
		[[ $output == *pids* ]]
	fi
	[ "$(prop vps-c1.scope TasksMax)" = 50 ]
	[ "$(inbed systemctl show vps-c1.scope -p TasksMax --value)" = 50 ]
}

@test "sdc- pause, resume, kill --all on the scope; delete stops and removes the unit" {
	need_bed
	nv pause c1
	[ "$(nv state c1 | jq -r .status)" = paused ]
	nv resume c1
	[ "$(nv state c1 | jq -r .status)" = running ]
	nv kill --all c1 KILL
	for i in $(seq 1 50); do [ "$(nv state c1 | jq -r .status)" = stopped ] && break; sleep 0.1; done
	[ "$(nv state c1 | jq -r .status)" = stopped ]
	nv delete c1
	[ "$(prop vps-c1.scope LoadState)" = not-found ]
	! inbed test -e /sys/fs/cgroup/system.slice/vps-c1.scope || false
	! nv state c1 || false
	# delete of a running one stops the unit too
	nbundle c2 '.linux.cgroupsPath = "machine.slice:pfx:c2"'
	nv --systemd-cgroup run -d --bundle /opt/nb/c2 c2
	[ "$(prop pfx-c2.scope ActiveState)" = active ]
	[ "$(prop pfx-c2.scope Slice)" = machine.slice ]
	pid=$(nv state c2 | jq .pid)
	[ "$(inbed grep '^0::' /proc/$pid/cgroup)" = "0::/machine.slice/pfx-c2.scope" ]
	nv delete --force c2
	[ "$(prop pfx-c2.scope LoadState)" = not-found ]
	! inbed test -e "/proc/$pid" || false
}

@test "sdc- bad org.systemd.property annotations: runc's errors, no unit, no state" {
	need_bed
	local a want
	while IFS='|' read -r a want; do
		nbundle c3 ".annotations[\"org.systemd.property.${a%%=*}\"] = \"${a#*=}\""
		run nv --systemd-cgroup run -d --bundle /opt/nb/c3 c3
		echo "$a: $output"
		[ "$status" -ne 0 ]
		[[ $output == *"$want"* ]]
		! nv state c3 || false
		[ "$(prop vps-c3.scope LoadState)" = not-found ]
	done <<-'EOF2'
		Ta=1|annotation org.systemd.property.Ta name incorrect: too short
		Tasks9Max=1|contains non-alphabetic character
		TasksMax=uint64 abc|annotation org.systemd.property.TasksMax=uint64 abc value parse error
		TasksMax=uint64 -5|value parse error
	EOF2
	# a property systemd itself refuses: its error, no unit left
	nbundle c3 '.annotations["org.systemd.property.NoSuchProperty"] = "uint64 1"'
	run nv --systemd-cgroup run -d --bundle /opt/nb/c3 c3
	echo "$output"
	[ "$status" -ne 0 ]
	[[ $output == *"systemd StartTransientUnit vps-c3.scope: "* ]]
	! nv state c3 || false
	[ "$(prop vps-c3.scope LoadState)" = not-found ]
}

@test "sdc- VPS face on a systemd host: vps start NAME runs the VPS in vps-NAME.scope under vps.slice" {
	need_bed
	# no memory/pids limits: the bed's cgroup has no such controllers on a hybrid host
	inbed env VPS_INVENTORY=/tmp/inv /opt/vps/vps --root /tmp/st bundle /tmp/vf --template dir:/opt/bb/rootfs \
		--name sdc-vf --userns host --memory -1 --pids -1 >/dev/null
	inbed env VPS_INVENTORY=/tmp/inv /opt/vps/vps --root /tmp/st start sdc-vf
	[ "$(prop vps-sdc-vf.scope ActiveState)" = active ]
	[ "$(prop vps-sdc-vf.scope Slice)" = vps.slice ]
	[ "$(prop vps-sdc-vf.scope Delegate)" = yes ]
	pid=$(nv state sdc-vf | jq .pid)
	[ "$(inbed grep '^0::' /proc/$pid/cgroup)" = "0::/vps.slice/vps-sdc-vf.scope" ]
	[ "$(inbed cat /tmp/st/sdc-vf/state.json | jq -r .systemdCgroup)" = true ]
	inbed env VPS_INVENTORY=/tmp/inv /opt/vps/vps --root /tmp/st stop sdc-vf
	[ "$(prop vps-sdc-vf.scope LoadState)" = not-found ]
	! inbed test -e /sys/fs/cgroup/vps.slice/vps-sdc-vf.scope || false
}
