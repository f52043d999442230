#!/usr/bin/env bats
# state/list on real containers (core's create/start/pause), and config
# errors from the parser reaching the user through `vps create` unchanged.
# timeout: 300
load helpers
load core_helpers

setup_file() { core_setup_file; }
teardown_file() { vps_teardown_file; }

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
	run v pause spec-live
	if [ "$status" -eq 0 ]; then
		wait_status spec-live paused
		[ "$(v list -f json | jq -r '.[] | select(.id == "spec-live") | .status')" = paused ]
		v resume spec-live
		wait_status spec-live running
	else
		echo "# pause unavailable here: $output" >&3
	fi
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
