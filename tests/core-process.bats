#!/usr/bin/env bats
# core: what the config asks of the process, observed from inside: user, groups,
# umask, capabilities (all five sets), no_new_privs, rlimits, env, cwd,
# oomScoreAdj, hostname/domainname, sysctls.
# timeout: 300
load helpers
load core_helpers

setup_file() { core_setup_file; }
teardown_file() { core_teardown_file; }

# field NAME: the value of NAME: in $output (a /proc/self/status dump)
field() { printf '%s\n' "$output" | awk -v k="$1:" '$1 == k {print $2}'; }

@test "core-process: uid, gid, additionalGids and umask" {
	b=$(core_bundle user sh -c 'id -u; id -g; id -G; umask')
	cfg "$b" '.process.user = {"uid": 1000, "gid": 1001, "additionalGids": [10, 20], "umask": 23}'
	run v run --bundle "$b" core-user
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = 1000 ]
	[ "${lines[1]}" = 1001 ]
	[ "${lines[2]}" = "1001 10 20" ]
	[ "${lines[3]}" = 0027 ]
}

@test "core-process: HOME from the user's /etc/passwd entry when env has none, / without one (runc); exec too" {
	b=$(core_bundle home sh -c 'echo "$HOME"; sleep 1000')
	echo 'app:x:1000:1000::/home/app:/bin/sh' >>"$b/rootfs/etc/passwd"
	cfg "$b" '.process.args = ["sh", "-c", "echo $HOME"]'
	run v run --bundle "$b" core-home1
	[ "$status" -eq 0 ]
	[ "$output" = /root ]
	cfg "$b" '.process.user = {"uid": 1000, "gid": 1000}'
	run v run --bundle "$b" core-home2
	[ "$output" = /home/app ]
	cfg "$b" '.process.user = {"uid": 4242, "gid": 4242}'
	run v run --bundle "$b" core-home3
	[ "$output" = / ]
	cfg "$b" '.process.env += ["HOME=/mine"]'
	run v run --bundle "$b" core-home4
	[ "$output" = /mine ]
	# exec: the same, read in the container's root (exec's child is chrooted
	# before it joins the pid namespace)
	cfg "$b" '.process.user = {"uid": 0, "gid": 0} | .process.env -= ["HOME=/mine"] | .process.args = ["sleep", "1000"]'
	v create --bundle "$b" core-home5 </dev/null >/dev/null 2>&1
	v start core-home5
	run timeout 20 "$VPS" --root "$ROOT" exec core-home5 sh -c 'echo $HOME'
	[ "$output" = /root ]
	run timeout 20 "$VPS" --root "$ROOT" exec --user 1000:1000 core-home5 sh -c 'echo $HOME'
	[ "$output" = /home/app ]
	run timeout 20 "$VPS" --root "$ROOT" exec --env HOME=/e core-home5 sh -c 'echo $HOME'
	[ "$output" = /e ]
	# an /etc/passwd that is no regular file is not read (a FIFO would block)
	rm "$b/rootfs/etc/passwd"; mkfifo "$b/rootfs/etc/passwd"
	run timeout 20 "$VPS" --root "$ROOT" exec core-home5 sh -c 'echo $HOME'
	[ "$status" -eq 0 ]
	[ "$output" = / ]
	v delete --force core-home5
}

@test "core-process: a variable set twice is passed once with its last value; an empty HOME is the user's (runc); exec too" {
	b=$(core_bundle envdup env)
	cfg "$b" '.process.env = ["ONE=two", "PATH=/usr/bin:/bin", "ONE=", "HOME=/x", "HOME="]'
	run v run --bundle "$b" core-envdup1
	[ "$status" -eq 0 ]
	[ "$(printf '%s\n' "$output" | sort | tr '\n' ' ')" = "HOME=/root ONE= PATH=/usr/bin:/bin " ]
	set_args "$b" sleep 100000
	vbg run -d --bundle "$b" core-envdup2
	run v exec --env ONE=three core-envdup2 env
	[ "$status" -eq 0 ]
	[ "$(printf '%s\n' "$output" | grep -c '^ONE=')" = 1 ]
	[[ "$output" == *"ONE=three"* ]]
	[ "$(printf '%s\n' "$output" | grep -c '^HOME=')" = 1 ]
	v delete --force core-envdup2
}

@test "core-process: the runtime's CPU affinity does not reach the container (run and exec get every CPU their cgroup allows)" {
	all=$(awk '$1 == "Cpus_allowed_list:" {print $2}' /proc/self/status)
	[ "$(nproc --all)" -ge 2 ] || skip "one CPU: no narrower affinity to leak"
	b=$(core_bundle affinity grep Cpus_allowed_list: /proc/self/status)
	cfg "$b" 'del(.linux.resources.cpu)'
	run taskset -c 0 "$VPS" --root "$ROOT" run --bundle "$b" core-aff1
	[ "$status" -eq 0 ]
	[ "$output" = "Cpus_allowed_list:	$all" ]
	set_args "$b" sleep 100000
	taskset -c 0 "$VPS" --root "$ROOT" run -d --bundle "$b" core-aff2 </dev/null >/dev/null 2>&1
	run taskset -c 0 "$VPS" --root "$ROOT" exec core-aff2 grep Cpus_allowed_list: /proc/self/status
	[ "$output" = "Cpus_allowed_list:	$all" ]
	v delete --force core-aff2
}

@test "core-process: default capabilities: exactly the config's sets, inheritable empty" {
	b=$(core_bundle caps1 cat /proc/self/status)
	run v run --bundle "$b" core-caps1
	[ "$status" -eq 0 ]
	# CAP_AUDIT_WRITE(29) CAP_KILL(5) CAP_NET_BIND_SERVICE(10)
	[ "$(field CapEff)" = 0000000020000420 ]
	[ "$(field CapPrm)" = 0000000020000420 ]
	[ "$(field CapBnd)" = 0000000020000420 ]
	[ "$(field CapInh)" = 0000000000000000 ]
	[ "$(field NoNewPrivs)" = 1 ]
}

@test "core-process: custom capability sets incl. inheritable+ambient, no_new_privs off" {
	b=$(core_bundle caps2 cat /proc/self/status)
	cfg "$b" '.process.noNewPrivileges = false | .process.capabilities = {
		"bounding": ["CAP_NET_RAW", "CAP_CHOWN", "CAP_SYS_ADMIN"],
		"permitted": ["CAP_NET_RAW", "CAP_CHOWN"], "effective": ["CAP_CHOWN"],
		"inheritable": ["CAP_NET_RAW"], "ambient": ["CAP_NET_RAW"]}'
	run v run --bundle "$b" core-caps2
	[ "$status" -eq 0 ]
	# CHOWN=0 NET_RAW=13 SYS_ADMIN=21; cat runs with the ambient set only
	[ "$(field CapBnd)" = 0000000000202001 ]
	[ "$(field CapInh)" = 0000000000002000 ]
	[ "$(field CapAmb)" = 0000000000002000 ]
	# root execs: the kernel makes permitted = bounding | inheritable
	[ "$(field CapPrm)" = 0000000000202001 ]
	[ "$(field NoNewPrivs)" = 0 ]
}

@test "core-process: an ambient cap that is not inheritable is named in a warning; exec --cap adds ambient when inheritable is set" {
	b=$(core_bundle caps4 cat /proc/self/status)
	cfg "$b" '.process.capabilities = {
		"bounding": ["CAP_CHOWN", "CAP_KILL", "CAP_SYSLOG"],
		"permitted": ["CAP_CHOWN", "CAP_KILL"], "effective": ["CAP_CHOWN", "CAP_KILL"],
		"inheritable": ["CAP_CHOWN", "CAP_SYSLOG"], "ambient": ["CAP_CHOWN", "CAP_KILL"]}'
	run v run --bundle "$b" core-caps4
	[ "$status" -eq 0 ]
	# CHOWN=0 KILL=5 SYSLOG=34: KILL is not inheritable, so not ambient, and said so
	[[ "$output" == *"can't raise ambient capability CAP_KILL: "* ]]
	[[ "$output" != *"ambient capability CAP_CHOWN"* ]]
	[ "$(field CapAmb)" = 0000000000000001 ]
	set_args "$b" sleep 100000
	vbg run -d --bundle "$b" core-caps4
	run v exec --cap CAP_SYSLOG core-caps4 cat /proc/self/status
	[ "$status" -eq 0 ]
	[ "$(field CapEff)" = 0000000400000021 ]
	[ "$(field CapAmb)" = 0000000400000001 ]
	v delete --force core-caps4
}

@test "core-process: a non-root user keeps exactly the configured capabilities" {
	b=$(core_bundle caps3 cat /proc/self/status)
	cfg "$b" '.process.user = {"uid": 1000, "gid": 1000} | .process.capabilities = {
		"bounding": ["CAP_NET_BIND_SERVICE"], "permitted": ["CAP_NET_BIND_SERVICE"],
		"effective": ["CAP_NET_BIND_SERVICE"], "inheritable": ["CAP_NET_BIND_SERVICE"],
		"ambient": ["CAP_NET_BIND_SERVICE"]}'
	run v run --bundle "$b" core-caps3
	[ "$status" -eq 0 ]
	[ "$(field CapEff)" = 0000000000000400 ]
	[ "$(field CapAmb)" = 0000000000000400 ]
	[ "$(field Uid | head -1)" = 1000 ]
}

@test "core-process: CAP_DAC_OVERRIDE lets a non-root user exec a root-only file (runc#3715)" {
	b=$(core_bundle capdac /opt/echo dac-ok)
	mkdir -p "$b/rootfs/opt"
	cp "$(readlink -f "$b/rootfs/bin/busybox")" "$b/rootfs/opt/echo"
	chown 0:0 "$b/rootfs/opt/echo"
	chmod 0700 "$b/rootfs/opt/echo"
	cfg "$b" '.process.user = {"uid": 1000, "gid": 1000} | .process.capabilities = {
		"bounding": ["CAP_DAC_OVERRIDE"], "permitted": ["CAP_DAC_OVERRIDE"],
		"effective": ["CAP_DAC_OVERRIDE"]}'
	run v run --bundle "$b" core-capdac
	[ "$status" -eq 0 ]
	[ "$output" = dac-ok ]
	# without the capability the same exec is refused, in runc's words
	cfg "$b" '.process.capabilities = {"bounding": ["CAP_KILL"], "permitted": ["CAP_KILL"],
		"effective": ["CAP_KILL"]}'
	run v run --bundle "$b" core-capdac
	[ "$status" -ne 0 ]
	[[ "$output" == *'exec /opt/echo: permission denied'* ]]
}

@test "core-process: rlimits, env, cwd, oomScoreAdj" {
	b=$(core_bundle misc sh -c 'ulimit -Sn; ulimit -Hn; echo $FOO; pwd; cat /proc/self/oom_score_adj')
	cfg "$b" '.process.rlimits = [{"type": "RLIMIT_NOFILE", "soft": 123, "hard": 456}]
		| .process.env += ["FOO=bar baz"] | .process.cwd = "/tmp" | .process.oomScoreAdj = 500'
	run v run --bundle "$b" core-misc
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = 123 ]
	[ "${lines[1]}" = 456 ]
	[ "${lines[2]}" = "bar baz" ]
	[ "${lines[3]}" = /tmp ]
	[ "${lines[4]}" = 500 ]
}

@test "core-process: an rlimit above what the host allows fails with the real error" {
	b=$(core_bundle rlbad true)
	cfg "$b" '.process.rlimits = [{"type": "RLIMIT_NOFILE", "soft": 1024, "hard": 1073741816}]'
	run v run --bundle "$b" core-rlbad
	[ "$status" -eq 1 ]
	[[ "$output" == *"process.rlimits: RLIMIT_NOFILE soft 1024 hard 1073741816: Operation not permitted"* ]]
	no_leftovers core-rlbad
}

@test "core-process: hostname and domainname; sysctls in the container's namespaces" {
	host=$(hostname)
	b=$(core_bundle names sh -c 'hostname; cat /proc/sys/kernel/domainname; cat /proc/sys/net/ipv4/ip_forward; cat /proc/sys/kernel/shmmni')
	cfg "$b" '.hostname = "core-web1" | .domainname = "example.org"
		| .linux.sysctl = {"net.ipv4.ip_forward": "1", "kernel.shmmni": "1234"}'
	run v run --bundle "$b" core-names
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = core-web1 ]
	[ "${lines[1]}" = example.org ]
	[ "${lines[2]}" = 1 ]
	[ "${lines[3]}" = 1234 ]
	[ "$(hostname)" = "$host" ]
	[ "$(cat /proc/sys/kernel/shmmni)" != 1234 ]
}

@test "core-process: sysctls outside the container's namespaces are refused up front" {
	b=$(core_bundle sysbad true)
	cfg "$b" '.linux.sysctl = {"kernel.panic": "5"}'
	run v run --bundle "$b" core-sysbad
	[ "$status" -eq 1 ]
	[[ "$output" == *'linux.sysctl'*'kernel.panic'*'namespace'* ]]
	cfg "$b" '.linux.sysctl = {"net.ipv4.ip_forward": "1"} | .linux.namespaces |= map(select(.type != "network"))'
	run v run --bundle "$b" core-sysbad
	[ "$status" -eq 1 ]
	[[ "$output" == *'linux.sysctl'*'net.ipv4.ip_forward'*'network namespace'* ]]
	# a key longer than the 255-byte buffer is refused, never cut into a shorter key
	long="net.$(printf 'a%.0s' $(seq 300))"
	cfg "$b" ".linux.sysctl = {\"$long\": \"1\"} | .linux.namespaces += [{\"type\": \"network\"}]"
	run v run --bundle "$b" core-sysbad
	[ "$status" -eq 1 ]
	[[ "$output" == *'linux.sysctl: key "net.aaa'*'" is too long'* ]]
	cfg "$b" '.linux.sysctl = {} | .linux.namespaces |= map(select(.type != "uts"))'
	run v run --bundle "$b" core-sysbad
	[ "$status" -eq 1 ]
	[[ "$output" == *".hostname: "*"uts namespace"* ]]
	no_leftovers core-sysbad
}

@test "core-process: personality, scheduler and ioPriority" {
	b=$(core_bundle sched sh -c 'uname -m; grep -E "^policy" /proc/self/sched | tr -d " "; grep -E "^prio" /proc/self/sched | tr -d " "; ionice')
	cfg "$b" '.linux.personality = {"domain": "LINUX32"}
		| .process.scheduler = {"policy": "SCHED_BATCH", "nice": 7}
		| .process.ioPriority = {"class": "IOPRIO_CLASS_IDLE", "priority": 0}'
	run v run --bundle "$b" core-sched
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = i686 ]
	[ "${lines[1]}" = policy:3 ]
	[ "${lines[2]}" = prio:127 ]    # 120 + nice 7
	[[ "${lines[3]}" == idle* ]]
	# an exec'd process gets the container's personality too (runc)
	set_args "$b" sleep 100000
	vbg run -d --bundle "$b" core-sched2
	run v exec core-sched2 uname -m
	[ "$output" = i686 ]
	v delete --force core-sched2
}

@test "core-process: --no-pivot runs with MS_MOVE + chroot; --preserve-fds on create" {
	b=$(core_bundle nopivot sh -c 'cat <&3; ls /proc/self/fd | tr "\n" " "')
	run v run --no-pivot --preserve-fds 1 --bundle "$b" core-nopivot 3<"$WORK/tpl/rootfs/etc/passwd"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "root:x:0:0:root:/root:/bin/sh" ]
	[ "${lines[1]}" = "0 1 2 3 4 " ]
	no_leftovers core-nopivot
}
