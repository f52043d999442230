#!/usr/bin/env bats
# core: `vps exec` with runc's flags, observed from inside the running container.
# timeout: 300
load helpers
load core_helpers

setup_file() {
	core_setup_file
	b=$(core_bundle ex sleep 100000)
	cfg "$b" '.process.env += ["BASE=1"]'
	vbg run -d --bundle "$b" core-ex
}
teardown_file() { core_teardown_file; }

@test "core-exec: joins every namespace of the init, returns the exit status" {
	pid=$(v state core-ex | jq .pid)
	run v exec core-ex sh -c 'for n in pid net ipc uts mnt; do readlink /proc/self/ns/$n; done; exit 7'
	[ "$status" -eq 7 ]
	i=0
	for n in pid net ipc uts mnt; do
		[ "${lines[$i]}" = "$(readlink /proc/$pid/ns/$n)" ]
		i=$((i + 1))
	done
}

@test "core-exec: exec'd process is in the container's cgroup, sees the init as pid 1" {
	run v exec core-ex sh -c 'cat /proc/1/cmdline | tr "\0" " "; echo; cat /proc/self/cgroup'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "sleep 100000 " ]
	printf '%s\n' "$output" | grep -q "memory:/$(cg_parent)/core-ex$"
}

@test "core-exec: -e, --cwd, -u UID:GID, -g, env from the config" {
	run v exec -e FOO=bar -e BASE=2 --cwd /tmp -u 1000:1001 -g 44 core-ex sh -c 'echo $FOO $BASE; pwd; id -u; id -g; id -G'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "bar 2" ]
	[ "${lines[1]}" = /tmp ]
	[ "${lines[2]}" = 1000 ]
	[ "${lines[3]}" = 1001 ]
	[ "${lines[4]}" = "1001 44" ]
}

@test "core-exec: capabilities of the config, --cap adds, --no-new-privs" {
	run v exec core-ex grep -E '^(CapEff|NoNewPrivs)' /proc/self/status
	[ "$(echo ${lines[0]})" = "CapEff: 0000000020000420" ]
	run v exec --cap CAP_NET_RAW core-ex grep CapEff /proc/self/status
	[ "$(echo $output)" = "CapEff: 0000000020002420" ]
	run v exec --cap CAP_BOGUS core-ex true
	[ "$status" -ne 0 ]
	[[ "$output" == *'unknown capability "CAP_BOGUS"'* ]]
	b=$(core_bundle nnp sleep 100000)
	cfg "$b" '.process.noNewPrivileges = false'
	vbg run -d --bundle "$b" core-nnp
	run v exec core-nnp grep NoNewPrivs /proc/self/status
	[ "$(echo $output)" = "NoNewPrivs: 0" ]
	run v exec --no-new-privs core-nnp grep NoNewPrivs /proc/self/status
	[ "$(echo $output)" = "NoNewPrivs: 1" ]
	v delete --force core-nnp
}

@test "core-exec: -p process.json" {
	cat >"$WORK/proc.json" <<-'J'
	{"args": ["sh", "-c", "echo $X; id -u; pwd"], "env": ["X=from-json", "PATH=/bin"],
	 "cwd": "/etc", "user": {"uid": 5, "gid": 5}}
	J
	run v exec -p "$WORK/proc.json" core-ex
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = from-json ]
	[ "${lines[1]}" = 5 ]
	[ "${lines[2]}" = /etc ]
}

@test "core-exec: -d with --pid-file; the process runs detached" {
	vbg exec -d --pid-file "$WORK/ex.pid" core-ex sleep 777
	pid=$(cat "$WORK/ex.pid")
	[ "$(tr '\0' ' ' </proc/$pid/cmdline)" = "sleep 777 " ]
	v ps -f json core-ex | jq -e "index($pid)"
	kill $pid
}

@test "core-exec: errors are the real ones" {
	run v exec core-ex /nope
	[ "$status" -eq 255 ]
	[[ "$output" == *'exec /nope: no such file or directory'* ]]
	run v exec --cwd /nope core-ex true
	[ "$status" -eq 255 ]
	[[ "$output" == *"process.cwd /nope: No such file or directory"* ]]
	run v exec core-none true
	[ "$status" -eq 255 ]
	[[ "$output" == *'container "core-none" does not exist'* ]]
	b=$(core_bundle exstop true)
	vbg run -d --bundle "$b" core-exstop
	wait_status core-exstop stopped
	run v exec core-exstop true
	[ "$status" -eq 255 ]
	[[ "$output" == *"cannot exec in a container that is stopped"* ]]
}

@test "core-exec: vps's own failures exit 255 (runc), the process's own status stays its own" {
	run v exec core-ex sh -c 'exit 1'
	[ "$status" -eq 1 ]
	run v exec core-ex no-such-binary
	[ "$status" -eq 255 ]
	[[ "$output" == *'"no-such-binary"'* ]]
	run v exec --pid-file /non-existent/directory/pid core-ex true
	[ "$status" -eq 255 ]
	[[ "$output" == *"/non-existent/directory"* ]]
	run v exec no_such_container true
	[ "$status" -eq 255 ]
	# usage errors stay 2
	run v exec core-ex
	[ "$status" -eq 2 ]
}

@test "core-exec: options stop at the id (runc): what follows is the command's; -- works" {
	# -e after the id belongs to env(1), not to vps
	run v exec core-ex env -u BASE
	[ "$status" -eq 0 ]
	[[ "$output" != *"BASE=1"* ]]
	run v exec core-ex -- ls -d /
	[ "$status" -eq 0 ]
	[ "$output" = / ]
	run v exec -- core-ex echo ok
	[ "$output" = ok ]
	run v exec core-ex --
	[ "$status" -eq 2 ]
	[[ "$output" == *"expects a command after the container id"* ]]
}

@test "core-exec: -u NAME[:GROUP] resolves through the VPS's own passwd and group, inside its root" {
	r=$WORK/ex/rootfs
	echo 'bob:x:1500:1600::/home/bob:/bin/sh' >>"$r/etc/passwd"
	echo 'staff:x:1700:' >>"$r/etc/group"
	run v exec -u bob core-ex id
	[ "$status" -eq 0 ]
	[[ "$output" == "uid=1500(bob) gid=1600"* ]]
	run v exec -u bob:staff core-ex id -u
	[ "$output" = 1500 ]
	run v exec -u bob:staff core-ex id -g
	[ "$output" = 1700 ]
	run v exec --user 0:staff core-ex id -g
	[ "$output" = 1700 ]
	run v exec -u 7:8 core-ex id
	[[ "$output" == "uid=7 gid=8"* ]]
	run v exec -u nosuchuser core-ex id
	[ "$status" -eq 255 ]
	[[ "$output" == *'user "nosuchuser": not found in the VPS'"'"'s /etc/passwd'* ]]
	run v exec -u bob:nosuchgroup core-ex id
	[ "$status" -eq 255 ]
	[[ "$output" == *'group "nosuchgroup": not found'* ]]
	run v exec -u "" core-ex id
	[ "$status" -eq 255 ]
	[[ "$output" == *'user "": not found in the VPS'* ]]
	run v exec -u "1500:" core-ex id
	[ "$status" -eq 255 ]
	[[ "$output" == *'group "": not found in the VPS'* ]]
	# a symlink pointing "out" stays inside the VPS: the host's group file is never read
	grep -q '^daemon:' /etc/group
	mv "$r/etc/group" "$r/etc/group.real"
	ln -s ../../../../../../../../etc/group "$r/etc/group"
	run v exec -u bob:daemon core-ex id
	[ "$status" -eq 255 ]
	rm "$r/etc/group"
	mv "$r/etc/group.real" "$r/etc/group"
}

@test "core-exec: a paused container refuses exec unless --ignore-paused" {
	v pause core-ex
	run v exec core-ex true
	[ "$status" -eq 255 ]
	# runc's words: engines and runc's own suite match them
	[[ "$output" == *"cannot exec in a paused container (use --ignore-paused to override)"* ]]
	v exec -d --ignore-paused core-ex true
	v resume core-ex
	run v exec core-ex echo ok
	[ "$output" = ok ]
}

@test "core-exec: the foreground exec forwards signals; 128+N when the process dies of N" {
	"$VPS" --root "$ROOT" exec core-ex sh -c 'trap "exit 42" TERM; echo ready >/tmp/ex-ready; while :; do sleep 0.1; done' &
	pid=$!
	b=$WORK/ex
	for i in $(seq 50); do [ -e "$b/rootfs/tmp/ex-ready" ] && break; sleep 0.1; done
	kill -TERM $pid
	for i in $(seq 50); do kill -0 $pid 2>/dev/null || break; sleep 0.1; done
	kill -9 $pid 2>/dev/null && { echo "exec did not exit after SIGTERM"; false; }
	wait $pid && st=0 || st=$?
	[ "$st" -eq 42 ]
	run v exec core-ex sh -c 'kill -KILL $$'
	[ "$status" -eq 137 ]
}
