#!/usr/bin/env bats
# A VPS sees its own resources (issue 18): /proc views through lxcfs, a time
# namespace for uptime, a cpuset for nproc, a generated cpuinfo without lxcfs,
# /proc/pressure from the VPS's own cgroup. What a process inside sees is
# compared with the VPS's limits and with what the host sees.
load helpers

setup_file() {
	vps_setup_file
	command -v lxcfs >/dev/null || {
		echo "lxcfs is not installed (make deps installs it)" >&2
		return 1
	}
	# a private lxcfs for this file (as Debian's package runs one at /var/lib/lxcfs)
	export LXCFS=$WORK/lxcfs
	mkdir -p "$LXCFS"
	lxcfs -f -p "$WORK/lxcfs.pid" --enable-cfs "$LXCFS" >"$WORK/lxcfs.log" 2>&1 &
	echo $! >"$WORK/lxcfs.bgpid"
	local i
	for i in $(seq 50); do
		[ -r "$LXCFS/proc/meminfo" ] && break
		sleep 0.1
	done
	[ -r "$LXCFS/proc/meminfo" ] || {
		cat "$WORK/lxcfs.log" >&2
		return 1
	}
	export HOST_MEM_KB=$(awk '/^MemTotal:/ {print $2}' /proc/meminfo)
	export NCPU=$(nproc)
}

teardown_file() {
	local p
	p=$(cat "$WORK/lxcfs.bgpid" 2>/dev/null) && kill "$p" 2>/dev/null
	for _ in $(seq 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
	umount -l "$LXCFS" 2>/dev/null || true
	vps_teardown_file
}

# bundle NAME [bundle options]: a busybox VPS bundle whose lxcfs is ours
bundle() {
	local name=$1; shift
	"$VPS" bundle "$WORK/$name" --name "$name" "$@" >/dev/null
	jq_edit "$WORK/$name/config.json" --arg d "$LXCFS" \
		'.annotations["org.vps.lxcfs"] = $d | .process.terminal = false'
}

# inside NAME CMD: run CMD (sh -c) as the bundle's process, print its output
inside() {
	local name=$1; shift
	set_args "$WORK/$name" /bin/sh -c "$*"
	v run "$name-$RANDOM" --bundle "$WORK/$name"
}

@test "lxcfs: /proc/meminfo, cpuinfo, cpu online and nproc tell the VPS's limits" {
	[ "$NCPU" -ge 2 ] || skip "needs 2 CPUs to narrow to 1 (host has $NCPU)"
	bundle pv1 --memory 300M --cpus 1
	run inside pv1 'awk "/^MemTotal:/ {print \$2}" /proc/meminfo; nproc; grep -c ^processor /proc/cpuinfo; cat /sys/devices/system/cpu/online'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = 307200 ]
	[ "${lines[1]}" = 1 ]
	[ "${lines[2]}" = 1 ]
	[ "${lines[3]}" = 0 ]
}

@test "uptime starts at the VPS's creation (time namespace), also for exec" {
	bundle pv2 --memory 256M
	set_args "$WORK/pv2" /bin/sleep 600
	v run -d pv2 --bundle "$WORK/pv2"
	run v exec pv2 cat /proc/uptime
	[ "$status" -eq 0 ]
	up=${output%%.*}
	[ "$up" -lt 60 ]
	host_up=$(cut -d. -f1 /proc/uptime)
	[ "$host_up" -gt "$up" ]
	# sysinfo(2) (busybox uptime) reads the same clock
	run v exec pv2 uptime
	[[ $output == *"up 0 min"* ]]
	[ "$(readlink /proc/$(v state pv2 | jq .pid)/ns/time)" != "$(readlink /proc/self/ns/time)" ]
	v delete --force pv2
}

@test "a live memory change is seen in /proc/meminfo" {
	bundle pv3 --memory 256M
	set_args "$WORK/pv3" /bin/sleep 600
	v run -d pv3 --bundle "$WORK/pv3"
	run v exec pv3 awk '/^MemTotal:/ {print $2}' /proc/meminfo
	[ "$output" = 262144 ]
	v update --memory 400M pv3
	run v exec pv3 awk '/^MemTotal:/ {print $2}' /proc/meminfo
	[ "$output" = 409600 ]
	v delete --force pv3
}

@test "two VPSes at once each see their own memory" {
	bundle pva --memory 200M
	bundle pvb --memory 300M
	set_args "$WORK/pva" /bin/sleep 600
	set_args "$WORK/pvb" /bin/sleep 600
	v run -d pva --bundle "$WORK/pva"
	v run -d pvb --bundle "$WORK/pvb"
	[ "$(v exec pva awk '/^MemTotal:/ {print $2}' /proc/meminfo)" = 204800 ]
	[ "$(v exec pvb awk '/^MemTotal:/ {print $2}' /proc/meminfo)" = 307200 ]
	# and only their own processes
	[ "$(v exec pva ls /proc | grep -c '^[0-9]')" -lt 5 ]
	v delete --force pva
	v delete --force pvb
}

@test "without lxcfs: cpuset, generated cpuinfo and online, uptime; meminfo stays the host's" {
	[ "$NCPU" -ge 2 ] || skip "needs 2 CPUs to narrow to 1 (host has $NCPU)"
	bundle pv4 --memory 300M --cpus 1
	jq_edit "$WORK/pv4/config.json" '.annotations["org.vps.procview"] = "kernel"'
	run inside pv4 'nproc; grep -c ^processor /proc/cpuinfo; cat /sys/devices/system/cpu/online; cut -d. -f1 /proc/uptime; awk "/^MemTotal:/ {print \$2}" /proc/meminfo; grep -c lxcfs /proc/self/mountinfo; true'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = 1 ]
	[ "${lines[1]}" = 1 ]
	[ "${lines[2]}" = 0 ]
	[ "${lines[3]}" -lt 60 ]
	[ "${lines[4]}" = "$HOST_MEM_KB" ] # the documented gap: no lxcfs, no meminfo view
	[ "${lines[5]}" = 0 ]
}

# detached NAME SCRIPT: start VPS NAME (its monitor answers sysinfo) with
# SCRIPT as its init (sh -c), /probe (tests/tools/sysinfo_probe) in its rootfs
detached() {
	local name=$1; shift
	cp "$VPS_TOP/build/tests/sysinfo_probe" "$WORK/$name/rootfs/probe"
	set_args "$WORK/$name" /bin/sh -c "$*"
	v run -d "$name" --bundle "$WORK/$name"
}

# wait_file NAME FILE: until the VPS's /FILE is there (5 s at most)
wait_file() {
	for _ in $(seq 50); do
		[ -s "$WORK/$1/rootfs/$2" ] && return 0
		sleep 0.1
	done
	return 1
}

@test "sysinfo(2): busybox free and uptime tell the VPS's memory and uptime" {
	bundle pv5 --memory 256M
	detached pv5 'free >/tmp/free.out; uptime >/tmp/uptime.out; /probe >/tmp/probe.out; sleep 600'
	wait_file pv5 tmp/probe.out
	run awk '/^Mem:/ {print $2}' "$WORK/pv5/rootfs/tmp/free.out"
	[ "$output" = 262144 ]
	run cat "$WORK/pv5/rootfs/tmp/uptime.out"
	[[ $output == *"up 0 min"* ]]
	read -r total free swap fswap up procs <"$WORK/pv5/rootfs/tmp/probe.out"
	[ "$total" = 268435456 ]
	[ "$free" -gt 0 ] && [ "$free" -lt "$total" ]
	[ "$up" -lt 60 ]
	[ "$procs" -ge 1 ] && [ "$procs" -lt 10 ]
	# vps exec's processes hand their listener over through sysinfo.sock
	[ -S "$ROOT/pv5/sysinfo.sock" ]
	[ "$(stat -c %a "$ROOT/pv5/sysinfo.sock")" = 600 ]
	run v exec pv5 sh -c 'free; uptime; /probe'
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | awk '/^Mem:/ {print $2}')" = 262144 ]
	[[ ${lines[3]} == *"up 0 min"* ]]
	[ "$(echo "${lines[4]}" | cut -d' ' -f1)" = 268435456 ]
	# the answer comes from a server process of the VPS's monitor (the init's parent)
	mon=$(ps -o ppid= -p "$(v state pv5 | jq .pid)" | tr -d ' ')
	[ "$(cat /proc/$mon/comm)" = vps-monitor ]
	srv=$(pgrep -P "$mon" -x vps-sysinfo)
	# a server that dies (the OOM killer, say) is started again
	kill -KILL "$srv"
	sleep 1
	new=$(pgrep -P "$mon" -x vps-sysinfo)
	[ -n "$new" ] && [ "$new" != "$srv" ]
	[ "$(v exec pv5 /probe | cut -d' ' -f1)" = 268435456 ]
	v delete --force pv5
}

@test "sysinfo(2): vps set --memory is seen by free and /proc/meminfo within a second" {
	bundle pv5b --memory 256M
	detached pv5b 'while :; do free >/tmp/f.new && mv /tmp/f.new /tmp/free.out; sleep 0.1; done'
	wait_file pv5b tmp/free.out
	[ "$(awk '/^Mem:/ {print $2}' "$WORK/pv5b/rootfs/tmp/free.out")" = 262144 ]
	"$VPS" --root "$ROOT" set pv5b --memory 400M
	sleep 1
	[ "$(awk '/^Mem:/ {print $2}' "$WORK/pv5b/rootfs/tmp/free.out")" = 409600 ]
	[ "$(v exec pv5b awk '/^MemTotal:/ {print $2}' /proc/meminfo)" = 409600 ]
	[ "$(v exec pv5b free | awk '/^Mem:/ {print $2}')" = 409600 ]
	v delete --force pv5b
}

@test "sysinfo(2) attacks: bad pointers get EFAULT, killed callers and a flood leave the monitor serving" {
	bundle pv5c --memory 256M
	detached pv5c '/probe bad >/tmp/bad.out 2>&1; echo $? >>/tmp/bad.out
		/probe kill 100 >/tmp/kill.out
		(while :; do echo tick; sleep 0.2; done) & /probe flood 4 4 >/tmp/flood.out
		/probe >/tmp/after.out; sleep 600'
	pid=$(v state pv5c | jq .pid)
	mon=$(ps -o ppid= -p "$pid" | tr -d ' ')
	wait_file pv5c tmp/kill.out
	run cat "$WORK/pv5c/rootfs/tmp/bad.out"
	[[ $output != *BAD* ]]
	[ "${lines[-1]}" = 0 ]
	[ "$(cut -d' ' -f1 "$WORK/pv5c/rootfs/tmp/kill.out")" = 268435456 ]
	# during the flood: the console is relayed, the state answers, the monitor lives
	sleep 2
	[ ! -s "$WORK/pv5c/rootfs/tmp/flood.out" ]
	n1=$(grep -c tick "$ROOT/pv5c/console.log")
	sleep 1
	n2=$(grep -c tick "$ROOT/pv5c/console.log")
	[ "$n2" -gt "$n1" ]
	[ "$(v state pv5c | jq -r .status)" = running ]
	wait_file pv5c tmp/after.out
	[ "$(cat "$WORK/pv5c/rootfs/tmp/flood.out")" -gt 1000 ]
	[ "$(cut -d' ' -f1 "$WORK/pv5c/rootfs/tmp/after.out")" = 268435456 ]
	kill -0 "$mon"
	[ "$(cat /proc/$mon/comm)" = vps-monitor ]
	# and it still reaps: a stop ends the VPS and the monitor with it
	v kill pv5c KILL
	for _ in $(seq 50); do kill -0 "$mon" 2>/dev/null || break; sleep 0.1; done
	! kill -0 "$mon" 2>/dev/null
	[ "$(v state pv5c | jq -r .status)" = stopped ]
	v delete pv5c
}

@test "without a monitor (foreground run, engines' bundles) sysinfo(2) is the kernel's" {
	bundle pv5d --memory 300M
	run inside pv5d 'free | awk "/^Mem:/ {print \$2}"'
	[ "$status" -eq 0 ]
	[ "$output" = "$HOST_MEM_KB" ]
	make_busybox_bundle "$WORK/oci5"
	jq_edit "$WORK/oci5/config.json" '.linux.resources.memory.limit = 314572800'
	set_args "$WORK/oci5" /bin/sh -c 'free | awk "/^Mem:/ {print \$2}"'
	run v run oci5 --bundle "$WORK/oci5"
	[ "$output" = "$HOST_MEM_KB" ]
}

@test "/proc/pressure/* is the VPS's own cgroup's, read-only" {
	[ -r /proc/pressure/memory ] || skip "this kernel has no PSI"
	bundle pv6 --memory 256M
	run inside pv6 'grep -c "^some avg10" /proc/pressure/memory; grep " /proc/pressure/memory " /proc/self/mountinfo; echo "some 150000 1000000" >/proc/pressure/memory && echo WROTE'
	[ "${lines[0]}" = 1 ]
	[[ ${lines[1]} == *"/pv6-"*"/memory.pressure /proc/pressure/memory ro,"* ]]
	[[ $output != *WROTE* ]]
}

@test "a CPU limit of every host CPU narrows nothing" {
	bundle pv7 --memory 256M --cpus "$NCPU"
	run inside pv7 'nproc; grep -c ^processor /proc/cpuinfo'
	[ "${lines[0]}" = "$NCPU" ]
	[ "${lines[1]}" = "$NCPU" ]
}

@test "engines' bundles (no org.vps.procview) see the host's /proc as before" {
	make_busybox_bundle "$WORK/oci"
	set_args "$WORK/oci" /bin/sh -c 'cut -d. -f1 /proc/uptime; awk "/^MemTotal:/ {print \$2}" /proc/meminfo; readlink /proc/self/ns/time'
	run v run oci1 --bundle "$WORK/oci"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" -gt 60 ] || [ "$(cut -d. -f1 /proc/uptime)" -lt 120 ]
	[ "${lines[1]}" = "$HOST_MEM_KB" ]
	[ "${lines[2]}" = "$(readlink /proc/self/ns/time)" ]
}

@test "bad org.vps.procview or lxcfs path: clear error, nothing left" {
	bundle pv8 --memory 256M
	jq_edit "$WORK/pv8/config.json" '.annotations["org.vps.procview"] = "lxcfs-please"'
	run v create pv8 --bundle "$WORK/pv8"
	[ "$status" -ne 0 ]
	[[ $output == *'org.vps.procview'*'expected auto, kernel or off, got "lxcfs-please"'* ]]
	[ ! -e "$ROOT/pv8" ]
	jq_edit "$WORK/pv8/config.json" '.annotations["org.vps.procview"] = "auto" | .annotations["org.vps.lxcfs"] = "/nonexistent/lxcfs"'
	run v create pv8 --bundle "$WORK/pv8"
	[ "$status" -ne 0 ]
	[[ $output == *'org.vps.lxcfs'*'/nonexistent/lxcfs'*'No such file'* ]]
	[ ! -e "$ROOT/pv8" ]
	[ ! -e "/sys/fs/cgroup/unified$(cgrel pv8)" ]
	[ ! -e "/sys/fs/cgroup/memory$(cgrel pv8)" ]
}

@test "lxcfs found on its own (no org.vps.lxcfs): the view is there" {
	"$VPS" bundle "$WORK/pv9" --name pv9 --memory 300M >/dev/null
	jq_edit "$WORK/pv9/config.json" '.process.terminal = false'
	[ "$(grep -c ' - fuse.lxcfs ' /proc/self/mountinfo)" -ge 1 ]
	run inside pv9 'awk "/^MemTotal:/ {print \$2}" /proc/meminfo'
	[ "$status" -eq 0 ]
	[ "$output" = 307200 ]
}

@test "debian VPS: procps free -m, nproc and uptime tell the VPS's story" {
	[ "$NCPU" -ge 2 ] || skip "needs 2 CPUs to narrow to 1 (host has $NCPU)"
	run timeout 1200 "$VPS" bundle "$WORK/pvd" --name pvd --template debian --memory 300M --cpus 1
	[ "$status" -eq 0 ]
	jq_edit "$WORK/pvd/config.json" --arg d "$LXCFS" \
		'.annotations["org.vps.lxcfs"] = $d | .process.terminal = false'
	run inside pvd 'free -m | awk "/^Mem:/ {print \$2}"; nproc; cut -d. -f1 /proc/uptime'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = 300 ]
	[ "${lines[1]}" = 1 ]
	[ "${lines[2]}" -lt 60 ]
}

@test "debian VPS under its monitor (systemd): free -m, nproc, uptime and sysinfo(2) tell the VPS's" {
	[ "$NCPU" -ge 2 ] || skip "needs 2 CPUs to narrow to 1 (host has $NCPU)"
	run timeout 1200 "$VPS" bundle "$WORK/pvds" --name pvds --template debian --memory 300M --cpus 1
	[ "$status" -eq 0 ]
	jq_edit "$WORK/pvds/config.json" --arg d "$LXCFS" '.annotations["org.vps.lxcfs"] = $d'
	cp "$VPS_TOP/build/tests/sysinfo_probe" "$WORK/pvds/rootfs/usr/local/bin/probe"
	v run -d pvds --bundle "$WORK/pvds"
	for _ in $(seq 150); do
		s=$(v exec pvds systemctl is-system-running 2>/dev/null) || true
		case $s in running | degraded) break ;; esac
		sleep 0.2
	done
	run v exec pvds sh -c 'free -m | awk "/^Mem:/ {print \$2}"; nproc; uptime; cut -d. -f1 /proc/uptime; probe'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = 300 ]
	[ "${lines[1]}" = 1 ]
	[[ ${lines[2]} == *"up 0 min"* ]] || [[ ${lines[2]} == *"up 1 min"* ]]
	[ "${lines[3]}" -lt 120 ]
	read -r total _ _ _ up procs <<<"${lines[4]}"
	[ "$total" = 314572800 ]
	[ "$up" -lt 120 ]
	[ "$procs" -ge 2 ] && [ "$procs" -lt 200 ]
	v delete --force pvds
}
