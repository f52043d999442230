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
