#!/usr/bin/env bats
# state/list on real containers (core's create/start/pause), and config
# errors from the parser reaching the user through `vps create` unchanged.
# timeout: 300
load helpers
load core_helpers

setup_file() { core_setup_file; }
teardown_file() { core_teardown_file; }

@test "state and list follow a real container: created, running, paused, stopped" {
	b=$(core_bundle live sh -c 'sleep 1000')
	vbg create --bundle "$b" spec-live
	run v state spec-live
	[ "$status" -eq 0 ]
	[ "$(jq -r .status <<<"$output")" = created ]
	pid=$(jq -r .pid <<<"$output")
	[ -d "/proc/$pid" ]
	[ "$(jq -r .bundle <<<"$output")" = "$b" ]
	[ "$(jq -r .rootfs <<<"$output")" = "$b/rootfs" ]
	[ "$(jq -r .owner <<<"$output")" = root ]
	vbg start spec-live
	wait_status spec-live running
	run v list
	[[ "${lines[1]}" =~ ^spec-live\ +$pid\ +running\ +$b\  ]]
	v pause spec-live
	wait_status spec-live paused
	[ "$(v list -f json | jq -r '.[] | select(.id == "spec-live") | .status')" = paused ]
	v resume spec-live
	wait_status spec-live running
	kill -9 "$pid"
	wait_status spec-live stopped
	[ "$(v state spec-live | jq -r .pid)" = 0 ]
	v delete spec-live
	run v list -q
	[ -z "$output" ]
}

@test "a bad config.json fails create with the parser's path-precise message, nothing left" {
	b=$(core_bundle bad true)
	cfg "$b" '.linux.namespaces[2].type = "pidd"'
	run v create --bundle "$b" spec-bad
	[ "$status" -eq 1 ]
	[[ "$output" == *'create spec-bad: config.json: .linux.namespaces[2].type: unknown namespace "pidd"'* ]]
	[ ! -e "$ROOT/spec-bad" ]
	cfg "$b" '.linux.namespaces[2].type = "ipc" | .linux.resources.memory.limit = "1G"'
	run v create --bundle "$b" spec-bad
	[ "$status" -eq 1 ]
	[[ "$output" == *'config.json: .linux.resources.memory.limit: expected an integer, got "1G"'* ]]
	no_leftovers spec-bad
}

@test "state and list look like runc's for the same bundle" {
	command -v runc >/dev/null || skip "runc not installed (apt-get install runc to compare)"
	b=$(core_bundle cmp sleep 1000)
	runc --root "$WORK/runc" run -d --bundle "$b" spec-cmp-runc </dev/null >/dev/null 2>&1 ||
		skip "runc cannot run containers here"
	# the same bundle but a cgroup of its own: two containers never share one
	cfg "$b" '.linux.cgroupsPath += "-vps"'
	vbg create --bundle "$b" spec-cmp
	vbg start spec-cmp
	r=$(runc --root "$WORK/runc" state spec-cmp-runc)
	s=$(v state spec-cmp)
	runc_list=$(runc --root "$WORK/runc" list)
	vps_list=$(v list)
	runc --root "$WORK/runc" delete -f spec-cmp-runc >/dev/null 2>&1 || true
	v delete -f spec-cmp
	# same keys in the same order, same values but id, pid, created, version, owner
	[ "$(jq -c 'keys_unsorted' <<<"$r")" = "$(jq -c 'keys_unsorted' <<<"$s")" ]
	[ "$(jq -c '[.status, .bundle, .rootfs]' <<<"$r")" = "$(jq -c '[.status, .bundle, .rootfs]' <<<"$s")" ]
	# created: RFC 3339 with nanoseconds, UTC, like runc's
	[[ "$(jq -r .created <<<"$s")" =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}\.[0-9]{9}Z$ ]]
	# same columns; each padded like runc's tabwriter (width = longest + 3, at least 12)
	[ "$(head -1 <<<"$runc_list" | tr -s ' ')" = "$(head -1 <<<"$vps_list" | tr -s ' ')" ]
	[[ "$(head -1 <<<"$vps_list")" == "ID          PID "* ]]
	[[ "$(sed -n 2p <<<"$vps_list")" =~ ^spec-cmp\ {4}[0-9]+\ +running\ {5}$b\ {3} ]]
}
