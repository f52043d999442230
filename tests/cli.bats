#!/usr/bin/env bats
# CLI basics: help, version, dispatch, usage errors, `vps spec`.
load helpers

setup_file() { vps_setup_file; }
teardown_file() { vps_teardown_file; }

@test "vps --help lists commands and global flags" {
	run "$VPS" --help
	[ "$status" -eq 0 ]
	[[ "$output" == *"Usage: vps"* ]]
	[[ "$output" == *"spec"* ]]
	[[ "$output" == *"--root"* ]]
}

@test "vps --version names the spec and library versions" {
	run "$VPS" --version
	[ "$status" -eq 0 ]
	[[ "$output" == *"vps version"* ]]
	[[ "$output" == *"libseccomp:"* ]]
	[[ "$output" == *"json-c:"* ]]
}

@test "unknown command and unknown global flag fail with exit 2 and a clear message" {
	run "$VPS" frobnicate
	[ "$status" -eq 2 ]
	[[ "$output" == *"unknown command 'frobnicate'"* ]]
	run "$VPS" --bogus list
	[ "$status" -eq 2 ]
	[[ "$output" == *"unknown global option '--bogus'"* ]]
	run "$VPS" --log-format yaml spec
	[ "$status" -eq 2 ]
	[[ "$output" == *'expected text or json, got "yaml"'* ]]
}

@test "every command has --help" {
	for c in $("$VPS" --help | awk '/^Commands:/{f=1;next} /^$/{f=0} f{print $1}'); do
		run "$VPS" "$c" --help
		[ "$status" -eq 0 ] || { echo "$c --help: status $status"; false; }
		[[ "$output" == "Usage: vps $c"* ]] || { echo "$c --help: $output"; false; }
	done
}

@test "vps spec writes runc's default config and refuses to overwrite it" {
	mkdir -p "$WORK/b1"
	run "$VPS" spec --bundle "$WORK/b1"
	[ "$status" -eq 0 ]
	run jq -r '.process.args[0], .root.path, (.linux.namespaces | map(.type) | join(","))' "$WORK/b1/config.json"
	[ "${lines[0]}" = sh ]
	[ "${lines[1]}" = rootfs ]
	[ "${lines[2]}" = "pid,network,ipc,uts,mount" ]
	echo '{}' >"$WORK/b1/config.json"
	run "$VPS" spec --bundle "$WORK/b1"
	[ "$status" -eq 1 ]
	[[ "$output" == *"file exists"* ]]
	[ "$(cat "$WORK/b1/config.json")" = '{}' ]
}

@test "vps spec into a missing bundle dir fails naming it" {
	run "$VPS" spec --bundle "$WORK/nope"
	[ "$status" -eq 1 ]
	[[ "$output" == *"vps: spec: bundle $WORK/nope: No such file or directory"* ]]
}
