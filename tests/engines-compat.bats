#!/usr/bin/env bats
# What engines rely on, checked directly (the podman/containerd harnesses cover the rest).
load helpers

setup_file() {
	vps_setup_file
	make_busybox_bundle "$WORK/b"
}
teardown_file() { vps_teardown_file; }

@test "delete --force of a container that does not exist succeeds (runc semantics); without --force it fails" {
	run v delete --force eng-nosuch
	[ "$status" -eq 0 ]
	run v delete eng-nosuch
	[ "$status" -eq 1 ]
	[[ "$output" == *'container "eng-nosuch" does not exist'* ]]
}

@test "seccomp filter installs without no_new_privs when capabilities are dropped (podman's default spec)" {
	cp -a "$WORK/b" "$WORK/nnp"
	jq_edit "$WORK/nnp/config.json" '.process.noNewPrivileges = false
		| .process.capabilities = {bounding:["CAP_CHOWN"],effective:["CAP_CHOWN"],permitted:["CAP_CHOWN"]}
		| .linux.seccomp = {defaultAction:"SCMP_ACT_ALLOW", syscalls:[{names:["swapon"],action:"SCMP_ACT_ERRNO"}]}'
	set_args "$WORK/nnp" sh -c 'grep -E "^(Seccomp|NoNewPrivs|CapEff):" /proc/self/status'
	run v run --bundle "$WORK/nnp" eng-nnp
	[ "$status" -eq 0 ]
	[[ "$output" == *"Seccomp:	2"* ]]
	[[ "$output" == *"NoNewPrivs:	0"* ]]
	[[ "$output" == *"CapEff:	0000000000000001"* ]]
}
