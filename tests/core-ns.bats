#!/usr/bin/env bats
# core: namespaces, observed from inside: a new user namespace with the maps
# the parent wrote, cgroup and time namespaces (timeOffsets), joining existing
# namespaces by path, and clear errors for bad paths.
# timeout: 300
load helpers
load core_helpers

setup_file() { core_setup_file; }
teardown_file() { core_teardown_file; }

@test "core-ns: user namespace with uid/gid maps written by the parent" {
	chmod 755 "$WORK"   # the mapped root must reach the bundle
	b=$(core_bundle userns sh -c 'cat /proc/self/uid_map; cat /proc/self/gid_map; id -u; readlink /proc/self/ns/user; cat /proc/self/setgroups')
	cfg "$b" '.linux.namespaces += [{"type": "user"}]
		| .linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]
		| .linux.gidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]'
	run v run --bundle "$b" core-userns
	[ "$status" -eq 0 ]
	[ "$(echo ${lines[0]})" = "0 100000 65536" ]
	[ "$(echo ${lines[1]})" = "0 100000 65536" ]
	[ "${lines[2]}" = 0 ]
	[ "${lines[3]}" != "$(host_ns user)" ]
	[ "${lines[4]}" = allow ]   # we are root on the host: no need to deny setgroups
}

@test "core-ns: exec joins the container's user namespace" {
	chmod 755 "$WORK"
	b=$(core_bundle userex sleep 100000)
	cfg "$b" '.linux.namespaces += [{"type": "user"}]
		| .linux.uidMappings = [{"containerID": 0, "hostID": 200000, "size": 65536}]
		| .linux.gidMappings = [{"containerID": 0, "hostID": 200000, "size": 65536}]'
	vbg run -d --bundle "$b" core-userex
	pid=$(v state core-userex | jq .pid)
	run v exec -u 1000 core-userex sh -c 'readlink /proc/self/ns/user; id -u; echo $$ >/tmp/p; cat /proc/self/uid_map'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "$(readlink /proc/$pid/ns/user)" ]
	[ "${lines[1]}" = 1000 ]
	[ "$(echo ${lines[2]})" = "0 200000 65536" ]
	v delete --force core-userex
}

@test "core-ns: a new user namespace without maps is refused before anything is made" {
	b=$(core_bundle usernomap true)
	cfg "$b" '.linux.namespaces += [{"type": "user"}] | del(.linux.uidMappings, .linux.gidMappings)'
	run v run --bundle "$b" core-usernomap
	[ "$status" -eq 1 ]
	[[ "$output" == *"uidMappings"* ]]
	no_leftovers core-usernomap
}

@test "core-ns: cgroup namespace: the container sees its cgroup as /" {
	b=$(core_bundle cgns sh -c 'readlink /proc/self/ns/cgroup; cat /proc/self/cgroup')
	cfg "$b" '.linux.namespaces += [{"type": "cgroup"}]'
	run v run --bundle "$b" core-cgns
	[ "$status" -eq 0 ]
	[ "${lines[0]}" != "$(host_ns cgroup)" ]
	# every hierarchy's path is the namespace root
	! printf '%s\n' "${lines[@]:1}" | grep -v ':/$'
}

@test "core-ns: time namespace with timeOffsets" {
	b=$(core_bundle timens sh -c 'readlink /proc/self/ns/time; cut -d. -f1 /proc/uptime')
	cfg "$b" '.linux.namespaces += [{"type": "time"}]
		| .linux.timeOffsets = {"boottime": {"secs": 864000, "nanosecs": 0}, "monotonic": {"secs": 3600}}'
	run v run --bundle "$b" core-timens
	[ "$status" -eq 0 ]
	[ "${lines[0]}" != "$(host_ns time)" ]
	host_up=$(cut -d. -f1 /proc/uptime)
	[ "${lines[1]}" -ge $((host_up + 864000 - 5)) ]
	[ "${lines[1]}" -le $((host_up + 864000 + 5)) ]
}

@test "core-ns: joining another container's namespaces by path" {
	a=$(core_bundle nsa sleep 1000)
	vbg run -d --bundle "$a" core-nsa
	pid=$(v state core-nsa | jq .pid)
	b=$(core_bundle nsb sh -c 'for n in net ipc uts pid; do readlink /proc/self/ns/$n; done')
	cfg "$b" ".linux.namespaces = [{\"type\": \"mount\"},
		{\"type\": \"network\", \"path\": \"/proc/$pid/ns/net\"},
		{\"type\": \"ipc\", \"path\": \"/proc/$pid/ns/ipc\"},
		{\"type\": \"uts\", \"path\": \"/proc/$pid/ns/uts\"},
		{\"type\": \"pid\", \"path\": \"/proc/$pid/ns/pid\"}] | del(.hostname)"
	run v run --bundle "$b" core-nsb
	echo "$output"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "$(readlink /proc/$pid/ns/net)" ]
	[ "${lines[1]}" = "$(readlink /proc/$pid/ns/ipc)" ]
	[ "${lines[2]}" = "$(readlink /proc/$pid/ns/uts)" ]
	[ "${lines[3]}" = "$(readlink /proc/$pid/ns/pid)" ]
	# our own pid namespace is untouched for our later children
	[ "$(readlink /proc/self/ns/pid)" = "$(host_ns pid)" ]
	v delete --force core-nsa
}

@test "core-ns: missing or wrong-type namespace paths fail clearly" {
	b=$(core_bundle nsbad true)
	cfg "$b" '.linux.namespaces |= map(if .type == "network" then .path = "/proc/self/ns/nope" else . end)'
	run v run --bundle "$b" core-nsbad
	[ "$status" -eq 1 ]
	[[ "$output" == *"network namespace path /proc/self/ns/nope: No such file or directory"* ]]
	cfg "$b" '.linux.namespaces |= map(if .type == "network" then .path = "/proc/self/ns/ipc" else . end)'
	run v run --bundle "$b" core-nsbad
	[ "$status" -eq 1 ]
	[[ "$output" == *"network namespace path /proc/self/ns/ipc: is a ipc namespace"* ]]
	cfg "$b" '.linux.namespaces |= map(if .type == "network" then .path = "/etc/hostname" else . end)'
	run v run --bundle "$b" core-nsbad
	[ "$status" -eq 1 ]
	[[ "$output" == *"network namespace path /etc/hostname: not a namespace file"* ]]
	no_leftovers core-nsbad
}

@test "core-ns: an empty namespace path means a new namespace" {
	b=$(core_bundle nsempty sh -c 'readlink /proc/self/ns/net; readlink /proc/self/ns/uts')
	cfg "$b" '.linux.namespaces |= map(if .type == "network" or .type == "uts" then .path = "" else . end)'
	run v run --bundle "$b" core-nsempty
	echo "$output"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" != "$(host_ns net)" ]
	[ "${lines[1]}" != "$(host_ns uts)" ]
	no_leftovers core-nsempty
}

@test "core-ns: without a mount namespace: chroot, no mount of the caller touched; mounts refused" {
	b=$(core_bundle nomnt sh -c 'cat /marker; ls /proc | wc -l')
	echo in-rootfs >"$b/rootfs/marker"
	cfg "$b" '.linux.namespaces |= map(select(.type != "mount")) | .mounts = []
		| del(.linux.maskedPaths, .linux.readonlyPaths, .linux.devices, .linux.rootfsPropagation)
		| .root.readonly = false'
	# in a throwaway mount namespace of our own: what the caller sees must not change
	run unshare -m --propagation private bash -c '
		stat -c %d:%i / >"$4/root.before"; cat /proc/self/mountinfo >"$4/mi.before"
		"$1" --root "$2" run --bundle "$3" core-nomnt; echo "rc=$?"
		stat -c %d:%i / >"$4/root.after"; cat /proc/self/mountinfo >"$4/mi.after"' \
		_ "$VPS" "$ROOT" "$b" "$WORK"
	echo "$output"
	[ "${lines[0]}" = in-rootfs ]
	[ "${lines[1]}" = 0 ] # the rootfs's own empty /proc: nothing was mounted
	[ "${lines[2]}" = rc=0 ]
	diff "$WORK/root.before" "$WORK/root.after"
	diff "$WORK/mi.before" "$WORK/mi.after"
	no_leftovers core-nomnt
	# a spec that needs a mount is refused before anything is made
	cfg "$b" '.mounts = [{"destination": "/proc", "type": "proc", "source": "proc"}]'
	run v run --bundle "$b" core-nomnt
	[ "$status" -eq 1 ]
	[[ "$output" == *'.mounts: needs a mount namespace'* ]]
	no_leftovers core-nomnt
}

@test "core-ns: a user namespace joined by path owns the new namespaces (alone, and with a joined one)" {
	chmod 755 "$WORK"
	a=$(core_bundle uja sleep 100000)
	cfg "$a" '.linux.namespaces += [{"type": "user"}]
		| .linux.uidMappings = [{"containerID": 0, "hostID": 300000, "size": 65536}]
		| .linux.gidMappings = [{"containerID": 0, "hostID": 300000, "size": 65536}]'
	vbg run -d --bundle "$a" core-uja
	pid=$(v state core-uja | jq .pid)
	b=$(core_bundle ujb sh -c 'readlink /proc/self/ns/user; hostname; readlink /proc/self/ns/net; id -u')
	# new mount, uts, pid, ipc, network (and a hostname) inside A's user namespace
	cfg "$b" ".linux.namespaces += [{\"type\": \"user\", \"path\": \"/proc/$pid/ns/user\"}]
		| .hostname = \"ujb\""
	run v run --bundle "$b" core-ujb
	echo "$output"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "$(readlink /proc/$pid/ns/user)" ]
	[ "${lines[1]}" = ujb ]
	[ "${lines[2]}" != "$(readlink /proc/$pid/ns/net)" ]
	[ "${lines[3]}" = 0 ]
	# with A's network namespace joined as well
	cfg "$b" ".linux.namespaces |= map(if .type == \"network\" then .path = \"/proc/$pid/ns/net\" else . end)"
	run v run --bundle "$b" core-ujb
	echo "$output"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "$(readlink /proc/$pid/ns/user)" ]
	[ "${lines[1]}" = ujb ]
	[ "${lines[2]}" = "$(readlink /proc/$pid/ns/net)" ]
	v delete --force core-uja
	no_leftovers core-ujb
}

@test "core-ns: with a user namespace (new or joined), a bind source only the host's root can reach is opened on the host side" {
	chmod 755 "$WORK"
	mkdir -p "$WORK/hostonly/sub"
	echo host-only-ok >"$WORK/hostonly/sub/f"
	chown root:root "$WORK/hostonly"
	chmod 700 "$WORK/hostonly" # the mapped root (host uid 100000) cannot traverse it
	b=$(core_bundle ubind cat /mnt/f)
	mkdir "$b/rootfs/mnt" # the mapped root may not make it in the host-owned rootfs
	cfg "$b" ".linux.namespaces += [{\"type\": \"user\"}]
		| .linux.uidMappings = [{\"containerID\": 0, \"hostID\": 100000, \"size\": 65536}]
		| .linux.gidMappings = [{\"containerID\": 0, \"hostID\": 100000, \"size\": 65536}]
		| .mounts += [{\"destination\": \"/mnt\", \"type\": \"bind\",
			\"source\": \"$WORK/hostonly/sub\", \"options\": [\"rbind\", \"ro\"]}]"
	run v run --bundle "$b" core-ubind
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$output" = host-only-ok ]
	no_leftovers core-ubind
	# the same mount in a user namespace joined by path
	a=$(core_bundle ubinda sleep 100000)
	cfg "$a" '.linux.namespaces += [{"type": "user"}]
		| .linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]
		| .linux.gidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]'
	vbg run -d --bundle "$a" core-ubinda
	pid=$(v state core-ubinda | jq .pid)
	cfg "$b" "del(.linux.uidMappings, .linux.gidMappings)
		| .linux.namespaces |= map(if .type == \"user\" then .path = \"/proc/$pid/ns/user\" else . end)"
	run v run --bundle "$b" core-ubind
	local st=$status out=$output
	# a source missing on the host still fails naming it (the init looks it up
	# itself then, so the cause it gives is EACCES), leaving nothing
	cfg "$b" ".mounts |= map(if .destination == \"/mnt\" then .source = \"$WORK/hostonly/nope\" else . end)"
	run v run --bundle "$b" core-ubind
	v delete --force core-ubinda
	echo "joined: $st $out; missing: $status $output"
	[ "$st" -eq 0 ]
	[ "$out" = host-only-ok ]
	[ "$status" -ne 0 ]
	[[ $output == *"bind source $WORK/hostonly/nope"* ]]
	no_leftovers core-ubind
}
