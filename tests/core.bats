#!/usr/bin/env bats
# core: the container lifecycle (create/start/run/state/kill/delete/ps) driven
# through the CLI on a busybox bundle, observed from inside and from the host.
# timeout: 600
load helpers
load core_helpers

setup_file() { core_setup_file; }
teardown_file() { core_teardown_file; }

@test "core-run: busybox runs isolated, output passes through, exit status returned" {
	b=$(core_bundle run1 sh -c 'echo hello; hostname; for n in pid net ipc uts mnt; do readlink /proc/1/ns/$n; done; echo pid=$$; exit 3')
	cd "$b"
	run v run core-run1
	[ "$status" -eq 3 ]
	[ "${lines[0]}" = hello ]
	[ "${lines[1]}" = vps ]   # hostname from the default config
	[ "${lines[2]}" != "$(host_ns pid)" ]
	[ "${lines[3]}" != "$(host_ns net)" ]
	[ "${lines[4]}" != "$(host_ns ipc)" ]
	[ "${lines[5]}" != "$(host_ns uts)" ]
	[ "${lines[6]}" != "$(host_ns mnt)" ]
	[ "${lines[7]}" = pid=1 ]
	no_leftovers core-run1
}

@test "core-run: --bundle, and a signal death is 128+N" {
	b=$(core_bundle run2 sh -c 'kill -USR1 $$; sleep 5')
	cfg "$b" '.linux.namespaces |= map(select(.type != "pid"))'
	run v run --bundle "$b" core-run2
	[ "$status" -eq $((128 + 10)) ]
	no_leftovers core-run2
}

@test "core-run: --keep leaves the stopped container for state and delete" {
	b=$(core_bundle keep sh -c 'exit 4')
	run v run --keep --bundle "$b" core-keep
	[ "$status" -eq 4 ]
	[ "$(v state core-keep | jq -r .status)" = stopped ]
	v delete core-keep
	no_leftovers core-keep
}

@test "core-run: the foreground run forwards signals to the process" {
	b=$(core_bundle run3 sh -c 'trap "echo got-term; exit 42" TERM; echo ready; while :; do sleep 0.1; done')
	"$VPS" --root "$ROOT" run --bundle "$b" core-run3 >"$WORK/run3.out" 2>&1 &
	pid=$!
	for i in $(seq 50); do grep -q ready "$WORK/run3.out" 2>/dev/null && break; sleep 0.1; done
	kill -TERM $pid
	for i in $(seq 50); do kill -0 $pid 2>/dev/null || break; sleep 0.1; done
	kill -9 $pid 2>/dev/null && { echo "run did not exit after SIGTERM"; false; }
	wait $pid && st=0 || st=$?
	[ "$st" -eq 42 ]
	grep -q got-term "$WORK/run3.out"
}

@test "core-run: the final delete of a run leaves alone a container that took its id meanwhile" {
	b=$(core_bundle rep sleep 1000)
	"$VPS" --root "$ROOT" run --bundle "$b" core-rep </dev/null >"$WORK/rep.out" 2>&1 &
	pid=$!
	wait_status core-rep running
	kill -STOP $pid # run cannot react until the replacement exists
	v delete --force core-rep
	vbg create --bundle "$b" core-rep
	kill -CONT $pid
	wait $pid || true
	[ "$(v state core-rep | jq -r .status)" = created ]
	v delete --force core-rep
	no_leftovers core-rep
}

@test "core-create: created -> running -> stopped; pid file before create returns" {
	b=$(core_bundle life sh -c 'read x </dev/null; sleep 1000')
	vbg create --bundle "$b" --pid-file "$WORK/life.pid" core-life
	pid=$(cat "$WORK/life.pid")
	[ -d "/proc/$pid" ]
	run v state core-life
	[ "$(echo "$output" | jq -r .status)" = created ]
	[ "$(echo "$output" | jq -r .pid)" = "$pid" ]
	[ "$(echo "$output" | jq -r .bundle)" = "$b" ]
	# created: the init is blocked before exec, still the vps binary
	[ "$(readlink /proc/$pid/exe)" != /bin/sleep ]
	vbg start core-life
	[ "$(v state core-life | jq -r .status)" = running ]
	[[ "$(readlink /proc/$pid/exe)" == *busybox ]]
	run v start core-life
	[ "$status" -ne 0 ]
	[[ "$output" == *"cannot start a container that is running"* ]]
	v kill core-life KILL
	wait_status core-life stopped
	run v delete core-life
	[ "$status" -eq 0 ]
	no_leftovers core-life
}

@test "core-create: the child's real error comes back and nothing is left behind" {
	b=$(core_bundle err1 /bin/nonexistent-binary)
	run v create --bundle "$b" core-err1
	[ "$status" -eq 1 ]
	[[ "$output" == *'vps: create core-err1: exec /bin/nonexistent-binary: no such file or directory'* ]]
	no_leftovers core-err1
	b=$(core_bundle err2 true)
	cfg "$b" '.process.cwd = "/no/such/dir"'
	run v create --bundle "$b" core-err2
	[ "$status" -eq 1 ]
	[[ "$output" == *"process.cwd /no/such/dir: No such file or directory"* ]]
	no_leftovers core-err2
	b=$(core_bundle err3 nosuchcmd)
	run v create --bundle "$b" core-err3
	[[ "$output" == *'exec "nosuchcmd": executable file not found in $PATH'* ]]
	no_leftovers core-err3
}

@test "core-create: concurrent creates of one id: exactly one wins" {
	b=$(core_bundle conc sleep 1000)
	for i in 1 2 3 4; do
		(rc=0; v create --bundle "$b" core-conc </dev/null >"$WORK/conc.$i" 2>&1 || rc=$?; echo $rc >>"$WORK/conc.rc") &
	done
	wait
	[ "$(grep -c '^0$' "$WORK/conc.rc")" -eq 1 ]
	[ "$(grep -c '^1$' "$WORK/conc.rc")" -eq 3 ]
	[ "$(cat "$WORK"/conc.[1-4] | grep -c 'container "core-conc" already exists')" -eq 3 ]
	[ "$(v state core-conc | jq -r .status)" = created ]
	v delete --force core-conc
	no_leftovers core-conc
}

@test "core-kill: signals by name and number; bad signal; --all" {
	b=$(core_bundle kill1 sh -c 'trap "echo usr1 >>/tmp/sigs" USR1; trap "echo term >>/tmp/sigs" TERM; trap "echo hup >>/tmp/sigs" HUP; while :; do sleep 0.1; done')
	vbg run -d --bundle "$b" core-kill1
	sleep 0.3
	v kill core-kill1 USR1
	sleep 0.3
	v kill core-kill1 SIGTERM
	sleep 0.3
	v kill core-kill1 1
	sleep 0.3
	run cat "$b/rootfs/tmp/sigs"
	[ "$output" = "$(printf 'usr1\nterm\nhup')" ]
	run v kill core-kill1 NOPE
	[ "$status" -eq 1 ]
	[[ "$output" == *'invalid signal "NOPE"'* ]]
	vbg exec -d core-kill1 sleep 1000
	[ "$(v ps -f json core-kill1 | jq length)" -eq 3 ]
	v kill --all core-kill1 KILL
	wait_status core-kill1 stopped
	v delete core-kill1
	# without a pid namespace a process can outlive the init: SIGKILL goes
	# to the whole cgroup (runc 1.2+), also once the init is gone
	b=$(core_bundle kill2 sleep 100000)
	cfg "$b" '.linux.namespaces |= map(select(.type != "pid"))'
	vbg run -d --bundle "$b" core-kill2
	orphans() {
		v ps -f json core-kill2 | jq '.[]' | while read -r p; do
			[ "$(tr '\0' ' ' </proc/$p/cmdline)" = "sleep 2000 " ] && echo $p; done
	}
	vbg exec -d core-kill2 sleep 2000
	orphan=$(orphans)
	[ -n "$orphan" ]
	v kill core-kill2 KILL
	wait_status core-kill2 stopped
	for i in $(seq 50); do gone $orphan && break; sleep 0.1; done
	gone $orphan
	v delete core-kill2
	vbg run -d --bundle "$b" core-kill2
	vbg exec -d core-kill2 sleep 2000
	orphan=$(orphans)
	[ -n "$orphan" ]
	kill -9 "$(v state core-kill2 | jq .pid)"
	wait_status core-kill2 stopped
	! gone $orphan
	run v kill core-kill2 TERM
	[ "$status" -eq 1 ]
	[[ "$output" == *"not running"* ]]
	v kill core-kill2 KILL
	for i in $(seq 50); do gone $orphan && break; sleep 0.1; done
	gone $orphan
	v delete core-kill2
}

@test "core-kill0: signal 0 asks whether the container is alive" {
	b=$(core_bundle kill0 sleep 1000)
	vbg run -d --bundle "$b" core-kill0
	v kill core-kill0 0
	# signal 0 delivers nothing: the init still runs
	[ "$(v state core-kill0 | jq -r .status)" = running ]
	v kill core-kill0 KILL
	wait_status core-kill0 stopped
	run v kill core-kill0 0
	[ "$status" -eq 1 ]
	[[ "$output" == *"not running (stopped)"* ]]
	v delete core-kill0
	no_leftovers core-kill0
}

@test "core-kill: a recycled pid is never signalled" {
	b=$(core_bundle reuse sleep 1000)
	vbg run -d --bundle "$b" core-reuse
	# pretend the init's pid now belongs to someone else: our own sleep, started
	# a clock tick later (a recycled pid cannot share the init's start time)
	sleep 0.05
	sleep 1000 &
	other=$!
	st=$ROOT/core-reuse/state.json
	jq --argjson p "$other" '.pid = $p' "$st" >"$st.tmp" && mv "$st.tmp" "$st"
	run v kill core-reuse KILL
	[ "$status" -eq 1 ]
	[ -d /proc/$other ]
	kill $other
	run v delete --force core-reuse
	[ "$status" -eq 0 ]
}

@test "core-delete: refuses a running container, --force cleans every state" {
	b=$(core_bundle del1 sleep 1000)
	vbg run -d --bundle "$b" core-del1
	run v delete core-del1
	[ "$status" -eq 1 ]
	[[ "$output" == *"cannot delete container that is running"* ]]
	pid=$(v state core-del1 | jq .pid)
	v delete --force core-del1
	gone $pid
	no_leftovers core-del1
	b=$(core_bundle del2 sleep 1000)
	vbg create --bundle "$b" core-del2          # created
	v delete core-del2
	no_leftovers core-del2
	b=$(core_bundle del3 sleep 1000)
	vbg create --bundle "$b" core-del3
	v kill core-del3 KILL                     # stopped
	wait_status core-del3 stopped
	v delete core-del3
	no_leftovers core-del3
	run v delete core-del3                    # gone
	[ "$status" -eq 1 ]
	[[ "$output" == *'container "core-del3" does not exist'* ]]
}

@test "core-delete-race: a created container raced by start and delete: one wins cleanly" {
	# runc deletes a created container without --force (engines rely on it);
	# under the container's lock exactly one of the two acts on it
	b=$(core_bundle race sleep 1000)
	local i srv drv starts=0 deletes=0
	for i in $(seq 15); do
		vbg create --bundle "$b" core-race
		pid=$(v state core-race | jq .pid)
		v start core-race >"$WORK/race.s" 2>&1 & srv=$!
		v delete core-race >"$WORK/race.d" 2>&1 & drv=$!
		src=0 drc=0
		wait $srv || src=$?
		wait $drv || drc=$?
		cat "$WORK/race.s" "$WORK/race.d"
		if [ $src = 0 ]; then   # start won: delete saw it running
			[ $drc = 1 ]
			grep -q 'cannot delete container that is running' "$WORK/race.d"
			[ "$(v state core-race | jq -r .status)" = running ]
			v delete --force core-race
			starts=$((starts + 1))
		else                    # delete won: start found nothing
			[ $drc = 0 ]
			grep -q 'does not exist' "$WORK/race.s"
			deletes=$((deletes + 1))
		fi
		gone $pid
		no_leftovers core-race
	done
	echo "start won $starts, delete won $deletes"
}

@test "core-delete: --force on a paused container kills it at once" {
	b=$(core_bundle pz sleep 1000)
	vbg run -d --bundle "$b" core-pz
	pid=$(v state core-pz | jq .pid)
	v pause core-pz
	[ "$(v state core-pz | jq -r .status)" = paused ]
	SECONDS=0
	v delete --force core-pz
	gone $pid
	no_leftovers core-pz
	# (not a timing assertion: a frozen process that never got the SIGKILL
	# would still be there; this only reports how long it took)
	echo "delete took ${SECONDS}s"
}

@test "core-delete: --force cleans after a create killed half-way" {
	b=$(core_bundle crash sleep 1000)
	cfg "$b" '.hooks.createRuntime = [{"path": "/bin/sleep", "args": ["sleep", "100"]}]'
	"$VPS" --root "$ROOT" create --bundle "$b" core-crash </dev/null >/dev/null 2>&1 &
	cpid=$!
	hook=
	for i in $(seq 50); do hook=$(pgrep -P $cpid sleep) && break; sleep 0.1; done
	[ -n "$hook" ]
	init=$(pgrep -P $cpid -x vps)
	[ -n "$init" ]
	[ "$(v state core-crash | jq -r .status)" = creating ]
	kill -9 $cpid
	wait $cpid || true
	kill -9 $hook
	# the half-made init notices its creator is gone and exits
	wait_status core-crash stopped
	[ -d "$ROOT/core-crash" ]
	v delete --force core-crash
	no_leftovers core-crash
	gone $init
}

@test "core-ps: table and json list the container's processes" {
	b=$(core_bundle ps sleep 1000)
	vbg run -d --bundle "$b" core-ps
	pid=$(v state core-ps | jq .pid)
	run v ps -f json core-ps
	[ "$output" = "[$pid]" ]
	run v ps core-ps
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == *PID* ]]
	[[ "${lines[1]}" == *" $pid "*"sleep 1000"* ]]
	[ "${#lines[@]}" -eq 2 ]
	v delete --force core-ps
}
