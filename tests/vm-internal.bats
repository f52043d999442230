#!/usr/bin/env bats
# timeout: 400
# VM internals without the lifecycle: build/tests/vm_run boots a busybox rootfs
# in a QEMU microVM (TCG here) with a spec built in C, through the same
# runtime/vm API the lifecycle uses. Each test boots once (a few seconds).
load helpers
bats_require_minimum_version 1.5.0

VMRUN=$VPS_TOP/build/tests/vm_run

setup_file() {
	vps_setup_file
	make_busybox_bundle "$WORK/b"
	export RFS=$WORK/b/rootfs
}
teardown_file() { vps_teardown_file; }

vmrun() { "$VMRUN" "$ROOT" "$RFS" "$@"; }

@test "vm-internal: output and exit status (3) of the guest process come back" {
	run --separate-stderr vmrun -- /bin/sh -c 'echo out; echo err >&2; exit 3'
	[ "$status" -eq 3 ]
	[ "$output" = out ]
	[[ "$stderr" == *err* ]]
}

@test "vm-internal: a process killed by SIGKILL reports 137; stdin reaches it with EOF" {
	run --separate-stderr vmrun -- /bin/sh -c 'cat; kill -9 $$' <<<"from-stdin"
	[ "$status" -eq 137 ]
	[ "$output" = from-stdin ]
}

@test "vm-internal: the guest runs its own kernel and memory, and sees no host process" {
	(exec -a vm-internal-marker sleep 300) >/dev/null 2>&1 &
	local marker=$!
	run --separate-stderr vmrun -m 300 -- /bin/sh -c 'uname -r; grep MemTotal /proc/meminfo; ps -o args | grep -c [v]m-internal-marker; ps -o pid | wc -l'
	kill $marker
	[ "$status" -eq 0 ]
	[ "${lines[0]}" != "$(uname -r)" ]
	local want
	want=$("$VPS" --root "$ROOT" --version | sed -n 's/^vm: kernel \([^ ]*\) .*/\1/p')
	[ -n "$want" ]
	[ "${lines[0]}" = "$want" ]
	local kb
	kb=$(echo "${lines[1]}" | awk '{print $2}')
	[ "$kb" -gt $((120 * 1024)) ] && [ "$kb" -le $((172 * 1024)) ]
	[ "${lines[2]}" = 0 ]
	[ "${lines[3]}" -lt 100 ]
}

@test "vm-internal: exec runs a second process in the booted VM with its own status" {
	run --separate-stderr vmrun -x 'echo in-exec; cat /etc/passwd | head -1; exit 5' -- /bin/echo main
	echo "status=$status output=$output stderr=$stderr"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = in-exec ]
	[ "${lines[1]}" = root:x:0:0:root:/root:/bin/sh ]
	[ "${lines[2]}" = main ]
	[[ "$stderr" == *"exec status 5"* ]]
}

# The main process exits while an exec session runs (it waits for the exec's
# flag file). The guest must not power off before the session's status is out:
# its process dies with the container (137, as with a pid namespace's init)
# and that comes back; an exec after that is refused with a reason, never the
# bare "guest closed the session". Several rounds: the window is short.
@test "vm-internal: the main process exits during an exec: the exec's status still comes back, a later exec is refused" {
	local i
	for i in 1 2 3; do
		rm -f "$RFS/tmp/flag"
		run --separate-stderr vmrun -X 'touch /tmp/flag; echo in-exec; sleep 60' -X 'echo late' \
			-- /bin/sh -c 'while [ ! -e /tmp/flag ]; do sleep 0.05; done; exit 3'
		echo "round $i: status=$status output=$output stderr=$stderr"
		[ "$status" -eq 3 ]
		[ "$output" = in-exec ]
		[[ "$stderr" == *"exec status 137"* ]]
		[[ "$stderr" =~ "exec failed: vm: "("exec: guest: the main process has exited"|"exec: the VM powered off (its main process exited with status 3)"|"connect to the VM's vm-exec.sock") ]]
	done
	# the exec ends on its own as the main process exits: its own status or
	# 137, whichever came first, never a lost session
	for i in 1 2 3; do
		rm -f "$RFS/tmp/flag"
		run --separate-stderr vmrun -X 'touch /tmp/flag; echo in-exec; exit 5' \
			-- /bin/sh -c 'while [ ! -e /tmp/flag ]; do sleep 0.01; done; exit 3'
		echo "round $i: status=$status output=$output stderr=$stderr"
		[ "$status" -eq 3 ]
		[[ "$stderr" =~ "exec status "(5|137) ]]
		[[ "$stderr" != *"exec failed"* ]]
	done
	rm -f "$RFS/tmp/flag"
}

@test "vm-internal: -t gives the process a terminal" {
	command -v script >/dev/null || skip "script(1) from bsdutils is needed for a pty"
	run bash -c "(sleep 8) | script -qec '$VMRUN $ROOT $RFS -t -- /bin/sh -c \"tty; test -t 0 && echo is-a-tty; exit 4\"' $WORK/ty.log >/dev/null"
	[ "$status" -eq 4 ]
	grep -q '/dev/pts/0' "$WORK/ty.log"
	grep -q 'is-a-tty' "$WORK/ty.log"
}
