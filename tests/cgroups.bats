#!/usr/bin/env bats
# timeout: 400
# cgroups on this host (hybrid here; any layout works): limits seen by the host
# and from inside, fork bomb, OOM + events, update, pause/resume, stats, and
# no cgroup directory left after delete. Ids start with cg-.
load helpers

setup_file() {
	vps_setup_file
	make_busybox_bundle "$WORK/tpl" >/dev/null
}
teardown_file() { vps_teardown_file; }

# bundle NAME ARGS...: a copy of the template with process.args = ARGS
bundle() {
	local name=$1; shift
	local d=$WORK/$name
	rm -rf "$d"; mkdir -p "$d"
	cp -a "$WORK/tpl/rootfs" "$d/rootfs"
	cp "$WORK/tpl/config.json" "$d/config.json"
	[ $# -gt 0 ] && set_args "$d" "$@"
	echo "$d"
}

# up ID DIR: create + start, the container's output in $WORK/ID.out
up() {
	v create --bundle "$2" "$1" >"$WORK/$1.out" 2>&1 </dev/null || { cat "$WORK/$1.out"; return 1; }
	v start "$1"
}

# cgdirs ID: every cgroup directory of container ID on the host (any hierarchy)
cgdirs() {
	local m
	for m in $(awk '$9 == "cgroup" || $9 == "cgroup2" {print $5}' /proc/self/mountinfo | sort -u); do
		[ -d "$m/vps/$1" ] && echo "$m/vps/$1"
	done
	return 0
}

# hostfile ID CTRL V1FILE V2FILE: the host's view of a cgroup file
hostfile() {
	local id=$1 ctrl=$2 f1=$3 f2=$4 m
	if [ -f /sys/fs/cgroup/cgroup.controllers ]; then cat "/sys/fs/cgroup/vps/$id/$f2"; return; fi
	for m in /sys/fs/cgroup/*; do
		case ",$(awk -v m="$m" '$5 == m {print $NF}' /proc/self/mountinfo)," in
		*",$ctrl,"*) cat "$m/vps/$id/$f1"; return ;;
		esac
	done
	return 1
}

wait_for() { # wait_for N CMD...: poll CMD every 0.1s, N tries
	local n=$1 i; shift
	for i in $(seq "$n"); do "$@" && return 0; sleep 0.1; done
	return 1
}

@test "cg-member: the init and an exec'd process are in the container's cgroup in every hierarchy" {
	# on v1 and hybrid hosts the process moves itself into each v1 hierarchy
	# (runtime/init.c); a hybrid host's cgroup2 part is CLONE_INTO_CGROUP
	b=$(bundle mem sh -c 'cat /proc/self/cgroup; sleep 1000')
	up cg-mem "$b"
	local want
	want=$(grep -c . /proc/self/cgroup)
	for _ in $(seq 50); do [ -s "$WORK/cg-mem.out" ] && break; sleep 0.1; done
	run v exec cg-mem cat /proc/self/cgroup
	v delete --force cg-mem
	for out in "$(cat "$WORK/cg-mem.out")" "$output"; do
		echo "$out"
		[ "$(printf '%s\n' "$out" | grep -c .)" -eq "$want" ]
		# every hierarchy, v1 or v2, names the container's own cgroup
		! printf '%s\n' "$out" | grep -v '/cg-mem$'
	done
}

@test "cg-limits: memory and pids limits reach the host's files and the VPS sees them" {
	b=$(bundle lim sh -c 'sleep 1000')
	jq_edit "$b/config.json" '.linux.resources.memory = {"limit": 67108864} | .linux.resources.pids = {"limit": 50}'
	up cg-lim "$b"
	[ "$(hostfile cg-lim memory memory.limit_in_bytes memory.max)" = 67108864 ]
	[ "$(hostfile cg-lim pids pids.max pids.max)" = 50 ]
	run v exec cg-lim sh -c 'cat /sys/fs/cgroup/memory/memory.limit_in_bytes 2>/dev/null || cat /sys/fs/cgroup/memory.max'
	[ "$status" -eq 0 ]
	[ "$output" = 67108864 ]
	v delete --force cg-lim
	[ -z "$(cgdirs cg-lim)" ]
}

@test "cg-bomb: a fork bomb stops at pids.max while the host keeps working" {
	# the loop runs in a subshell: ash gives up on its first failed fork
	b=$(bundle bomb sh -c '(i=0; while [ $i -lt 200 ]; do sleep 1000 & i=$((i+1)); done) 2>/dev/null; echo started; sleep 1000')
	jq_edit "$b/config.json" '.linux.resources.pids = {"limit": 20}'
	up cg-bomb "$b"
	wait_for 100 grep -q started "$WORK/cg-bomb.out"
	cur=$(hostfile cg-bomb pids pids.current pids.current)
	[ "$cur" -le 20 ]
	[ "$cur" -ge 15 ]
	# the host still forks and runs commands
	run sh -c 'for i in 1 2 3 4 5 6 7 8 9 10; do /bin/true & done; wait; echo host-ok'
	[ "$output" = host-ok ]
	v delete --force cg-bomb
	[ -z "$(cgdirs cg-bomb)" ]
}

@test "cg-oom: a memory hog is OOM-killed inside its VPS only and events reports it" {
	# the hog's subshell marks itself the first to go (oom_score_adj 1000, which
	# needs no privilege): when head, still writing after tail was killed,
	# trips a second OOM before tail's memory is uncharged, the kernel then
	# takes head, not the init (seen once in CI: it killed sh)
	b=$(bundle oom sh -c 'while [ ! -e /tmp/go ]; do sleep 0.1; done; (echo 1000 >/proc/self/oom_score_adj; head -c 300m /dev/zero | tail >/dev/null); echo survived; sleep 1000')
	jq_edit "$b/config.json" '.linux.resources.memory = {"limit": 33554432, "swap": 33554432}'
	up cg-oom "$b"
	v events --interval 200ms cg-oom >"$WORK/events" 2>&1 &
	ev=$!
	# the hog starts once events is streaming (its first stats line)
	wait_for 100 grep -q '"type":"stats"' "$WORK/events"
	touch "/proc/$(v state cg-oom | jq -r .pid)/root/tmp/go"
	wait_for 200 grep -q '"type":"oom"' "$WORK/events" || { kill $ev; cat "$WORK/events" | tail -3; false; }
	kill $ev
	grep '"type":"oom"' "$WORK/events" | head -1 | jq -e '.id == "cg-oom"'
	# the container's init survived: only the hog inside was killed
	wait_for 50 grep -q survived "$WORK/cg-oom.out"
	[ "$(v state cg-oom | jq -r .status)" = running ]
	v delete --force cg-oom
}

@test "cg-update: --memory and --pids-limit change a running VPS's limits" {
	b=$(bundle upd sh -c 'sleep 1000')
	jq_edit "$b/config.json" '.linux.resources.memory = {"limit": 67108864} | .linux.resources.pids = {"limit": 50}'
	up cg-upd "$b"
	v update --memory 128m --pids-limit 30 cg-upd
	[ "$(hostfile cg-upd memory memory.limit_in_bytes memory.max)" = 134217728 ]
	[ "$(hostfile cg-upd pids pids.max pids.max)" = 30 ]
	run v exec cg-upd sh -c 'cat /sys/fs/cgroup/pids/pids.max 2>/dev/null || cat /sys/fs/cgroup/pids.max'
	[ "$output" = 30 ]
	echo '{"memory": {"limit": 100663296}, "cpu": {"quota": 20000, "period": 100000}}' >"$WORK/res.json"
	v update -r "$WORK/res.json" cg-upd
	[ "$(hostfile cg-upd memory memory.limit_in_bytes memory.max)" = 100663296 ]
	[ "$(hostfile cg-upd cpu cpu.cfs_quota_us cpu.max | cut -d' ' -f1)" = 20000 ]
	run v update --memory lots cg-upd
	[ "$status" -eq 2 ]
	[[ "$output" == *'--memory "lots": expected a size'* ]]
	run v update --cpuset-cpus 999 cg-upd
	[ "$status" -eq 1 ]
	[[ "$output" == *'vps: update cg-upd: '*'cpuset.cpus'* ]]
	v delete --force cg-upd
}

@test "cg-pause: pause freezes (a counter stops), resume continues" {
	b=$(bundle pz sh -c 'i=0; while :; do i=$((i+1)); echo $i >/tmp/n; sleep 0.05; done')
	up cg-pz "$b"
	wait_for 50 v exec cg-pz test -s /tmp/n
	v pause cg-pz
	[ "$(v state cg-pz | jq -r .status)" = paused ]
	[ "$(hostfile cg-pz freezer freezer.state cgroup.freeze)" = FROZEN ] ||
		[ "$(hostfile cg-pz freezer freezer.state cgroup.freeze)" = 1 ]
	pid=$(v state cg-pz | jq -r .pid)
	a=$(cat /proc/$pid/root/tmp/n); sleep 0.5; b2=$(cat /proc/$pid/root/tmp/n)
	[ "$a" = "$b2" ]
	run v pause cg-pz
	[ "$status" -eq 1 ]
	[[ "$output" == *'container is paused, not running'* ]]
	v resume cg-pz
	[ "$(v state cg-pz | jq -r .status)" = running ]
	wait_for 100 sh -c "[ \$(cat /proc/$pid/root/tmp/n) -gt $b2 ]"
	run v resume cg-pz
	[ "$status" -eq 1 ]
	v delete --force cg-pz
}

@test "cg-stats: events --stats has runc's shape; stats prints a table and JSON" {
	b=$(bundle st sh -c 'sleep 1000')
	jq_edit "$b/config.json" '.linux.resources.memory = {"limit": 67108864} | .linux.resources.pids = {"limit": 50}'
	up cg-st "$b"
	run v events --stats cg-st
	[ "$status" -eq 0 ]
	echo "$output" | jq -e '.type == "stats" and .id == "cg-st"'
	echo "$output" | jq -e '.data.memory.usage.limit == 67108864 and .data.memory.usage.usage > 0'
	echo "$output" | jq -e '.data.pids.current >= 1 and .data.pids.limit == 50'
	echo "$output" | jq -e '.data.cpu.usage.total > 0 and (.data.blkio | has("ioServiceBytesRecursive"))'
	run v stats --interval 200ms cg-st
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == ID*CPU%*MEM* ]]
	[[ "${lines[1]}" == cg-st* ]]
	[[ "${lines[1]}" == *"/ 64.0MiB"* ]]
	run v stats --json --interval 100ms cg-st
	echo "$output" | jq -e '.[0].id == "cg-st" and .[0].memory.limit == 67108864 and .[0].pids.current >= 1'
	run v stats cg-nosuch
	[ "$status" -eq 1 ]
	v delete --force cg-st
}

@test "cg-delete: no cgroup directory is left in any hierarchy" {
	b=$(bundle del sh -c 'sleep 1000 & sleep 1000')
	up cg-del "$b"
	[ -n "$(cgdirs cg-del)" ]
	v kill cg-del KILL
	v delete --force cg-del
	[ -z "$(cgdirs cg-del)" ]
	[ ! -e "$ROOT/cg-del" ]
}

@test "cg-devices: a linux.devices node stays usable under a deny-all device cgroup (as runc)" {
	[ -b /dev/loop0 ] || skip "no /dev/loop0 on this host (modprobe loop)"
	b=$(bundle dev sh -c 'head -c 1 /dev/loop0 >/dev/null && echo read-ok; head -c 1 /dev/hostloop 2>&1 >/dev/null; true')
	jq_edit "$b/config.json" '.linux.devices = [{"path": "/dev/loop0", "type": "b", "major": 7, "minor": 0}]
		| .process.args[2] = "mknod /dev/hostloop b 7 1; " + .process.args[2]'
	run v run --bundle "$b" cg-dev
	[ "$status" -eq 0 ]
	[[ "$output" == *read-ok* ]]
	[[ "$output" == *"not permitted"* ]]
}
