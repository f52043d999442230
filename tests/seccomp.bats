#!/usr/bin/env bats
# seccomp through `vps run`: the config's linux.seccomp is what the process
# inside gets (Seccomp: 2 in /proc/self/status, denied calls fail or kill).
# The per-action details are in tests/unit/test_seccomp.c.
# timeout: 300
load helpers
load rootfs_helpers

setup_file() {
	vps_setup_file
	make_rootfs "$WORK/b"
}
teardown_file() { vps_teardown_file; }

# with_profile NAME JSON: a copy of the bundle with .linux.seccomp = JSON
with_profile() {
	rm -rf "$WORK/$1"
	cp -a "$WORK/b" "$WORK/$1"
	jq_edit "$WORK/$1/config.json" --argjson p "$2" '.linux.seccomp = $p'
}

@test "seccomp: SCMP_ACT_ERRNO with errnoRet, the filter shows in /proc/self/status" {
	with_profile e '{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["mkdir","mkdirat"],"action":"SCMP_ACT_ERRNO","errnoRet":18}]}'
	run_in "$WORK/e" sc-1 sh -c 'grep Seccomp: /proc/self/status; mkdir /tmp/x'
	[ "$status" -ne 0 ]
	[[ "$output" == *"Seccomp:"*"2"* ]]
	[[ "$output" == *"Invalid cross-device link"* ]]
}

@test "seccomp: SCMP_ACT_KILL_PROCESS kills the process with SIGSYS (exit 159)" {
	with_profile k '{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["mkdir","mkdirat"],"action":"SCMP_ACT_KILL_PROCESS"}]}'
	run_in "$WORK/k" sc-2 mkdir /tmp/x
	[ "$status" -eq 159 ]
}

@test "seccomp: argument conditions (chmod to 0700 denied, to 0755 allowed)" {
	with_profile a '{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[
		{"names":["chmod"],"action":"SCMP_ACT_ERRNO","args":[{"index":1,"value":448,"op":"SCMP_CMP_EQ"}]},
		{"names":["fchmodat"],"action":"SCMP_ACT_ERRNO","args":[{"index":2,"value":448,"op":"SCMP_CMP_EQ"}]}]}'
	run_in "$WORK/a" sc-3 sh -c 'touch /tmp/f; chmod 700 /tmp/f 2>&1; chmod 755 /tmp/f && stat -c %a /tmp/f'
	[[ "$output" == *"Operation not permitted"*"755"* ]]
}

@test "seccomp: a docker-like allow-list profile (binary tree) runs a shell" {
	local caps prof
	caps=$(jq -c '.process.capabilities.bounding' "$WORK/b/config.json")
	prof=$(jq -c -f "$VPS_TOP/bench/seccomp-oci.jq" --arg arch amd64 --argjson caps "$caps" "$VPS_TOP/bench/seccomp-default.json")
	with_profile d "$prof"
	run_in "$WORK/d" sc-4 sh -c 'echo hello; grep Seccomp: /proc/self/status; unshare -m true 2>&1 || echo unshare-denied'
	[ "$status" -eq 0 ]
	[[ "$output" == *hello*"Seccomp:"*"2"*unshare-denied* ]]
}

@test "seccomp: an unknown action or architecture is refused before anything runs" {
	with_profile bad '{"defaultAction":"SCMP_ACT_ALLOW","architectures":["SCMP_ARCH_NOPE"],"syscalls":[]}'
	run_in "$WORK/bad" sc-5 true
	[ "$status" -ne 0 ]
	[[ "$output" == *"SCMP_ARCH_NOPE"* ]]
	run "$VPS" --root "$ROOT" state sc-5
	[ "$status" -ne 0 ]
}

@test "seccomp: noNewPrivileges=false still installs the filter (before the caps drop)" {
	with_profile n '{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["mkdir","mkdirat"],"action":"SCMP_ACT_ERRNO","errnoRet":18}]}'
	jq_edit "$WORK/n/config.json" '.process.noNewPrivileges = false'
	run_in "$WORK/n" sc-6 sh -c 'grep -E "^(Seccomp|NoNewPrivs|CapEff):" /proc/self/status; mkdir /tmp/x'
	[ "$status" -ne 0 ]
	[[ "$output" == *"Seccomp:"*"2"* ]]
	[[ "$output" == *"NoNewPrivs:"*"0"* ]]
	[[ "$output" == *"Invalid cross-device link"* ]]
}

@test "seccomp: the compiled filter is cached host-wide (0700 dir, 0600 files), reused, and never in --root" {
	local C=/run/vps/@seccomp
	with_profile c '{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["mkdir","mkdirat"],"action":"SCMP_ACT_ERRNO","errnoRet":31}]}'
	run_in "$WORK/c" sc-7 mkdir /tmp/x
	[[ "$output" == *"Too many links"* ]]
	[ "$(stat -c %a "$C")" = 700 ]
	local f
	f=$(ls -t "$C"/*.bpf | head -1)
	[ -n "$f" ]
	[ "$(stat -c %a "$f")" = 600 ]
	local before; before=$(ls "$C" | wc -l)
	run_in "$WORK/c" sc-8 mkdir /tmp/x
	[[ "$output" == *"Too many links"* ]]
	[ "$(ls "$C" | wc -l)" = "$before" ]
	# an engine's state root keeps nothing of ours (containerd's no-leaks check)
	[ ! -e "$ROOT/@seccomp" ]
	run "$VPS" --root /run/vps list
	[[ "$output" != *"@seccomp"* ]]
}

@test "seccomp: SCMP_ACT_NOTIFY hands the listener and the state to listenerPath; the agent answers" {
	with_profile nt "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"listenerPath\":\"$WORK/agent.sock\",\"listenerMetadata\":\"meta1\",
		\"syscalls\":[{\"names\":[\"mkdir\",\"mkdirat\"],\"action\":\"SCMP_ACT_NOTIFY\"}]}"
	"$VPS_TOP/build/tests/seccomp_agent" "$WORK/agent.sock" "$WORK/agent.out" 18 &
	local ap=$!
	for i in $(seq 50); do [ -S "$WORK/agent.sock" ] && break; sleep 0.1; done
	run_in "$WORK/nt" sc-9 sh -c 'mkdir /tmp/x; echo rc=$?'
	wait "$ap" || true
	[[ "$output" == *"Invalid cross-device link"*"rc=1"* ]]
	run cat "$WORK/agent.out"
	[[ "$output" == *'"fds":["seccompFd"]'* ]]
	[[ "$output" == *'"metadata":"meta1"'* ]]
	[[ "$output" == *'"id":"sc-9"'* ]]
}

# What a busybox shell needs (strace of `sh -c 'echo; grep'`), and no syscall
# vps itself makes in its init: no close_range, fcntl, sendmsg, accept4, recvfrom,
# capset, setgroups, setres*id; prctl only for PR_SET_NAME/PR_GET_NAME.
SHELL_ONLY='{"defaultAction":"SCMP_ACT_ERRNO","syscalls":[
	{"names":["arch_prctl","brk","close","execve","exit","exit_group","getpid","getppid",
		"getrandom","getuid","geteuid","getgid","getegid","mprotect","mmap","munmap",
		"newfstatat","fstat","stat","lstat","statx","openat","open","prlimit64","read",
		"readlink","rseq","rt_sigaction","rt_sigprocmask","rt_sigreturn","set_robust_list",
		"set_tid_address","uname","write","clone","clone3","fork","vfork","wait4","dup2",
		"dup3","getdents64","lseek","getcwd","ioctl","futex","nanosleep",
		"clock_nanosleep"],"action":"SCMP_ACT_ALLOW"},
	{"names":["prctl"],"action":"SCMP_ACT_ALLOW","args":[{"index":0,"value":15,"op":"SCMP_CMP_EQ"}]},
	{"names":["prctl"],"action":"SCMP_ACT_ALLOW","args":[{"index":0,"value":16,"op":"SCMP_CMP_EQ"}]}]}'

@test "seccomp: a shell-only allow-list: nothing of vps runs under it (run, start's exec error, exec)" {
	local nnp id
	with_profile so "$SHELL_ONLY"
	printf 'not a program\n' >"$WORK/so/rootfs/bad"
	chmod 755 "$WORK/so/rootfs/bad"
	for nnp in false true; do
		jq_edit "$WORK/so/config.json" ".process.noNewPrivileges = $nnp"
		run_in "$WORK/so" sc-so sh -c 'echo hello; grep -E "^(Seccomp|CapEff|CapPrm):" /proc/self/status'
		echo "nnp=$nnp: $output"
		[ "$status" -eq 0 ]
		[[ "$output" == hello*"Seccomp:"*"2"* ]]
		# CAP_SYS_ADMIN (21), kept for the filter's install, is gone after the exec
		for id in CapEff CapPrm; do
			local v=$(printf '%s\n' "$output" | awk -v k="$id:" '$1 == k {print $2}')
			[ $(((0x$v >> 21) & 1)) -eq 0 ]
		done
		# an exec that fails under the filter is still reported to start
		set_args "$WORK/so" /bad
		# (the init keeps create's stdio: never bats' pipe)
		"$VPS" --root "$ROOT" create --bundle "$WORK/so" sc-so2 </dev/null >/dev/null 2>&1
		run "$VPS" --root "$ROOT" start sc-so2
		echo "$output"
		[ "$status" -ne 0 ]
		[[ "$output" == *'exec /bad: exec format error'* ]]
		"$VPS" --root "$ROOT" delete --force sc-so2
		# exec into a container under the same filter
		set_args "$WORK/so" sleep 100
		"$VPS" --root "$ROOT" run -d --bundle "$WORK/so" sc-so3 </dev/null >/dev/null 2>&1
		run "$VPS" --root "$ROOT" exec sc-so3 sh -c 'echo from-exec'
		[ "$status" -eq 0 ]
		[ "$output" = from-exec ]
		run "$VPS" --root "$ROOT" exec sc-so3 /bad
		[ "$status" -ne 0 ]
		[[ "$output" == *'exec /bad: exec format error'* ]]
		"$VPS" --root "$ROOT" delete --force sc-so3
	done
}

@test "seccomp: a syscall unknown to libseccomp gets ENOSYS, not the default errno" {
	[ "$(uname -m)" = x86_64 ] || skip "syscall numbers of x86_64 (165: mount)"
	with_profile ns "$SHELL_ONLY"
	cp "$VPS_TOP/build/tests/rawsyscall" "$WORK/ns/rootfs/rawsyscall"
	# 1000: above every syscall this libseccomp knows; 165 (mount): known, not listed
	run_in "$WORK/ns" sc-ns sh -c '/rawsyscall 1000; /rawsyscall 165'
	echo "$output"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "errno 38" ] # ENOSYS
	[ "${lines[1]}" = "errno 1" ]  # EPERM, the default action
}
