#!/usr/bin/env bats
# The cgroup commands' command line: --help, usage errors, unknown containers.
# (Behaviour on live containers: tests/cgroups.bats.)
load helpers

setup_file() { vps_setup_file; }
teardown_file() { vps_teardown_file; }

@test "cg-cli: pause, resume, update, events, stats have --help" {
	for c in pause resume update events stats; do
		run v $c --help
		[ "$status" -eq 0 ]
		[[ "${lines[0]}" == "Usage: vps $c"* ]]
	done
	run man -l "$VPS_TOP/man/vps-cgroups.8"
	[ "$status" -eq 0 ]
	[[ "$output" == *"vps update"* ]]
}

@test "cg-cli: usage errors exit 2 and name the problem" {
	run v update --memory lots cg-x
	[ "$status" -eq 2 ]
	[[ "$output" == *'--memory "lots": expected a size like 512M, 1.5G or 1GiB'* ]]
	run v update cg-x
	[ "$status" -eq 2 ]
	[[ "$output" == *"nothing to update"* ]]
	run v update -r /dev/null --memory 1m cg-x
	[ "$status" -eq 2 ]
	[[ "$output" == *"cannot be combined"* ]]
	run v update --cpu-period -5 cg-x
	[ "$status" -eq 2 ]
	[[ "$output" == *"--cpu-period: must not be negative"* ]]
	run v update --l3-cache-schema L3:0=f cg-x
	[ "$status" -eq 2 ]
	[[ "$output" == *"Intel RDT"* ]]
	run v events --interval soon cg-x
	[ "$status" -eq 2 ]
	[[ "$output" == *"--interval: expected a duration"* ]]
	run v pause
	[ "$status" -eq 2 ]
}

@test "cg-cli: unknown containers are a clear error" {
	for c in pause resume "events --stats" stats "update --memory 1g"; do
		run v $c cg-nosuch
		[ "$status" -eq 1 ]
		[[ "$output" == *"cg-nosuch"*"does not exist"* ]]
	done
}

@test "cg-cli: update -r with a bad resources file names the field" {
	mkdir -p "$ROOT"
	echo '{"memory": {"limit": "1G"}}' >"$WORK/bad.json"
	run v update -r "$WORK/bad.json" cg-nosuch
	[ "$status" -eq 1 ]
	[[ "$output" == *".memory.limit: expected an integer"* ]]
	run v update -r "$WORK/missing.json" cg-nosuch
	[ "$status" -eq 1 ]
	[[ "$output" == *"missing.json"* ]]
}
