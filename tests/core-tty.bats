#!/usr/bin/env bats
# core: process.terminal. A foreground `run`/`exec -t` relays the pty (raw mode,
# window size, terminal restored: observed through script(1)); create/exec -d
# send the pty master to --console-socket the way runc does (tests/tools/recvtty).
# timeout: 300
load helpers
load core_helpers

setup_file() { core_setup_file; }
teardown_file() { core_teardown_file; }

# in_pty CMD: run CMD (a shell string) on a fresh pty made by script(1); its
# output (CRLF cleaned) in $WORK/pty.out
in_pty() {
	script -qec "$1" /dev/null </dev/null | tr -d '\r' >"$WORK/pty.out"
}

@test "core-tty: run relays a pty: tty, window size, exit status, terminal restored" {
	b=$(core_bundle tty1 sh -c 'tty; stty size; exit 5')
	cfg "$b" '.process.terminal = true'
	in_pty "stty rows 33 cols 91; before=\$(stty -g); $VPS --root $ROOT run --bundle $b core-tty1; echo rc=\$?; [ \"\$(stty -g)\" = \"\$before\" ] && echo restored"
	run cat "$WORK/pty.out"
	[[ "$output" == */dev/pts/0* ]]
	[[ "$output" == *"33 91"* ]]
	[[ "$output" == *rc=5* ]]
	[[ "$output" == *restored* ]]
	no_leftovers core-tty1
}

@test "core-tty: a read-only /dev still gets its /dev/console (runc#3248)" {
	b=$(core_bundle ttyro sh -c 'grep "^tmpfs /dev " /proc/mounts; stat -c major=%t /dev/console; echo hi >/dev/console')
	cfg "$b" '.process.terminal = true | .mounts |= map((select(.destination == "/dev") | .options += ["ro"]) // .)'
	in_pty "$VPS --root $ROOT run --bundle $b core-ttyro; echo rc=\$?"
	run cat "$WORK/pty.out"
	[[ "$output" == *"tmpfs /dev tmpfs ro,"* ]]
	[[ "$output" == *hi* ]]
	[[ "$output" == *rc=0* ]]
	# a pty slave's major (136..143), in hex as stat prints it (after a
	# marker: script(1) writes EOF to its pty when its stdin (/dev/null)
	# ends, and the VPS's terminal echoes it as ^@ or ^D anywhere in between)
	[[ "$output" == *major=8[89abcdef]$'\n'* ]]
	no_leftovers core-ttyro
}

@test "core-tty: a resize of our terminal reaches the process's pty (SIGWINCH), run -t and exec -t" {
	b=$(core_bundle tty7 sh -c "$WINCH_SH" ready7)
	cfg "$b" '.process.terminal = true'
	run resize_in_pty "$WORK/pty.out" "$VPS --root $ROOT run --bundle $b core-tty7" "$b/rootfs/tmp/ready7"
	[[ "$output" == *"41 101"* ]]
	[[ "$output" == *rc=7* ]]
	no_leftovers core-tty7
	b=$(core_bundle tty7x sleep 100000)
	vbg run -d --bundle "$b" core-tty7x
	run resize_in_pty "$WORK/pty.out" "$VPS --root $ROOT exec -t core-tty7x sh -c '$WINCH_SH' ready7x" "$b/rootfs/tmp/ready7x"
	[[ "$output" == *"41 101"* ]]
	[[ "$output" == *rc=7* ]]
	v delete --force core-tty7x
}

@test "core-tty: --console-socket gets the master (SCM_RIGHTS), /dev/console is the pty" {
	b=$(core_bundle tty2 sh -c 'tty; read line; echo "got:$line"; ls -l /dev/console')
	cfg "$b" '.process.terminal = true'
	"$RECVTTY" "$WORK/tty2.sock" "$WORK/tty2.out" $'hello\n' &
	rpid=$!
	for i in $(seq 50); do [ -S "$WORK/tty2.sock" ] && break; sleep 0.1; done
	vbg create --bundle "$b" --console-socket "$WORK/tty2.sock" core-tty2
	vbg start core-tty2
	wait $rpid
	run cat "$WORK/tty2.out"
	[ "${lines[0]}" = "name=/dev/ptmx tty=1" ]
	[[ "$output" == */dev/pts/0* ]]
	[[ "$output" == *got:hello* ]]
	[[ "$output" == *"crw--w----"*"136,"*"/dev/console"* ]]
	v delete --force core-tty2
}

@test "core-tty: exec -t relays a pty; exec -t -d sends it to --console-socket" {
	b=$(core_bundle tty3 sleep 100000)
	vbg run -d --bundle "$b" core-tty3
	in_pty "$VPS --root $ROOT exec -t core-tty3 sh -c 'tty; exit 4'; echo rc=\$?"
	run cat "$WORK/pty.out"
	[[ "$output" == */dev/pts/* ]]
	[[ "$output" == *rc=4* ]]
	"$RECVTTY" "$WORK/tty3.sock" "$WORK/tty3.out" &
	rpid=$!
	for i in $(seq 50); do [ -S "$WORK/tty3.sock" ] && break; sleep 0.1; done
	vbg exec -t -d --console-socket "$WORK/tty3.sock" core-tty3 sh -c 'tty; echo exec-tty'
	wait $rpid
	run cat "$WORK/tty3.out"
	[ "${lines[0]}" = "name=/dev/ptmx tty=1" ]
	[[ "$output" == *exec-tty* ]]
	v delete --force core-tty3
}

@test "core-tty: terminal without a console socket (detached) and the reverse are refused" {
	b=$(core_bundle tty4 true)
	cfg "$b" '.process.terminal = true'
	run v create --bundle "$b" core-tty4
	[ "$status" -eq 1 ]
	[[ "$output" == *"--console-socket is required"* ]]
	cfg "$b" '.process.terminal = false'
	run v create --bundle "$b" --console-socket "$WORK/none.sock" core-tty4
	[ "$status" -eq 1 ]
	[[ "$output" == *"process.terminal is false"* ]]
	no_leftovers core-tty4
}

@test "core-tty: a foreground run relays the output bytes unchanged (no ONLCR, as runc)" {
	b=$(core_bundle tty5 echo 444)
	cfg "$b" '.process.terminal = true'
	script -qec "$VPS --root $ROOT run --bundle $b core-tty5" /dev/null </dev/null >"$WORK/tty5.raw"
	run od -An -c "$WORK/tty5.raw"
	[[ "$output" == *"4   4   4  \n"* ]]
	[[ "$output" != *'\r'* ]]
	b=$(core_bundle tty5x sleep 100000)
	vbg run -d --bundle "$b" core-tty5x
	script -qec "$VPS --root $ROOT exec -t core-tty5x echo 555" /dev/null </dev/null >"$WORK/tty5x.raw"
	run od -An -c "$WORK/tty5x.raw"
	[[ "$output" == *"5   5   5  \n"* ]]
	[[ "$output" != *'\r'* ]]
	v delete --force core-tty5x
}

@test "core-tty: a non-root process owns its pty (uid; the group stays tty), run and exec -t" {
	b=$(core_bundle tty6 sh -c 'stat -c "%u %g %a" $(tty)')
	cfg "$b" '.process.terminal = true | .process.user = {"uid": 1000, "gid": 1000}'
	in_pty "$VPS --root $ROOT run --bundle $b core-tty6"
	run cat "$WORK/pty.out"
	echo "$output"
	[[ "$output" == *"1000 5 620"* ]]
	b=$(core_bundle tty6x sleep 100000)
	vbg run -d --bundle "$b" core-tty6x
	in_pty "$VPS --root $ROOT exec -t --user 1001:1001 core-tty6x sh -c 'stat -c \"%u %g\" \$(tty)'"
	run cat "$WORK/pty.out"
	echo "$output"
	[[ "$output" == *"1001 5"* ]]
	v delete --force core-tty6x
}
