#!/usr/bin/env bats
# `vps state` and `vps list` over state directories written by hand (the
# store's format), and the live status: pid + start time, reuse, creating.
load helpers
bats_require_minimum_version 1.5.0

setup_file() { vps_setup_file; }
teardown_file() {
	[ -n "${SLEEPER:-}" ] && kill "$SLEEPER" 2>/dev/null
	vps_teardown_file
}

# fake_state ID STATUS PID PIDSTART
fake_state() {
	mkdir -p "$ROOT/$1"
	chmod 700 "$ROOT/$1"
	cat >"$ROOT/$1/state.json" <<-JSON
	{"ociVersion":"1.2.0","id":"$1","status":"$2","pid":$3,"pidStart":$4,
	 "bundle":"/srv/$1","rootfs":"/srv/$1/rootfs","created":"2026-11-21T18:00:00.000000001Z",
	 "owner":0,"annotations":{"org.test":"yes"},"exitStatus":-1}
	JSON
}

starttime() { awk '{ sub(/^.*\) /, ""); print $20 }' "/proc/$1/stat"; }

setup() {
	rm -rf "$ROOT"/*
	sleep 1000 &
	SLEEPER=$!
	export SLEEPER
}
teardown() { kill "$SLEEPER" 2>/dev/null || true; wait "$SLEEPER" 2>/dev/null || true; }

@test "state of a running container: runc's fields and live pid" {
	fake_state spec-run running "$SLEEPER" "$(starttime "$SLEEPER")"
	run v state spec-run
	[ "$status" -eq 0 ]
	run jq -r '[.ociVersion, .id, (.pid|tostring), .status, .bundle, .rootfs, .created,
		.annotations["org.test"], .owner] | join("|")' <<<"$output"
	[ "$output" = "1.2.0|spec-run|$SLEEPER|running|/srv/spec-run|/srv/spec-run/rootfs|2026-11-21T18:00:00.000000001Z|yes|root" ]
}

@test "state keys come in runc's order" {
	fake_state spec-ord running "$SLEEPER" "$(starttime "$SLEEPER")"
	run bash -c "'$VPS' --root '$ROOT' state spec-ord | jq -r 'keys_unsorted | join(\",\")'"
	[ "$output" = "ociVersion,id,pid,status,bundle,rootfs,created,annotations,owner" ]
}

@test "a dead or reused pid reads as stopped with pid 0" {
	fake_state spec-reuse running "$SLEEPER" $(( $(starttime "$SLEEPER") + 1 ))
	run bash -c "'$VPS' --root '$ROOT' state spec-reuse | jq -r '.status, .pid'"
	[ "${lines[0]}" = stopped ]
	[ "${lines[1]}" = 0 ]
	fake_state spec-dead running 999999999 1
	run bash -c "'$VPS' --root '$ROOT' state spec-dead | jq -r .status"
	[ "$output" = stopped ]
}

@test "created stays created while its init lives" {
	fake_state spec-created created "$SLEEPER" "$(starttime "$SLEEPER")"
	run bash -c "'$VPS' --root '$ROOT' state spec-created | jq -r .status"
	[ "$output" = created ]
	kill "$SLEEPER"; wait "$SLEEPER" 2>/dev/null || true
	run bash -c "'$VPS' --root '$ROOT' state spec-created | jq -r .status"
	[ "$output" = stopped ]
}

@test "a directory without state.json is creating while locked, else stopped" {
	mkdir -m 700 "$ROOT/spec-half"
	run bash -c "'$VPS' --root '$ROOT' state spec-half | jq -r .status"
	[ "$output" = stopped ]
	touch "$ROOT/spec-half/.lock"
	flock "$ROOT/spec-half/.lock" sleep 5 &
	locker=$!
	for _ in $(seq 50); do
		flock -n "$ROOT/spec-half/.lock" true || break
		sleep 0.1
	done
	run bash -c "'$VPS' --root '$ROOT' state spec-half | jq -r .status"
	kill "$locker" 2>/dev/null; wait "$locker" 2>/dev/null || true
	[ "$output" = creating ]
}

@test "state of a missing container or a bad id fails clearly" {
	run v state spec-nope
	[ "$status" -eq 1 ]
	[ "$output" = 'vps: state spec-nope: container "spec-nope" does not exist' ]
	run v state ../etc
	[ "$status" -eq 1 ]
	[[ "$output" == *'invalid container id "../etc"'* ]]
	run v state
	[ "$status" -eq 2 ]
}

@test "a corrupt state.json is reported with its path in the file" {
	mkdir -m 700 "$ROOT/spec-bad"
	echo '{"id":"spec-bad","status":"running","pid":"7"}' >"$ROOT/spec-bad/state.json"
	run v state spec-bad
	[ "$status" -eq 1 ]
	[[ "$output" == *'container "spec-bad": state.json: .pid: expected an integer, got "7"'* ]]
}

@test "list: table with runc's columns, sorted, live status" {
	fake_state spec-b running "$SLEEPER" "$(starttime "$SLEEPER")"
	fake_state spec-a running 999999999 1
	run v list
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" =~ ^ID\ +PID\ +STATUS\ +BUNDLE\ +CREATED\ +OWNER$ ]]
	[[ "${lines[1]}" =~ ^spec-a\ +0\ +stopped\ +/srv/spec-a\ +2026-11-21T18:00:00.000000001Z\ +root$ ]]
	[[ "${lines[2]}" =~ ^spec-b\ +$SLEEPER\ +running\ + ]]
	[ "${#lines[@]}" -eq 3 ]
}

@test "list --format json and -q" {
	fake_state spec-j running "$SLEEPER" "$(starttime "$SLEEPER")"
	run bash -c "'$VPS' --root '$ROOT' list --format json | jq -r '.[0].id, .[0].status, length'"
	[ "${lines[0]}" = spec-j ]
	[ "${lines[1]}" = running ]
	[ "${lines[2]}" = 1 ]
	run v list -q
	[ "$output" = spec-j ]
}

@test "list on an empty or missing root; bad --format" {
	run v list -f json
	[ "$output" = "[]" ]
	run --separate-stderr "$VPS" --root "$WORK/none" list
	[ "$status" -eq 0 ]
	[[ "$output" =~ ^ID ]]
	[[ "$stderr" == *"state directory $WORK/none does not exist"* ]]
	run v list --format yaml
	[ "$status" -eq 2 ]
	[[ "$output" == *'--format: expected table or json, got "yaml"'* ]]
}

@test "a creator that died before saving state: delete cleans it without --force" {
	mkdir -m 700 "$ROOT/spec-dead-create"
	touch "$ROOT/spec-dead-create/.lock"
	run v delete spec-dead-create
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	[ ! -e "$ROOT/spec-dead-create" ]
}

# forge DIR: a container dir whose config copy has a poststop hook (as a user
# who owns a state root could write one); `delete --force` runs poststop hooks.
forge() {
	mkdir -p "$1/spec-forged"
	chmod 700 "$1/spec-forged"
	cat >"$1/spec-forged/state.json" <<-JSON
	{"ociVersion":"1.2.0","id":"spec-forged","status":"stopped","pid":0,"pidStart":0,
	 "bundle":"/srv/x","rootfs":"/srv/x/rootfs","created":"2026-11-21T18:00:00.000000001Z",
	 "owner":0,"exitStatus":-1}
	JSON
	"$VPS" spec --bundle "$WORK/specdir" >/dev/null 2>&1 || true
	jq --arg f "$WORK/pwned" '.hooks.poststop = [{"path": "/bin/sh", "args": ["sh", "-c", "touch \($f)"]}]' \
		"$WORK/specdir/config.json" >"$1/spec-forged/config.json"
}

# refused DIR MESSAGE: delete --force, state and list on root DIR all fail with MESSAGE, no hook ran.
refused() {
	local cmd
	for cmd in "delete --force spec-forged" "state spec-forged" "list"; do
		run "$VPS" --root "$1" $cmd
		echo "$cmd: $status $output"
		[ "$status" -eq 1 ] || return 1
		[[ $output == *"$2"* ]] || return 1
	done
	[ ! -e "$WORK/pwned" ] || { echo "the forged poststop hook ran"; return 1; }
	[ -d "$1/spec-forged" ] || { echo "removed"; return 1; }
}

@test "a state root or container dir someone else controls is refused before vps reads it" {
	mkdir -p "$WORK/specdir"
	# a state root owned by a user
	forge "$WORK/r1" && chown 65534 "$WORK/r1"
	refused "$WORK/r1" "state root $WORK/r1 is owned by uid 65534, neither root nor you"
	# writable by everyone or by its group
	forge "$WORK/r2" && chmod 1777 "$WORK/r2"
	refused "$WORK/r2" "state root $WORK/r2 is writable by everyone (mode 1777)"
	forge "$WORK/r3" && chmod 770 "$WORK/r3"
	refused "$WORK/r3" "state root $WORK/r3 is writable by its group"
	# a symlink (to a fine root)
	forge "$WORK/r4" && ln -s "$WORK/r4" "$WORK/r5"
	refused "$WORK/r5" "state root $WORK/r5 is a symlink"
	# container dirs: owned by a user, group-writable, a symlink
	forge "$WORK/r6" && chown 65534 "$WORK/r6/spec-forged"
	run "$VPS" --root "$WORK/r6" delete --force spec-forged
	[ "$status" -eq 1 ]
	[[ $output == *'container dir of spec-forged is owned by uid 65534'* ]]
	forge "$WORK/r7" && chmod 770 "$WORK/r7/spec-forged"
	run "$VPS" --root "$WORK/r7" delete --force spec-forged
	[ "$status" -eq 1 ]
	[[ $output == *'container dir of spec-forged is writable by its group'* ]]
	mkdir -p "$WORK/r8" && mv "$WORK/r7/spec-forged" "$WORK/r8/elsewhere" && chmod 700 "$WORK/r8/elsewhere"
	ln -s "$WORK/r8/elsewhere" "$WORK/r7/spec-forged"
	run "$VPS" --root "$WORK/r7" delete --force spec-forged
	[ "$status" -eq 1 ]
	[[ $output == *'container dir of "spec-forged" is a symlink'* ]]
	[ ! -e "$WORK/pwned" ]
	# fine: root-owned 0700/0755 roots below a sticky world-writable parent (as under /tmp)
	mkdir -m 1777 "$WORK/sticky" && mkdir -m 755 "$WORK/sticky/root"
	"$VPS" --root "$WORK/sticky/root" list
	forge "$WORK/sticky/root"
	"$VPS" --root "$WORK/sticky/root" delete --force spec-forged # our own hook: runs
	[ -e "$WORK/pwned" ]
	[ ! -e "$WORK/sticky/root/spec-forged" ]
}

@test "create under a state root so long that ROOT/ID passes PATH_MAX fails naming it and makes nothing" {
	local b long
	b=$(mktemp -d "$WORK/longroot-XXXXXX")
	mkdir "$b/rootfs"
	(cd "$b" && v spec)
	jq '.process.terminal = false' "$b/config.json" >"$b/c" && mv "$b/c" "$b/config.json"
	# 4085 bytes in 200-byte components: a valid path, but ROOT/ID does not fit
	# in PATH_MAX (4096)
	long=$WORK
	while [ $((${#long} + 201)) -le 4085 ]; do long=$long/$(head -c 200 /dev/zero | tr '\0' r); done
	long=$long/$(head -c $((4084 - ${#long})) /dev/zero | tr '\0' r)
	[ "${#long}" -eq 4085 ]
	run "$VPS" --root "$long" create --bundle "$b" state-longroot12 </dev/null
	echo "$output" | cut -c1-200
	[ "$status" -eq 1 ]
	[[ "$output" == *"create state-longroot12: state root $WORK/rrr"*"...: ROOT/ID is too long for a path" ]]
	[ ! -e "$long" ]
}
