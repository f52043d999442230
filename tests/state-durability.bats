#!/usr/bin/env bats
# state.json and the config copy are fsynced on disk-backed state roots and not
# on tmpfs (where fsync does nothing); the write is a rename either way.
load helpers

setup_file() {
	vps_setup_file
	make_busybox_bundle "$WORK/b"
	set_args "$WORK/b" true
	mkdir -p "$WORK/mem"
	# mode=700: a tmpfs root is 1777 by default, a state root vps refuses (anyone could write there)
	mount -t tmpfs -o size=4m,mode=700 vps-dur "$WORK/mem"
}
teardown_file() {
	umount "$WORK/mem" 2>/dev/null
	vps_teardown_file
}

# fsyncs ROOT ID: how many fsync calls `vps run` makes with that state root
fsyncs() {
	strace -f -qq -e trace=fsync,fdatasync -o "$WORK/strace.$2" "$VPS" --root "$1" run --bundle "$WORK/b" "$2" >/dev/null
	grep -c 'fsync(' "$WORK/strace.$2" || true
}

@test "state writes are fsynced when the state root is on disk" {
	[ "$(stat -fc %T "$ROOT")" != tmpfs ] || skip "this test's \$ROOT ($ROOT) is on tmpfs; needs a disk-backed /tmp"
	n=$(fsyncs "$ROOT" dur-disk)
	[ "$n" -ge 2 ] || { echo "only $n fsyncs"; false; }
}

@test "state writes skip fsync on a tmpfs state root, and the state is still there" {
	n=$(fsyncs "$WORK/mem" dur-mem)
	[ "$n" -eq 0 ] || { echo "$n fsyncs on tmpfs"; false; }
	run "$VPS" --root "$WORK/mem" run --bundle "$WORK/b" -d dur-mem2
	[ "$status" -eq 0 ]
	run "$VPS" --root "$WORK/mem" state dur-mem2
	[ "$status" -eq 0 ]
	[[ "$output" == *'"id": "dur-mem2"'* ]]
	"$VPS" --root "$WORK/mem" delete --force dur-mem2
}

# delete removes .lock last and a later lock never recreates it, so a waiter
# cannot go on with a container being deleted (or make delete's rmdir fail)
@test "an interrupted delete's leftover dir (no .lock, no state.json) is gone at the next lock" {
	mkdir -m 700 "$ROOT/dur-ghost"
	run "$VPS" --root "$ROOT" kill dur-ghost KILL
	[ "$status" -ne 0 ]
	[[ "$output" == *'container "dur-ghost" does not exist'* ]]
	[ ! -e "$ROOT/dur-ghost" ]
}

@test "a state dir with state.json but no .lock (an older vps) still locks and deletes" {
	"$VPS" --root "$ROOT" create --bundle "$WORK/b" dur-old
	rm "$ROOT/dur-old/.lock"
	run "$VPS" --root "$ROOT" delete --force dur-old
	[ "$status" -eq 0 ]
	[ ! -e "$ROOT/dur-old" ]
}

@test "delete removes the whole state dir, .lock included" {
	"$VPS" --root "$ROOT" create --bundle "$WORK/b" dur-del
	[ -e "$ROOT/dur-del/.lock" ]
	strace -f -qq -e trace=unlinkat -o "$WORK/strace.del" "$VPS" --root "$ROOT" delete dur-del
	[ ! -e "$ROOT/dur-del" ]
	# .lock is the last entry unlinked before the directory itself
	last=$(grep -E 'unlinkat\(' "$WORK/strace.del" | grep -v AT_REMOVEDIR | tail -n 1)
	[[ "$last" == *'".lock"'* ]] || { echo "last unlink: $last"; false; }
}
