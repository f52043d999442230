#!/usr/bin/env bats
# The VPS face's lifecycle (issue 16): one monitor per VPS (made by create /
# run -d of a `vps bundle` bundle), vps stop / restart, reboot and power-off
# inside, vps console and vps logs. Engines' bundles get no monitor.
# timeout: 900
load helpers

PTY() { python3 "$VPS_TOP/tests/tools/vf_pty.py" -t 15 "$@"; }

setup_file() {
	vps_setup_file
	export VPS_INVENTORY=$WORK/inventory
	export SHELL=/bin/bash
	"$VPS" bundle "$WORK/tmpl" --name lc-tmpl >/dev/null
	# reboot(2) inside: CAP_SYS_BOOT and no seccomp rule against it (in a
	# pid namespace it only ends that namespace's init)
	jq_edit "$WORK/tmpl/config.json" \
		'(.process.capabilities | .[]) += ["CAP_SYS_BOOT"] |
		 .linux.seccomp.syscalls |= map(.names -= ["reboot"])'
}
teardown_file() {
	local id # the boot order test's own state root, if it failed half-way
	for id in $(ls "$WORK/state-order" 2>/dev/null); do
		"$VPS" --root "$WORK/state-order" delete --force "$id" >/dev/null 2>&1 || true
	done
	vps_teardown_file
}

# wait_for CMD...: retry up to 10 s
wait_for() {
	local i
	for i in $(seq 1 100); do "$@" && return 0; sleep 0.1; done
	"$@"
}

# vpsb NAME: a busybox VPS bundle $WORK/NAME named NAME (a copy of the template)
vpsb() {
	rm -rf "${WORK:?}/$1"
	cp -a "$WORK/tmpl" "$WORK/$1"
	jq_edit "$WORK/$1/config.json" --arg n "$1" \
		'.annotations["org.vps.name"] = $n | .hostname = $n'
}
initpid() { v state "$1" | jq -r .pid; }
status() { v state "$1" | jq -r .status; }
ppid_of() { awk '/^PPid:/ { print $2 }' "/proc/$1/status"; }
monitor_of() { ppid_of "$(initpid "$1")"; }
is_running() { [ "$(status "$1")" = running ]; }
is_stopped() { [ "$(status "$1")" = stopped ]; }
booted() { v exec "$1" sh -c 'ps | grep -q "[g]etty"'; }
# gone ID PID MON: nothing of the VPS is left
gone() {
	[ ! -e "$ROOT/$1" ] || { echo "state dir left"; return 1; }
	[ ! -e "/proc/$2" ] || { echo "init $2 left"; return 1; }
	local c s # the monitor: gone, or a zombie (being reaped meanwhile)
	s=$(awk '{print $3}' "/proc/$3/stat" 2>/dev/null) || s=
	[ -z "$s" ] || [ "$s" = Z ] || { echo "monitor $3 left ($s)"; return 1; }
	for c in /sys/fs/cgroup/*/; do
		[ ! -e "$c$(cgrel "$1")" ] || { echo "cgroup $c$(cgrel "$1") left"; return 1; }
	done
}

@test "lifecycle: create returns at once and leaves one monitor, the init's parent, outside the VPS" {
	vpsb lc-mon1
	local t0=$SECONDS
	run timeout 10 bash -c 'out=$("$1" --root "$2" create --bundle "$3" lc-mon1 2>&1) && printf "[%s]" "$out"' \
		_ "$VPS" "$ROOT" "$WORK/lc-mon1" 2>"$WORK/mon1.err"
	[ "$status" -eq 0 ]
	[ "$output" = "[]" ]
	((SECONDS - t0 < 5))
	[ "$(status lc-mon1)" = created ]
	v start lc-mon1
	wait_for booted lc-mon1
	init=$(initpid lc-mon1)
	mon=$(ppid_of "$init")
	[ "$(cat /proc/$mon/comm)" = vps-monitor ]
	# its own session, not ours; no controlling terminal
	[ "$(ps -o sid= -p "$mon")" != "$(ps -o sid= -p $$)" ]
	[ "$(ps -o tty= -p "$mon" | tr -d ' ')" = "?" ]
	# not in the VPS's pid, mount or net namespace, nor in its cgroup
	local ns
	for ns in pid mnt net; do
		[ "$(readlink /proc/$mon/ns/$ns)" = "$(readlink /proc/self/ns/$ns)" ]
		[ "$(readlink /proc/$mon/ns/$ns)" != "$(readlink /proc/$init/ns/$ns)" ]
	done
	[ "$(grep pids /proc/$mon/cgroup)" != "$(grep pids /proc/$init/cgroup)" ]
	# its fds: /dev/null, the console pty pair, the log, sockets, the pidfd,
	# the init's sysinfo listener (issue 18); nothing of the caller's (bats's
	# files, the bundle, a terminal)
	for fd in /proc/$mon/fd/*; do
		t=$(readlink "$fd")
		case $t in
		/dev/null | /dev/pts/ptmx | /dev/pts/[0-9]* | "$ROOT/lc-mon1/console.log" | socket:* | anon_inode:\[pidfd\] | "anon_inode:seccomp notify") ;;
		*) echo "monitor fd $fd -> $t"; false ;;
		esac
	done
	# the console log is the monitor's, 0600
	[ "$(stat -c %a "$ROOT/lc-mon1/console.log")" = 600 ]
	[ "$(stat -c %a "$ROOT/lc-mon1/console.sock")" = 600 ]
	v stop lc-mon1
	# a caller with its stdio closed: the monitor's report pipe is not on 0-2
	"$VPS" --root "$ROOT" run -d --bundle "$WORK/lc-mon1" lc-mon1 <&- >&- 2>&-
	is_running lc-mon1
	v stop lc-mon1
}

@test "lifecycle: the VPS and its monitor outlive the operator's terminal session" {
	vpsb lc-tty1
	# a session on a pty (script), whose shell creates the VPS and waits
	setsid script -qec "$VPS --root $ROOT run -d --bundle $WORK/lc-tty1 lc-tty1; echo made; sleep 60" \
		/dev/null </dev/null >"$WORK/tty1.out" 2>&1 &
	local sess=$!
	wait_for grep -q made "$WORK/tty1.out"
	mon=$(monitor_of lc-tty1)
	# close the terminal: the session's processes get SIGHUP, then SIGKILL
	kill -HUP -- -"$sess" 2>/dev/null || true
	pkill -KILL -s "$sess" 2>/dev/null || true
	sleep 1
	is_running lc-tty1
	[ "$(cat /proc/$mon/comm)" = vps-monitor ]
	[ "$(monitor_of lc-tty1)" = "$mon" ]
	v stop lc-tty1
}

@test "lifecycle: stop shuts a busybox VPS down through its init (shutdown actions run); nothing is left" {
	vpsb lc-stop1
	echo '::shutdown:/bin/sh -c "echo bye >/var/log/shutdown.log"' >>"$WORK/lc-stop1/rootfs/etc/inittab"
	v run -d --bundle "$WORK/lc-stop1" lc-stop1
	wait_for booted lc-stop1
	init=$(initpid lc-stop1)
	mon=$(monitor_of lc-stop1)
	run v stop lc-stop1
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	[ "$(cat "$WORK/lc-stop1/rootfs/var/log/shutdown.log")" = bye ]
	gone lc-stop1 "$init" "$mon"
	run v state lc-stop1
	[ "$status" -eq 1 ]
}

@test "lifecycle: stop of an init that ignores every signal: SIGKILL after --timeout 2, exit 0, nothing left" {
	vpsb lc-deaf
	jq_edit "$WORK/lc-deaf/config.json" \
		'.process.args = ["/bin/sh", "-c", "trap \"\" HUP INT QUIT TERM USR1 USR2 PWR; while :; do sleep 1; done"]'
	v run -d --bundle "$WORK/lc-deaf" lc-deaf
	init=$(initpid lc-deaf)
	mon=$(monitor_of lc-deaf)
	v exec lc-deaf sh -c 'sleep 1000 & sleep 1000 &'
	local t0=$SECONDS
	run v stop --timeout 2 lc-deaf
	[ "$status" -eq 0 ]
	((SECONDS - t0 >= 2 && SECONDS - t0 < 10))
	gone lc-deaf "$init" "$mon"
}

@test "lifecycle: stop sends the signal a bundle names (org.opencontainers.image.stopSignal, org.vps.stop-signal)" {
	local key sig n=0
	for key in org.opencontainers.image.stopSignal org.vps.stop-signal; do
		n=$((n + 1))
		sig=$([ $n = 1 ] && echo SIGUSR1 || echo PWR)
		vpsb lc-sig$n
		jq_edit "$WORK/lc-sig$n/config.json" --arg k "$key" --arg s "$sig" \
			'.annotations[$k] = $s |
			 .process.args = ["/bin/sh", "-c", "trap \"echo got-USR1 >/sig; exit 0\" USR1; trap \"echo got-PWR >/sig; exit 0\" PWR; trap \"\" TERM USR2; while :; do sleep 0.1; done"]'
		v run -d --bundle "$WORK/lc-sig$n" lc-sig$n
		local t0=$SECONDS
		v stop --timeout 20 lc-sig$n
		((SECONDS - t0 < 10))
		[ "$(cat "$WORK/lc-sig$n/rootfs/sig")" = "got-${sig#SIG}" ]
		[ ! -e "$ROOT/lc-sig$n" ]
	done
	# a bad one: a clear error naming the annotation, nothing stopped
	vpsb lc-sig3
	jq_edit "$WORK/lc-sig3/config.json" '.annotations["org.vps.stop-signal"] = "SIGNOPE"'
	v run -d --bundle "$WORK/lc-sig3" lc-sig3
	run v stop lc-sig3
	[ "$status" -eq 1 ]
	[[ $output == *'vps: stop lc-sig3: annotation org.vps.stop-signal: invalid signal "SIGNOPE"'* ]]
	is_running lc-sig3
	[ ! -e "$ROOT/lc-sig3/stopping" ] # a reboot inside would still restart it
	v delete --force lc-sig3
}

@test "lifecycle: stop of a created (not started) VPS and of a paused one: exit 0, nothing left" {
	vpsb lc-cr1
	v create --bundle "$WORK/lc-cr1" lc-cr1
	init=$(initpid lc-cr1)
	mon=$(monitor_of lc-cr1)
	local t0=$SECONDS
	v stop lc-cr1
	((SECONDS - t0 < 5)) # nothing to ask a blocked init: killed at once
	gone lc-cr1 "$init" "$mon"
	vpsb lc-pz1
	v run -d --bundle "$WORK/lc-pz1" lc-pz1
	wait_for booted lc-pz1
	init=$(initpid lc-pz1)
	mon=$(monitor_of lc-pz1)
	v pause lc-pz1
	[ "$(status lc-pz1)" = paused ]
	t0=$SECONDS
	v stop lc-pz1
	((SECONDS - t0 < 10)) # thawed, then it powered off by itself
	gone lc-pz1 "$init" "$mon"
}

@test "lifecycle: restart: a new init and monitor, same name, running" {
	vpsb lc-rs1
	v run -d --bundle "$WORK/lc-rs1" lc-rs1
	wait_for booted lc-rs1
	old=$(initpid lc-rs1)
	oldmon=$(monitor_of lc-rs1)
	v restart lc-rs1
	is_running lc-rs1
	[ "$(initpid lc-rs1)" != "$old" ]
	[ "$(monitor_of lc-rs1)" != "$oldmon" ]
	[ "$(cat /proc/$(monitor_of lc-rs1)/comm)" = vps-monitor ]
	wait_for booted lc-rs1
	[ "$(v exec lc-rs1 hostname)" = lc-rs1 ]
	v stop lc-rs1
}

@test "lifecycle: reboot inside restarts the VPS (new init, same monitor, log kept); poweroff leaves it stopped, recorded, reaped" {
	vpsb lc-boot1
	echo '::sysinit:/bin/sh -c "echo boot >>/boots"' >>"$WORK/lc-boot1/rootfs/etc/inittab"
	v run -d --bundle "$WORK/lc-boot1" lc-boot1
	wait_for booted lc-boot1
	prompts() { [ "$(grep -c "lc-boot1 login:" "$ROOT/lc-boot1/console.log")" -eq "$1" ]; }
	wait_for prompts 1 # the first boot's getty is up and said so
	old=$(initpid lc-boot1)
	mon=$(monitor_of lc-boot1)
	v exec lc-boot1 reboot
	newpid() { is_running lc-boot1 && [ "$(initpid lc-boot1)" != "$old" ]; }
	for i in $(seq 1 10); do newpid && break; sleep 1; done
	newpid
	[ "$(monitor_of lc-boot1)" = "$mon" ]
	[ ! -e "/proc/$old" ] # reaped by the monitor
	wait_for booted lc-boot1
	[ "$(grep -c boot "$WORK/lc-boot1/rootfs/boots")" -eq 2 ]
	# one log across both boots: each getty's prompt is in it (not what the
	# inits print before getty starts: getty's tcflush drops console output
	# the monitor has not read yet, as on any serial console)
	wait_for prompts 2 || { cat -v "$ROOT/lc-boot1/console.log"; false; }
	grep -q "Requesting system reboot" "$ROOT/lc-boot1/console.log"
	# power-off: stopped, the kind recorded, the init reaped, the monitor gone
	init=$(initpid lc-boot1)
	v exec lc-boot1 poweroff
	for i in $(seq 1 10); do is_stopped lc-boot1 && break; sleep 1; done
	run v state lc-boot1
	echo "$output"
	[ "$(echo "$output" | jq -r .status)" = stopped ]
	[ "$(echo "$output" | jq -r .exit.kind)" = poweroff ]
	[ "$(echo "$output" | jq -r .exit.signal)" = 2 ]
	[ ! -e "/proc/$init" ] # no zombie init: the monitor reaped it before recording
	wait_for test ! -d "/proc/$mon/fd"
	# restart of a powered-off VPS runs it again; stop removes it all
	v restart lc-boot1
	is_running lc-boot1
	[ "$(v state lc-boot1 | jq -r .exit)" = null ]
	mon2=$(monitor_of lc-boot1)
	init2=$(initpid lc-boot1)
	v stop lc-boot1
	gone lc-boot1 "$init2" "$mon2"
}

@test "lifecycle: a monitor SIGKILLed at random moments: the VPS runs on, state stays right, stop works" {
	local i
	for i in 1 2 3; do
		vpsb lc-kill$i
		v run -d --bundle "$WORK/lc-kill$i" lc-kill$i
		sleep "0.$((RANDOM % 10))"
		init=$(initpid lc-kill$i)
		mon=$(ppid_of "$init")
		[ "$(cat /proc/$mon/comm)" = vps-monitor ]
		kill -KILL "$mon"
		wait_for test ! -d "/proc/$mon/fd"
		is_running lc-kill$i
		v exec lc-kill$i true
		run v console lc-kill$i
		[ "$status" -eq 1 ]
		[[ $output == *"monitor does not answer"* ]]
		v list | grep -q "^lc-kill$i .*running"
		run v stop --timeout 5 lc-kill$i
		[ "$status" -eq 0 ]
		gone lc-kill$i "$init" "$mon"
	done
}

# monitor_pid ID: the monitor (comm vps-monitor, the id in its argv, a parent
# that is no monitor: the init has the same comm and argv until it execs)
monitor_pid() {
	local p
	for p in $(pgrep -x vps-monitor); do
		grep -qa -- "$1" "/proc/$p/cmdline" 2>/dev/null || continue
		[ "$(cat "/proc/$(ppid_of "$p")/comm" 2>/dev/null)" = vps-monitor ] && continue
		echo "$p"
		return 0
	done
	return 1
}

@test "lifecycle: a monitor SIGKILLed while run -d waits for it: a clear error or a VPS; stop leaves nothing" {
	local i j mon rc
	for i in 1 2 3 4; do
		vpsb lc-early$i
		# 1, 2: a createRuntime hook that takes a second: killed during create
		((i > 2)) || jq_edit "$WORK/lc-early$i/config.json" \
			'.hooks.createRuntime = [{"path": "/bin/sleep", "args": ["sleep", "1"]}]'
		v run -d --bundle "$WORK/lc-early$i" lc-early$i >"$WORK/early$i.out" 2>&1 &
		local runner=$!
		mon=
		for j in $(seq 1 500); do mon=$(monitor_pid lc-early$i) && break; done
		[ -n "$mon" ]
		((i <= 2)) || sleep "0.00$((RANDOM % 10))" # at once, or a few ms on
		kill -KILL "$mon" 2>/dev/null || true
		wait "$runner" && rc=0 || rc=$?
		echo "kill $i: run -d exited $rc: $(cat "$WORK/early$i.out")"
		((i > 2)) || [ "$rc" -ne 0 ]
		if [ "$rc" -ne 0 ]; then
			grep -q "vps: run lc-early$i: the VPS's monitor exited before the VPS was started" "$WORK/early$i.out"
		fi
		# whatever is left, stop removes it (or there is nothing)
		if [ -e "$ROOT/lc-early$i" ]; then
			run v stop --timeout 5 lc-early$i
			echo "$output"
			[ "$status" -eq 0 ]
		fi
		[ ! -e "$ROOT/lc-early$i" ]
		for c in /sys/fs/cgroup/*/; do [ ! -e "$c$(cgrel lc-early$i)" ]; done
	done
}

@test "lifecycle: stop of a debian (sysvinit) VPS: a runlevel 0 request on its /run/initctl, rc 0 runs, no SIGKILL" {
	debian_or_skip
	local init=() # where systemd is the debian template's default init
	"$VPS" bundle --help | grep -q -- --init && init=(--init sysvinit)
	timeout 1200 "$VPS" bundle "$WORK/lc-deb1" --template debian "${init[@]}" --name lc-deb1 >/dev/null
	jq_edit "$WORK/lc-deb1/config.json" \
		'(.process.capabilities | .[]) += ["CAP_SYS_BOOT"] |
		 .linux.seccomp.syscalls |= map(.names -= ["reboot"])'
	v run -d --bundle "$WORK/lc-deb1" lc-deb1
	runlevel2() { [ "$(v exec lc-deb1 runlevel 2>/dev/null)" = "N 2" ]; }
	wait_for runlevel2
	v exec lc-deb1 test -p /run/initctl
	v logs -f lc-deb1 >"$WORK/deb1.log" &
	local f=$! t0=$SECONDS
	run v stop --timeout 60 lc-deb1
	[ "$status" -eq 0 ]
	((SECONDS - t0 < 30)) # it ended by itself, long before the timeout
	wait "$f"
	grep -q "Will now halt" "$WORK/deb1.log"
	[ ! -e "$ROOT/lc-deb1" ]
}

@test "lifecycle: console: attach with a pty, log in at the getty, detach with Ctrl-] q; one attach at a time; again after" {
	vpsb lc-con1
	v run -d --bundle "$WORK/lc-con1" lc-con1
	wait_for booted lc-con1
	echo 'Con1-pass' | v passwd lc-con1 --stdin
	wait_for grep -q "lc-con1 login:" "$ROOT/lc-con1/console.log"
	run PTY "$VPS" --root "$ROOT" console lc-con1 -- \
		'login:' 'root' 'Password:' 'Con1-pass' '# ' 'echo lc-$((6*7))-con' 'lc-42-con' $'\x1dq'
	echo "$output"
	[ "$status" -eq 0 ]
	[[ $output == *"detach with Ctrl-] q"* ]]
	[[ $output == *"[detached]"* ]]
	is_running lc-con1
	# while one is attached, a second is refused
	python3 "$VPS_TOP/tests/tools/vf_pty.py" -t 15 "$VPS" --root "$ROOT" console lc-con1 -- \
		'login:' 'root' 'no-such-prompt' '' >"$WORK/con1.first" &
	local first=$!
	wait_for grep -q "Connected" "$WORK/con1.first"
	run v console lc-con1 </dev/null
	[ "$status" -eq 1 ]
	[[ $output == *"console lc-con1: the console is in use by another"* ]]
	[[ $output != *Connected* ]] # a refused attach does not claim it connected
	kill "$first"
	wait "$first" || true
	# its client goes with its terminal (SIGHUP); the next attach in turn works
	wait_for bash -c '! pgrep -f "[c]onsole lc-con1" >/dev/null'
	run PTY "$VPS" --root "$ROOT" console lc-con1 -- 'Connected' '' 'login:' $'\x1dq'
	echo "$output"
	[ "$status" -eq 0 ]
	[[ $output == *"[detached]"* ]]
	v stop lc-con1
}

@test "lifecycle: console: the VPS's console takes our window size at attach and on a resize (SIGWINCH)" {
	vpsb lc-con2
	v run -d --bundle "$WORK/lc-con2" lc-con2
	wait_for booted lc-con2
	# consize WANT: wait up to 60 s for the console's size to be WANT
	consize() {
		local i got
		for i in $(seq 300); do
			got=$(v exec lc-con2 stty -F /dev/console size)
			[ "$got" = "$1" ] && return 0
			sleep 0.2
		done
		echo "console size: $got, not $1"
		return 1
	}
	script -qec "stty rows 23 cols 77; $VPS --root $ROOT console lc-con2 </dev/tty & p=\$!
		for i in \$(seq 600); do [ -e $WORK/con2.resize ] && break; sleep 0.1; done
		stty rows 31 cols 88
		for i in \$(seq 600); do [ -e $WORK/con2.done ] && break; sleep 0.1; done
		kill \$p" /dev/null </dev/null >"$WORK/con2.out" &
	local s=$!
	consize "23 77"
	touch "$WORK/con2.resize"
	consize "31 88"
	touch "$WORK/con2.done"
	wait "$s"
	v stop lc-con2
}

@test "lifecycle: logs -n N and -f (follows until the VPS is gone)" {
	vpsb lc-log1
	v run -d --bundle "$WORK/lc-log1" lc-log1
	wait_for grep -q "lc-log1 login:" "$ROOT/lc-log1/console.log"
	v exec lc-log1 sh -c 'for i in 1 2 3 4 5; do echo lc-line-$i; done >/dev/console'
	wait_for grep -q lc-line-5 "$ROOT/lc-log1/console.log"
	run v logs -n 2 lc-log1
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | tr -d '\r')" = "lc-line-4
lc-line-5" ]
	run v logs lc-log1
	[[ $output == *lc-line-1*lc-line-5* ]]
	v logs -f lc-log1 >"$WORK/follow.out" &
	local f=$!
	v exec lc-log1 sh -c 'echo lc-followed >/dev/console'
	wait_for grep -q lc-followed "$WORK/follow.out"
	v stop lc-log1
	# -f ends by itself once the VPS is gone
	for i in $(seq 1 50); do kill -0 "$f" 2>/dev/null || break; sleep 0.1; done
	! kill -0 "$f" 2>/dev/null
	wait "$f"
}

@test "lifecycle: the console log is bounded: rotated at 1 MiB, at most two parts" {
	vpsb lc-rot1
	v run -d --bundle "$WORK/lc-rot1" lc-rot1
	wait_for booted lc-rot1
	# 3 MiB of output through the console pty
	v exec lc-rot1 sh -c 'i=0; while [ $i -lt 3200 ]; do printf "%01023d\n" $i; i=$((i+1)); done >/dev/console'
	v exec lc-rot1 sh -c 'echo lc-rot-end >/dev/console'
	wait_for grep -q lc-rot-end "$ROOT/lc-rot1/console.log"
	ls -l "$ROOT/lc-rot1"
	local a b
	a=$(stat -c %s "$ROOT/lc-rot1/console.log")
	b=$(stat -c %s "$ROOT/lc-rot1/console.log.1")
	((a <= 1048576 + 8192 && b >= 1048576 && b <= 1048576 + 8192))
	[ "$(ls "$ROOT/lc-rot1" | grep -c console.log)" -eq 2 ]
	# logs prints both parts, older first, up to the newest line
	run v logs lc-rot1
	[ "${#output}" -ge $((a + b - 4096)) ]
	v logs -n 3 lc-rot1 | grep -q lc-rot-end
	[ "$(v logs -n 1 lc-rot1)" = "$(tail -n 1 "$ROOT/lc-rot1/console.log")" ]
	v stop lc-rot1
}

@test "lifecycle: stop --all stops every VPS under the root (reverse boot order) and reports each; engines' containers are left" {
	vpsb lc-all1
	vpsb lc-all2
	v run -d --bundle "$WORK/lc-all1" lc-all1
	v run -d --bundle "$WORK/lc-all2" lc-all2
	make_busybox_bundle "$WORK/lc-eng"
	set_args "$WORK/lc-eng" /bin/sleep 1000
	v run -d --bundle "$WORK/lc-eng" lc-eng </dev/null >/dev/null 2>&1
	run v stop --all
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | grep lc-all)" = "lc-all2: stopped
lc-all1: stopped" ]
	[ ! -e "$ROOT/lc-all1" ] && [ ! -e "$ROOT/lc-all2" ]
	is_running lc-eng
	v delete --force lc-eng
}

@test "lifecycle: delete --force of a running VPS ends its monitor first: no monitor, state dir or cgroup left" {
	local i init mon
	for i in 1 2 3 4 5; do
		vpsb lc-del$i
		v run -d --bundle "$WORK/lc-del$i" lc-del$i
		((i < 3)) || wait_for booted lc-del$i # at once (its init still booting), or booted
		init=$(initpid lc-del$i)
		mon=$(monitor_of lc-del$i)
		[ "$(cat /proc/$mon/comm)" = vps-monitor ]
		run v delete --force lc-del$i
		echo "$output"
		[ "$status" -eq 0 ] && [ -z "$output" ]
		# right away, no waiting: delete waited for the monitor
		gone lc-del$i "$init" "$mon"
		[ ! -e "$ROOT/.lc-del$i.console.log" ]
	done
	# a created one too (its monitor waits with it at the barrier)
	vpsb lc-del6
	v create --bundle "$WORK/lc-del6" lc-del6
	init=$(initpid lc-del6)
	mon=$(monitor_of lc-del6)
	v delete lc-del6
	gone lc-del6 "$init" "$mon"
	# a delete that races the monitor after a power-off inside (the init
	# reaped, its end not yet recorded): refused while running, then it waits
	# for the monitor (recorded in state.json) and leaves nothing
	vpsb lc-del8
	v run -d --bundle "$WORK/lc-del8" lc-del8
	wait_for booted lc-del8
	[ "$(jq -r .extra.monitor.pid "$ROOT/lc-del8/state.json")" = "$(monitor_of lc-del8)" ]
	init=$(initpid lc-del8)
	mon=$(monitor_of lc-del8)
	v exec lc-del8 poweroff
	local t0=$SECONDS out
	until out=$(v delete lc-del8 2>&1); do
		[[ $out == *"cannot delete container that is running"* ]] || { echo "$out"; false; }
		((SECONDS - t0 < 20))
	done
	gone lc-del8 "$init" "$mon"
	# without --force a running VPS is refused, and nothing is done to it: a
	# reboot inside still restarts it (no stop mark left behind)
	vpsb lc-del7
	v run -d --bundle "$WORK/lc-del7" lc-del7
	run v delete lc-del7
	[ "$status" -eq 1 ] && [[ $output == *"cannot delete container that is running"* ]]
	is_running lc-del7
	[ ! -e "$ROOT/lc-del7/stopping" ]
	v delete --force lc-del7
}

@test "lifecycle: restart registers the VPS in the --inventory given (not the default one)" {
	local inv=$WORK/inv-rs
	vr() { "$VPS" --root "$ROOT" --inventory "$inv" "$@"; }
	vpsb lc-rsi
	vr run -d --bundle "$WORK/lc-rsi" lc-rsi
	[ "$(jq -r .bundle "$inv/vps/lc-rsi.json")" = "$WORK/lc-rsi" ]
	[ ! -e "$VPS_INVENTORY/vps/lc-rsi.json" ]
	vr set lc-rsi --autostart on --boot-order 4
	rec=$(cat "$inv/vps/lc-rsi.json")
	vr restart lc-rsi
	is_running lc-rsi
	[ "$(cat "$inv/vps/lc-rsi.json")" = "$rec" ] # the record and its flags kept
	[ ! -e "$VPS_INVENTORY/vps/lc-rsi.json" ]
	# a record lost meanwhile is made again by the restart's create, in $inv
	rm "$inv/vps/lc-rsi.json"
	vr restart lc-rsi
	is_running lc-rsi
	[ "$(jq -r .bundle "$inv/vps/lc-rsi.json")" = "$WORK/lc-rsi" ]
	[ ! -e "$VPS_INVENTORY/vps/lc-rsi.json" ]
	# the restarted VPS's monitor claims it there too: a reboot inside keeps it
	rm "$inv/vps/lc-rsi.json"
	wait_for booted lc-rsi
	old=$(initpid lc-rsi)
	v exec lc-rsi reboot
	newpid() { is_running lc-rsi && [ "$(initpid lc-rsi)" != "$old" ]; }
	for i in $(seq 1 10); do newpid && break; sleep 1; done
	newpid
	[ "$(jq -r .bundle "$inv/vps/lc-rsi.json")" = "$WORK/lc-rsi" ]
	[ ! -e "$VPS_INVENTORY/vps/lc-rsi.json" ]
	vr destroy --force --keep-data lc-rsi
}

@test "lifecycle: --all follows the boot order and delays: start and restart in order, stop in reverse (seen inside)" {
	local inv=$WORK/inv-order R=$WORK/state-order x t0
	vo() { "$VPS" --root "$R" --inventory "$inv" "$@"; }
	mkdir -p "$WORK/order"
	chmod 777 "$WORK/order"
	: >"$WORK/order/log"
	chmod 666 "$WORK/order/log"
	# each VPS's init writes "start-NAME SECONDS" at boot and "stop-NAME" at
	# shutdown into one file shared by all three
	for x in bo-a bo-b bo-c; do
		vo bundle "$WORK/$x" >/dev/null
		printf '::sysinit:/bin/sh -c "echo start-%s $(date +%%s) >>/order/log"\n::shutdown:/bin/sh -c "echo stop-%s >>/order/log"\n' \
			$x $x >>"$WORK/$x/rootfs/etc/inittab"
		jq_edit "$WORK/$x/config.json" --arg s "$WORK/order" \
			'.mounts += [{"destination": "/order", "type": "bind", "source": $s, "options": ["rbind", "rw"]}]'
	done
	vo set bo-c --boot-order -1 --boot-delay 1
	vo set bo-a --boot-order 2 --boot-delay 1
	vo set bo-b --boot-order 3 --boot-delay 5 # the last one's delay is not waited
	lines() { [ "$(wc -l <"$WORK/order/log")" -eq "$1" ]; }
	names() { awk '{print $1}' "$WORK/order/log" | tr '\n' ' '; }
	t0=$SECONDS
	run vo start --all
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$output" = $'bo-c: started\nbo-a: started\nbo-b: started' ]
	((SECONDS - t0 >= 2 && SECONDS - t0 < 5))
	wait_for lines 3
	[ "$(names)" = "start-bo-c start-bo-a start-bo-b " ]
	# a second apart each: the delays were waited between the starts
	local tc ta tb
	read -r _ tc < <(sed -n 1p "$WORK/order/log")
	read -r _ ta < <(sed -n 2p "$WORK/order/log")
	read -r _ tb < <(sed -n 3p "$WORK/order/log")
	((ta - tc >= 1 && tb - ta >= 1))
	# stop --all: the reverse (what started first stops last)
	: >"$WORK/order/log"
	run vo stop --all
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$output" = $'bo-b: stopped\nbo-a: stopped\nbo-c: stopped' ]
	[ "$(names)" = "stop-bo-b stop-bo-a stop-bo-c " ]
	# restart --all: in boot order, each stopped and started before the next
	: >"$WORK/order/log"
	vo start --all >/dev/null
	wait_for lines 3
	: >"$WORK/order/log"
	run vo restart --all
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$output" = $'bo-c: restarted\nbo-a: restarted\nbo-b: restarted' ]
	wait_for lines 6
	[ "$(names)" = "stop-bo-c start-bo-c stop-bo-a start-bo-a stop-bo-b start-bo-b " ]
	# --autostart: only the flagged ones, in boot order, with the delays
	vo stop --all >/dev/null
	vo set bo-b --autostart on
	vo set bo-c --autostart on
	: >"$WORK/order/log"
	t0=$SECONDS
	run vo start --autostart
	[ "$output" = $'bo-c: started\nbo-b: started' ]
	((SECONDS - t0 >= 1))
	wait_for lines 2
	[ "$(names)" = "start-bo-c start-bo-b " ]
	run vo state bo-a
	[ "$status" -eq 1 ]
	for x in bo-a bo-b bo-c; do vo destroy --force "$x"; done
	[ -z "$(ls -A "$R")" ]
}

@test "lifecycle: stop --all with an inventory it cannot trust still stops every VPS (by name, with a warning)" {
	local inv=$WORK/inv-open R=$WORK/state-order
	vu() { "$VPS" --root "$R" --inventory "$inv" "$@"; }
	vpsb lc-un1
	vpsb lc-un2
	vu run -d --bundle "$WORK/lc-un1" lc-un1
	vu run -d --bundle "$WORK/lc-un2" lc-un2
	chmod 0777 "$inv/vps"
	run vu stop --all
	echo "$output"
	[ "$status" -eq 0 ]
	[[ $output == *"inventory $inv/vps: owned by uid 0 with mode 0777; not trusting it"*"taking the VPSes by name"* ]]
	[[ $output == *$'lc-un2: stopped\nlc-un1: stopped'* ]]
	[ -z "$(ls -A "$R")" ]
}

@test "lifecycle: the OCI face is unchanged: a bundle without org.vps.name gets no monitor, no console" {
	make_busybox_bundle "$WORK/lc-oci"
	set_args "$WORK/lc-oci" /bin/sleep 1000
	v create --bundle "$WORK/lc-oci" lc-oci </dev/null >/dev/null 2>&1
	v start lc-oci
	init=$(initpid lc-oci)
	[ "$(cat /proc/$(ppid_of "$init")/comm)" != vps-monitor ]
	[ ! -e "$ROOT/lc-oci/console.sock" ]
	run v console lc-oci
	[ "$status" -eq 1 ]
	run v logs lc-oci
	[ "$status" -eq 1 ]
	[[ $output == *"no console log"* ]]
	v delete --force lc-oci
}

@test "lifecycle: usage errors and missing VPSes: clear errors, non-zero exits" {
	run v stop lc-nope
	[ "$status" -eq 1 ]
	[[ $output == *'vps: stop lc-nope: container "lc-nope" does not exist'* ]]
	run v stop --timeout soon lc-nope
	[ "$status" -eq 2 ]
	[[ $output == *"--timeout: expected seconds"* ]]
	run v stop
	[ "$status" -eq 2 ]
	run v restart lc-nope
	[ "$status" -eq 1 ]
	[[ $output == *"does not exist"* ]]
	run v console lc-nope
	[ "$status" -eq 1 ]
	[[ $output == *"does not exist"* ]]
	run v logs -n many lc-nope
	[ "$status" -eq 2 ]
	run v logs lc-nope
	[ "$status" -eq 1 ]
	[[ $output == *"does not exist"* ]]
	for c in stop restart console logs; do
		v "$c" --help | grep -q "Usage: vps $c"
	done
}
