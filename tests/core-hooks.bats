#!/usr/bin/env bats
# core: OCI hooks, all six: order, the state on stdin, args and env, timeouts,
# and the spec's failure semantics (fatal before the process runs, warnings
# after). Hooks log to the rootfs through its host path; createContainer runs
# in the container's namespaces before pivot_root (it sees the container's
# hostname), startContainer inside the container (it logs to /tmp).
# timeout: 300
load helpers
load core_helpers

setup_file() { core_setup_file; }
teardown_file() { core_teardown_file; }

# hooks_bundle NAME: a bundle whose six hooks append their name to tmp/hooks.log
hooks_bundle() {
	local b
	b=$(core_bundle "$1" sh -c 'echo process >>/tmp/hooks.log; sleep 100000')
	local log=$b/rootfs/tmp/hooks.log st=$WORK/$1-state
	mkdir -p "$st"
	cfg "$b" "
	  .hooks.prestart = [{\"path\": \"/bin/sh\", \"args\": [\"sh\", \"-c\", \"cat >$st/prestart.json; echo prestart >>$log\"]}]
	| .hooks.createRuntime = [{\"path\": \"/bin/sh\", \"args\": [\"sh\", \"-c\", \"echo createRuntime:\$HOOKVAR >>$log\"], \"env\": [\"HOOKVAR=x1\"]}]
	| .hooks.createContainer = [{\"path\": \"/bin/sh\", \"args\": [\"sh\", \"-c\", \"echo createContainer:\$(hostname) >>$log\"]}]
	| .hooks.startContainer = [{\"path\": \"/bin/sh\", \"args\": [\"sh\", \"-c\", \"cat >/tmp/start.json; echo startContainer >>/tmp/hooks.log\"]}]
	| .hooks.poststart = [{\"path\": \"/bin/sh\", \"args\": [\"sh\", \"-c\", \"cat >$st/poststart.json; echo poststart >>$log\"]}]
	| .hooks.poststop = [{\"path\": \"/bin/sh\", \"args\": [\"sh\", \"-c\", \"cat >$st/poststop.json; echo poststop >>$WORK/$1-poststop.log\"]}]"
	echo "$b"
}

@test "core-hooks: all six run in order with the state on stdin and their env" {
	b=$(hooks_bundle hk1)
	vbg create --bundle "$b" core-hk1
	pid=$(v state core-hk1 | jq .pid)
	run cat "$b/rootfs/tmp/hooks.log"
	[ "$output" = "$(printf 'prestart\ncreateRuntime:x1\ncreateContainer:vps')" ]
	vbg start core-hk1
	sleep 0.5
	run cat "$b/rootfs/tmp/hooks.log"
	[ "$output" = "$(printf 'prestart\ncreateRuntime:x1\ncreateContainer:vps\nstartContainer\nprocess\npoststart')" ] ||
		[ "$output" = "$(printf 'prestart\ncreateRuntime:x1\ncreateContainer:vps\nstartContainer\npoststart\nprocess')" ]
	st=$WORK/hk1-state
	[ "$(jq -r .id "$st/prestart.json")" = core-hk1 ]
	[ "$(jq -r .pid "$st/prestart.json")" = "$pid" ]
	[ "$(jq -r .status "$st/prestart.json")" = creating ]
	[ "$(jq -r .bundle "$st/prestart.json")" = "$b" ]
	[ "$(jq -r .status "$st/poststart.json")" = running ]
	[ "$(jq -r .id "$b/rootfs/tmp/start.json")" = core-hk1 ]
	v delete --force core-hk1
	[ "$(cat "$WORK/hk1-poststop.log")" = poststop ]
	[ "$(jq -r .status "$st/poststop.json")" = stopped ]
}

@test "core-hooks: a failing prestart/createRuntime hook fails create, nothing left" {
	b=$(hooks_bundle hk2)
	cfg "$b" '.hooks.createRuntime[0].args = ["sh", "-c", "echo nope >&2; exit 3"]'
	run v create --bundle "$b" core-hk2
	[ "$status" -eq 1 ]
	# the hook's output is in the error (runc)
	[[ "$output" == *"error running createRuntime hook #0: hook /bin/sh: exit status 3, output: nope"* ]]
	no_leftovers core-hk2
	cfg "$b" '.hooks.createRuntime = [] | .hooks.prestart = [{"path": "/no/such/hook"}]'
	run v create --bundle "$b" core-hk2
	[ "$status" -eq 1 ]
	[[ "$output" == *"error running prestart hook #0: hook /no/such/hook: No such file or directory"* ]]
	no_leftovers core-hk2
}

@test "core-hooks: a hook past its timeout is killed and fails the create" {
	b=$(hooks_bundle hk3)
	cfg "$b" '.hooks.prestart = [{"path": "/bin/sleep", "args": ["sleep", "30"], "timeout": 1}]'
	run v create --bundle "$b" core-hk3
	[ "$status" -eq 1 ]
	[[ "$output" == *"error running prestart hook #0: hook /bin/sleep: timed out after 1s"* ]]
	no_leftovers core-hk3
}

@test "core-hooks: a failing startContainer hook fails start; poststart/poststop only warn" {
	b=$(hooks_bundle hk4)
	cfg "$b" '.hooks.startContainer = [{"path": "/bin/false"}]'
	vbg create --bundle "$b" core-hk4
	run v start core-hk4
	[ "$status" -eq 1 ]
	[[ "$output" == *"error running startContainer hook #0: hook /bin/false: exit status 1"* ]]
	! grep -q process "$b/rootfs/tmp/hooks.log"
	v delete --force core-hk4
	b=$(hooks_bundle hk5)
	cfg "$b" '.hooks.poststart = [{"path": "/bin/false"}] | .hooks.poststop = [{"path": "/bin/false"}]'
	vbg create --bundle "$b" core-hk5
	run v start core-hk5
	[ "$status" -eq 0 ]
	[[ "$output" == *"error running poststart hook #0"*"exit status 1"* ]]
	run v delete --force core-hk5
	[ "$status" -eq 0 ]
	[[ "$output" == *"error running poststop hook #0"*"exit status 1"* ]]
	no_leftovers core-hk5
}

@test "core-hooks: createContainer runs with the container's root as its cwd (runc), not the bundle" {
	b=$(core_bundle hk5 true)
	log=$WORK/hk5.log
	cfg "$b" ".hooks.createContainer = [{\"path\": \"/bin/sh\", \"args\": [\"sh\", \"-c\", \"pwd >$log; test -x bin/busybox && echo has-bin >>$log; true\"]}]"
	run v run --bundle "$b" core-hk5
	[ "$status" -eq 0 ]
	run cat "$log"
	[ "${lines[0]}" = "$(readlink -f "$b/rootfs")" ]
	[ "${lines[1]}" = has-bin ]
}

@test "core-hooks: a startContainer hook without an env gets the process's (HOME too); a host hook gets vps's" {
	b=$(core_bundle hk6 true)
	log=$WORK/hk6.log
	cfg "$b" ".process.env = [\"ONE=two\", \"ONE=three\", \"PATH=/bin\"]
	| .hooks.startContainer = [{\"path\": \"/bin/sh\", \"args\": [\"sh\", \"-c\", \"echo \$ONE:\$HOME >/tmp/env.out\"]}]
	| .hooks.createRuntime = [{\"path\": \"/bin/sh\", \"args\": [\"sh\", \"-c\", \"echo \$HK6_HOST >$log\"]}]"
	HK6_HOST=from-vps run v run --bundle "$b" core-hk6
	[ "$status" -eq 0 ]
	[ "$(cat "$b/rootfs/tmp/env.out")" = three:/root ]
	[ "$(cat "$log")" = from-vps ]
}
