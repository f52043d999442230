#!/usr/bin/env bats
# CLI basics: help, version, dispatch, usage errors, `vps spec`.
load helpers
load core_helpers
bats_require_minimum_version 1.5.0

setup_file() { core_setup_file; }
teardown_file() { core_teardown_file; }

# cg_file PID CONTROLLER FILE: a file of PID's cgroup (v1 or v2)
cg_file() {
	local p
	p=$(awk -F: -v c="$2" '$2 == c || $2 ~ "(^|,)"c"(,|$)" {print $3; exit}' "/proc/$1/cgroup")
	if [ -n "$p" ]; then cat "/sys/fs/cgroup/$2$p/$3"; else
		p=$(awk -F: '$1 == 0 {print $3}' "/proc/$1/cgroup")
		cat "/sys/fs/cgroup$p/$3"
	fi
}

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
	[[ "$output" != *"did you mean"* ]]
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

@test "an unknown command suggests the nearest one" {
	run "$VPS" enter web1
	[ "$status" -eq 2 ]
	[[ "$output" == *"unknown command 'enter': did you mean 'exec'?"* ]]
	run "$VPS" lsit
	[[ "$output" == *"did you mean 'list'?"* ]]
	run "$VPS" rm web1
	[[ "$output" == *"did you mean 'delete'?"* ]]
	run "$VPS" stat web1
	[[ "$output" == *"did you mean 'state'?"* ]]
}

@test "long options are exact: no prefix matches, no 'ambiguous'; the nearest is suggested" {
	run v update --cpu 1 cli-x
	[ "$status" -eq 2 ]
	[[ "$output" == *"unknown option '--cpu'"* ]]
	[[ "$output" != *"ambiguous"* ]]
	run v delete --forc cli-x
	[ "$status" -eq 2 ]
	[[ "$output" == *"unknown option '--forc' (did you mean '--force'?)"* ]]
	run v list --quiet=1
	[ "$status" -eq 2 ]
	[[ "$output" == *"option '--quiet' takes no value"* ]]
	run v list --format
	[ "$status" -eq 2 ]
	[[ "$output" == *"option '--format' needs a value"* ]]
	run v kill -x cli-x
	[ "$status" -eq 2 ]
	[[ "$output" == *"unknown option '-x'"* ]]
}

@test "--help works in any position on every verb" {
	for c in $("$VPS" --help | awk '/^Commands:/{f=1;next} /^$/{f=0} f{print $1}'); do
		run v "$c" some-id --help
		[ "$status" -eq 0 ] || { echo "$c ID --help: status $status: $output"; false; }
		[[ "$output" == "Usage: vps $c"* ]] || { echo "$c ID --help: $output"; false; }
	done
	run v update cli-x --memory 1G --help
	[ "$status" -eq 0 ]
	[[ "$output" == "Usage: vps update"* ]]
}

@test "options may follow the id: update, stats, kill, delete (runc allows both orders)" {
	b=$(core_bundle opt sleep 100000)
	vbg run -d --bundle "$b" cli-opt
	pid=$(v state cli-opt | jq .pid)
	run v update cli-opt --memory 64M --pids-limit 50
	[ "$status" -eq 0 ]
	[ "$(cg_file "$pid" memory memory.limit_in_bytes 2>/dev/null || cg_file "$pid" memory memory.max)" = $((64 << 20)) ]
	run v update cli-opt --cpus 0.5
	[ "$status" -eq 0 ]
	q=$(cg_file "$pid" cpu cpu.cfs_quota_us 2>/dev/null || cg_file "$pid" cpu cpu.max)
	[[ "$q" == 50000* ]]
	run v update cli-opt --cpus 0.5 --cpu-quota 1000
	[ "$status" -eq 2 ]
	[[ "$output" == *"cannot be combined"* ]]
	run v stats cli-opt --json --interval 100ms
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | jq -r '.[0].id')" = cli-opt ]
	run v state cli-opt --help
	[[ "$output" == "Usage: vps state"* ]]
	run v delete cli-opt
	[ "$status" -eq 1 ]
	run v kill cli-opt KILL --all
	[ "$status" -eq 0 ]
	wait_status cli-opt stopped
	run v delete cli-opt --force
	[ "$status" -eq 0 ]
	[ ! -e "$ROOT/cli-opt" ]
}

@test "vps stats without an id shows every running container" {
	b=$(core_bundle st1 sleep 100000)
	vbg run -d --bundle "$b" cli-st1
	b=$(core_bundle st2 sleep 100000)
	vbg run -d --bundle "$b" cli-st2
	b=$(core_bundle st3 true)
	vbg run -d --bundle "$b" cli-st3
	wait_status cli-st3 stopped
	run v stats --interval 100ms
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == "ID "* ]]
	[[ "$output" == *"cli-st1 "* ]]
	[[ "$output" == *"cli-st2 "* ]]
	[[ "$output" != *"cli-st3"* ]]
	run v stats --json --interval 100ms
	[ "$(echo "$output" | jq -r 'map(.id) | sort | join(",")')" = cli-st1,cli-st2 ]
	v delete --force cli-st1
	v delete --force cli-st2
	v delete cli-st3
}

@test "sizes: one syntax and one error text on every verb" {
	for s in 512M 1.5G 1GiB 2097152; do
		run v bundle --memory "$s" --template nosuch "$WORK/size-$s"
		[[ "$output" != *"--memory"* ]] || { echo "bundle --memory $s: $output"; false; }
		run v update --memory "$s" cli-nosuch
		[[ "$output" == *"does not exist"* ]] || { echo "update --memory $s: $output"; false; }
	done
	run v update --memory 1X cli-nosuch
	[ "$status" -eq 2 ]
	[[ "$output" == *'--memory "1X": expected a size like 512M, 1.5G or 1GiB'* ]]
	run v bundle --memory 1X "$WORK/size-bad"
	[ "$status" -eq 1 ]
	[[ "$output" == *'--memory "1X": expected a size like 512M, 1.5G or 1GiB'* ]]
	run v bundle --pids 1k "$WORK/size-bad"
	[[ "$output" == *'--pids "1k": expected a number (a count'* ]]
	[[ "$output" != *"size"* ]]
	run v update --pids-limit 1k cli-nosuch
	[[ "$output" == *'--pids-limit "1k": expected a number (a count'* ]]
	[ ! -e "$WORK/size-bad" ]
}

@test "list with a --root that does not exist says so on stderr, exit 0 and an empty list" {
	run --separate-stderr "$VPS" --root "$WORK/no-such-root" list
	[ "$status" -eq 0 ]
	[ "$output" = "ID          PID         STATUS      BUNDLE      CREATED     OWNER" ]
	[[ "$stderr" == *"state directory $WORK/no-such-root does not exist"* ]]
	run --separate-stderr "$VPS" --root "$WORK/no-such-root" list --format json
	[ "$output" = "[]" ]
	run --separate-stderr v list -q
	[ -z "$stderr" ]
}

@test "bash completion offers the ids under --root (also --root=DIR)" {
	mkdir -p "$WORK/bin" "$WORK/croot"
	ln -sf "$VPS" "$WORK/bin/vps"
	b=$(core_bundle comp sleep 100000)
	"$VPS" --root "$WORK/croot" run -d --bundle "$b" cli-comp </dev/null >/dev/null 2>&1
	out=$(PATH=$WORK/bin:$PATH bash -c '
		source "$1"
		COMP_WORDS=(vps --root "$2" delete cli-c); COMP_CWORD=4; _vps; echo "${COMPREPLY[*]}"
		COMP_WORDS=(vps --root = "$2" kill ""); COMP_CWORD=5; _vps; echo "${COMPREPLY[*]}"
		COMP_WORDS=(vps st); COMP_CWORD=1; _vps; echo "${COMPREPLY[*]}"' _ "$VPS_TOP/mk/vps.bash-completion" "$WORK/croot")
	"$VPS" --root "$WORK/croot" delete --force cli-comp
	echo "$out"
	[ "$(sed -n 1p <<<"$out")" = cli-comp ]
	[ "$(sed -n 2p <<<"$out")" = cli-comp ]
	[[ "$(sed -n 3p <<<"$out")" == *start*state*stats* ]]
}

@test "an init killed by the OOM killer during create says so, and leaves nothing" {
	b=$(core_bundle oom sleep 100000)
	cfg "$b" '.linux.resources.memory.limit = 10240'
	run v create --bundle "$b" cli-oom </dev/null
	[ "$status" -eq 1 ]
	[[ "$output" == *"the VPS's init was killed by the OOM killer: memory limit 10K is too small"* ]]
	no_leftovers cli-oom
}

@test "a symlinked root.path gets one answer from create, create --vm and passwd --bundle" {
	local b
	b=$(core_bundle rlink true)
	mv "$b/rootfs" "$b/real"
	ln -s real "$b/rootlink"
	cfg "$b" '.root.path = "rootlink"'
	local want='.root.path "rootlink" (a symlink; not followed)'
	run v create --bundle "$b" rlink
	[ "$status" -ne 0 ]
	[[ "$output" == *"$want"* ]]
	no_leftovers rlink
	run v create --vm --bundle "$b" rlink
	[ "$status" -ne 0 ]
	[[ "$output" == *"$want"* ]]
	no_leftovers rlink
	run v passwd --bundle "$b" --stdin <<<pw
	[ "$status" -ne 0 ]
	[[ "$output" == *"$want"* ]]
	# an absolute root.path to the real directory keeps working
	cfg "$b" ".root.path = \"$b/real\""
	v create --bundle "$b" rlink
	[ "$(v state rlink | jq -r .rootfs)" = "$b/real" ]
	# the state dir holds exactly the bytes that were parsed
	cmp "$b/config.json" "$ROOT/rlink/config.json"
	v delete --force rlink
	no_leftovers rlink
}
