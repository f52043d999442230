#!/usr/bin/env bats
# core: security regressions of the process model; each fails on a naive
# runtime. No host fd reaches the container (init or exec), a cwd through a
# leaked fd (CVE-2024-21626), and the vps binary never readable/openable from
# inside while it is the init before start or an exec'ing child (CVE-2019-5736).
# timeout: 300
load helpers
load core_helpers

setup_file() {
	core_setup_file
	mkdir -p "$WORK/hostdir"
	echo host-secret >"$WORK/hostdir/HOST_MARKER"
}
teardown_file() { core_teardown_file; }

@test "core-security: no host fd survives into the init (non-CLOEXEC fds 5,7,9 held open)" {
	b=$(core_bundle fd1 sleep 100000)
	exec 5<"$WORK/hostdir" 7<"$WORK/hostdir/HOST_MARKER" 9>"$WORK/fd1.w"
	vbg run -d --bundle "$b" core-fd1
	exec 5<&- 7<&- 9>&-
	pid=$(v state core-fd1 | jq .pid)
	run ls /proc/$pid/fd
	[ "$(echo $output)" = "0 1 2" ]
	run v exec core-fd1 ls -l /proc/1/fd
	[[ "$output" != *hostdir* ]]
	v delete --force core-fd1
}

@test "core-security: no host fd survives into an exec'd process; --preserve-fds passes exactly N" {
	b=$(core_bundle fd2 sleep 100000)
	vbg run -d --bundle "$b" core-fd2
	exec 5<"$WORK/hostdir" 7<"$WORK/hostdir/HOST_MARKER"
	# ls itself holds the directory it lists as the lowest free fd
	run v exec core-fd2 ls /proc/self/fd
	[ "$(echo $output)" = "0 1 2 3" ]
	run v exec --preserve-fds 1 core-fd2 sh -c 'ls /proc/self/fd; cat <&3' 3<"$WORK/hostdir/HOST_MARKER"
	exec 5<&- 7<&-
	[ "$(echo $output)" = "0 1 2 3 4 host-secret" ]
	v delete --force core-fd2
}

@test "core-security: cwd through a leaked host fd is refused (CVE-2024-21626)" {
	exec 7<"$WORK/hostdir"
	for fd in 3 4 5 6 7 8 9 10; do
		b=$(core_bundle cwd$fd sh -c 'pwd; ls')
		cfg "$b" ".process.cwd = \"/proc/self/fd/$fd\""
		run v run --bundle "$b" core-cwd$fd
		[ "$status" -ne 0 ]
		[[ "$output" != *HOST_MARKER* ]]
		no_leftovers core-cwd$fd
	done
	b=$(core_bundle cwdx sleep 100000)
	vbg run -d --bundle "$b" core-cwdx
	for fd in 3 4 5 6 7 8 9 10; do
		run v exec --cwd /proc/self/fd/$fd core-cwdx ls
		[ "$status" -ne 0 ]
		[[ "$output" != *HOST_MARKER* ]]
	done
	exec 7<&-
	v delete --force core-cwdx
}

@test "core-security: a created container's init (still vps) cannot be read from inside (CVE-2019-5736)" {
	cp "$VPS" "$WORK/vps-copy"
	sum=$(sha256sum <"$WORK/vps-copy")
	b=$(core_bundle exe1 sleep 100000)
	"$WORK/vps-copy" --root "$ROOT" create --bundle "$b" core-exe1 </dev/null >/dev/null 2>&1
	[[ "$(readlink /proc/$(v state core-exe1 | jq .pid)/exe)" == /memfd:* ]]
	run v exec core-exe1 sh -c 'readlink /proc/1/exe; cat /proc/1/exe >/dev/null && echo READ; echo x >>/proc/1/exe && echo WROTE; ls /proc/1/fd'
	[[ "$output" != *vps-copy* ]]
	[[ "$output" != *READ* ]]
	[[ "$output" != *WROTE* ]]
	[[ "$output" == *"Permission denied"* ]]
	[ "$(sha256sum <"$WORK/vps-copy")" = "$sum" ]
	v delete --force core-exe1
}

# A stress check: the deterministic regression is the test above (without
# PR_SET_DUMPABLE it fails). Here a static watcher scans /proc during 40 execs;
# the kernel's ptrace rules (caller's caps must cover the target's) already
# refuse most of the window, so this mostly guards against a future exposure.
@test "core-security: the vps binary is never exposed to the container during exec (CVE-2019-5736)" {
	cp "$VPS" "$WORK/vps-copy2"
	sum=$(sha256sum <"$WORK/vps-copy2")
	b=$(core_bundle exe2 sleep 100000)
	cp "$VPS_TOP/build/tests/exe_watch" "$b/rootfs/bin/exe_watch"
	vbg run -d --bundle "$b" core-exe2
	vbg exec -d core-exe2 sh -c '/bin/exe_watch 6 >/tmp/watch.out 2>&1'
	sleep 0.3
	for i in $(seq 40); do
		"$WORK/vps-copy2" --root "$ROOT" exec core-exe2 true
	done
	for i in $(seq 80); do grep -q '^denied' "$b/rootfs/tmp/watch.out" 2>/dev/null && break; sleep 0.1; done
	cat "$b/rootfs/tmp/watch.out"
	# the watcher did see the exec children (and was refused)
	[ "$(awk '/^denied/ {print $2}' "$b/rootfs/tmp/watch.out")" -gt 0 ]
	! grep -q '^exposed' "$b/rootfs/tmp/watch.out"
	[ "$(sha256sum <"$WORK/vps-copy2")" = "$sum" ]
	v delete --force core-exe2
}

# The same attack by a container process that holds CAP_SYS_PTRACE (which
# overrides non-dumpable): it keeps the created init's exe open and, once the
# init has exec'd and the creating vps is gone, reopens it for writing. The
# exe must be vps's sealed memfd, never the host's binary, and the binary
# must be unchanged. Fails without runtime/exe_shield.c (the copy is overwritten).
@test "core-security: CAP_SYS_PTRACE cannot reach the vps binary through a created init's exe (CVE-2019-5736)" {
	cp "$VPS" "$WORK/vps-copy3"
	sum=$(sha256sum <"$WORK/vps-copy3")
	b=$(core_bundle exe3 sleep 100000)
	"$WORK/vps-copy3" --root "$ROOT" create --bundle "$b" core-exe3 </dev/null >/dev/null 2>&1
	initexe=$(readlink /proc/$(v state core-exe3 | jq .pid)/exe)
	vbg exec -d --cap CAP_SYS_PTRACE core-exe3 sh -c '
		exec 3</proc/1/exe; readlink /proc/1/exe >/tmp/link; touch /tmp/held
		while [ ! -e /tmp/go ]; do sleep 0.05; done
		echo PWNED >/proc/self/fd/3 && echo WROTE >>/tmp/res; echo done >>/tmp/res'
	for i in $(seq 50); do [ -e "$b/rootfs/tmp/held" ] && break; sleep 0.1; done
	[ -e "$b/rootfs/tmp/held" ]
	v start core-exe3
	touch "$b/rootfs/tmp/go"
	for i in $(seq 50); do grep -q done "$b/rootfs/tmp/res" 2>/dev/null && break; sleep 0.1; done
	cat "$b/rootfs/tmp/link" "$b/rootfs/tmp/res"
	grep -q done "$b/rootfs/tmp/res"
	[[ "$(cat "$b/rootfs/tmp/link")" == /memfd:* ]]
	! grep -q WROTE "$b/rootfs/tmp/res"
	[ "$(sha256sum <"$WORK/vps-copy3")" = "$sum" ]
	[[ "$initexe" == /memfd:* ]]
	v delete --force core-exe3
}

# exec's child with a CAP_SYS_PTRACE watcher in the container: every exec'ing
# child it catches must show the sealed memfd as its exe, writing the held exes
# after the execs must not reach the binary, and none may be seen with the
# host's root or capabilities beyond the container's. Fails without the shield
# ("exposed", "wrote", checksum) and without exec_pidns.c ("hostroot",
# "hostcaps": the child was cloned into the pid namespace first).
@test "core-security: CAP_SYS_PTRACE cannot reach the vps binary, the host root or host caps through exec's child (CVE-2019-5736)" {
	cp "$VPS" "$WORK/vps-copy4"
	sum=$(sha256sum <"$WORK/vps-copy4")
	b=$(core_bundle exe4 sleep 100000)
	cp "$VPS_TOP/build/tests/exe_watch" "$b/rootfs/bin/exe_watch"
	vbg run -d --bundle "$b" core-exe4
	vbg exec -d --cap CAP_SYS_PTRACE core-exe4 sh -c "/bin/exe_watch 6 $WORK/hostdir/HOST_MARKER >/tmp/watch.out 2>&1"
	sleep 0.3
	for i in $(seq 40); do
		"$WORK/vps-copy4" --root "$ROOT" exec core-exe4 true
	done
	for i in $(seq 80); do grep -q '^denied' "$b/rootfs/tmp/watch.out" 2>/dev/null && break; sleep 0.1; done
	cat "$b/rootfs/tmp/watch.out"
	# the watcher did catch exec children (with CAP_SYS_PTRACE it may read them)
	[ "$(awk '/^shielded/ {print $2}' "$b/rootfs/tmp/watch.out")" -gt 0 ]
	! grep -qE '^(exposed|wrote|hostroot|hostcaps)' "$b/rootfs/tmp/watch.out"
	[ "$(sha256sum <"$WORK/vps-copy4")" = "$sum" ]
	v delete --force core-exe4
}
