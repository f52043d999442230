#!/usr/bin/env bash
# timeout: 900
# Real clients of `vps checkpoint` / `vps restore`: podman container
# checkpoint/restore (in place, --leave-running, --export/--import into a new
# container) with `podman --runtime vps`, and containerd 1.6's ctr
# (`ctr task checkpoint`, `ctr container restore`-less flow) where it drives a
# custom runc binary. Harness style: one PASS/FAIL line per case, the last line
# "N passed, M failed". Private storage and state under one /tmp dir, removed at
# the end; podman and criu are found as the engines need them: criu on PATH is
# the working criu (tests/tools/criu-private.sh) through a directory that holds
# only a `criu` link. Run it under the shared lock (it starts an engine).
set -u -o pipefail
export LC_ALL=C
top=$(cd "$(dirname "$0")/../.." && pwd)
VPS=$(readlink -f "${VPS:-$top/vps}")
TMO=${TMO:-60}
W=$(mktemp -d /tmp/vps-ckp.XXXXXX)
passed=0 failed=0
pass() { echo "PASS $1"; passed=$((passed + 1)); }
fail() { echo "FAIL $1: $2"; failed=$((failed + 1)); }
finish() {
	echo "$passed passed, $failed failed"
	[ "$failed" = 0 ]
	exit
}

criu=$(bash "$top/tests/tools/criu-private.sh" "${CRIU_PREFIX:-/var/cache/vps/criu-trixie}" 2>"$W/criu.err") || {
	fail setup "no working criu: $(tail -3 "$W/criu.err")"
	rm -rf "$W"
	finish
}
mkdir -p "$W/bin"
ln -s "$criu" "$W/bin/criu"
export PATH="$W/bin:$PATH"

# ---- podman, private store (vfs: no overlay mounts to clean) ----
export CONTAINERS_CONF=$W/containers.conf CONTAINERS_STORAGE_CONF=$W/storage.conf TMPDIR=$W/tmp
mkdir -p "$W/tmp" "$W/networks" "$W/rootfs/bin" "$W/rootfs/tmp" "$W/rootfs/etc"
# spec rlimits must not exceed what the runtime inherits (podman caps its own
# RLIMIT_NPROC at 32768) or setrlimit fails with EPERM
NOFILE=$(ulimit -Hn) NPROC=$(ulimit -Hu)
[ "$NOFILE" = unlimited ] && NOFILE=1048576
{ [ "$NPROC" = unlimited ] || [ "$NPROC" -gt 32768 ]; } && NPROC=32768
cat >"$CONTAINERS_CONF" <<EOF
[containers]
netns = "none"
default_ulimits = ["nofile=$NOFILE:$NOFILE", "nproc=$NPROC:$NPROC"]
log_driver = "k8s-file"
[engine]
cgroup_manager = "cgroupfs"
events_logger = "file"
events_logfile_path = "$W/events.log"
[network]
network_config_dir = "$W/networks"
EOF
cat >"$CONTAINERS_STORAGE_CONF" <<EOF
[storage]
driver = "vfs"
runroot = "$W/run"
graphroot = "$W/storage"
EOF
P=(podman --root "$W/storage" --runroot "$W/run" --tmpdir "$W/libpod" --storage-driver vfs
	--cgroup-manager cgroupfs --events-backend file --runtime "$VPS")
p() { timeout -k 10 "$TMO" "${P[@]}" "$@"; }
cleanup() {
	local c
	ctr_cleanup
	for c in $(p ps -aq 2>/dev/null); do p rm -f "$c" >/dev/null 2>&1; done
	for c in $(ls "$W/run/runc" 2>/dev/null); do "$VPS" --root "$W/run/runc" delete -f "$c" >/dev/null 2>&1; done
	grep -o " $W[^ ]*" /proc/self/mounts | sort -r | while read -r m; do umount -l "$m"; done
	rm -rf "$W"
}
trap cleanup EXIT

cp /bin/busybox "$W/rootfs/bin/busybox"
for a in sh cat sleep echo ls; do ln -s busybox "$W/rootfs/bin/$a"; done
chmod 1777 "$W/rootfs/tmp"
echo 'root:x:0:0:root:/root:/bin/sh' >"$W/rootfs/etc/passwd"
tar -C "$W/rootfs" -cf "$W/rootfs.tar" .
IMG=localhost/ckp-busybox:latest
if ! out=$(p import --change 'CMD ["/bin/sh"]' "$W/rootfs.tar" "$IMG" 2>&1); then
	fail setup "podman import: $out"
	finish
fi

# the counter writes 1, 2, ... to /tmp/count every 0.05 s from a child of the
# init whose pid inside is in /tmp/childpid
COUNTER='sh -c '"'"'i=0; echo $$ >/tmp/childpid; while :; do i=$((i+1)); echo $i >/tmp/count; sleep 0.05; done'"'"' & wait'
count() { p exec "$1" cat /tmp/count 2>/dev/null; }
state() { p inspect -f '{{.State.Status}}' "$1" 2>/dev/null; }
# wait_count NAME N
wait_count() {
	local i c
	for i in $(seq 100); do
		c=$(count "$1")
		[ -n "$c" ] && [ "$c" -ge "$2" ] && return 0
		sleep 0.1
	done
	return 1
}
# continues NAME BEFORE: the counter runs past BEFORE (a restarted one would be low)
continues() {
	local c
	sleep 0.5
	c=$(count "$1")
	[ -n "$c" ] && [ "$c" -gt "$2" ]
}
start() { p run -d --name "$1" "$IMG" sh -c "$COUNTER" >/dev/null && wait_count "$1" 20; }

case_podman_inplace() {
	local n=ck-in c0 pid_in out
	start $n || return 1
	pid_in=$(p exec $n cat /tmp/childpid)
	out=$(p container checkpoint $n 2>&1) || { echo "checkpoint: $out"; return 1; }
	[ "$(state $n)" = exited ] || { echo "state after checkpoint: $(state $n)"; return 1; }
	c0=$(cat "$(p inspect -f '{{.GraphDriver.Data.UpperDir}}' $n 2>/dev/null)/tmp/count" 2>/dev/null)
	out=$(p container restore $n 2>&1) || { echo "restore: $out"; return 1; }
	[ "$(state $n)" = running ] || { echo "state after restore: $(state $n)"; return 1; }
	continues $n "${c0:-20}" || { echo "counter did not continue past ${c0:-20}"; return 1; }
	[ "$(p exec $n sh -c 'cat /proc/$(cat /tmp/childpid)/status' | awk '/^Pid:/ {print $2}')" = "$pid_in" ] ||
		{ echo "the counter's pid inside changed"; return 1; }
	p rm -f $n >/dev/null
}

case_podman_leave_running() {
	local n=ck-lr pid c0 out
	start $n || return 1
	pid=$(p inspect -f '{{.State.Pid}}' $n)
	out=$(p container checkpoint --leave-running $n 2>&1) || { echo "checkpoint: $out"; return 1; }
	[ "$(state $n)" = running ] || { echo "state: $(state $n)"; return 1; }
	[ "$(p inspect -f '{{.State.Pid}}' $n)" = "$pid" ] || { echo "pid changed"; return 1; }
	c0=$(count $n)
	continues $n "$c0" || { echo "counter stopped"; return 1; }
	p rm -f $n >/dev/null
}

case_podman_export_import() {
	local n=ck-ex c0 out
	start $n || return 1
	out=$(p container checkpoint --export "$W/ck.tar.gz" $n 2>&1) || { echo "checkpoint --export: $out"; return 1; }
	[ -s "$W/ck.tar.gz" ] || { echo "no tarball"; return 1; }
	# podman compresses with zstd by default: tar finds out on reading
	# (listed to a file: grep -q ending the pipe early would fail it under pipefail)
	tar -tf "$W/ck.tar.gz" >"$W/ck.list" || { echo "tar -tf: cannot list the export"; return 1; }
	grep -q 'checkpoint/inventory.img' "$W/ck.list" || { echo "tarball lacks the images: $(head -5 "$W/ck.list" | tr '\n' ' ')"; return 1; }
	c0=20
	p rm -f $n >/dev/null
	out=$(p container restore --import "$W/ck.tar.gz" --name ck-im 2>&1) || { echo "restore --import: $out"; return 1; }
	[ "$(state ck-im)" = running ] || { echo "state: $(state ck-im)"; return 1; }
	continues ck-im "$c0" || { echo "counter did not continue"; return 1; }
	p rm -f ck-im >/dev/null
}

# ---- containerd 1.6 + ctr: `ctr container checkpoint --task` makes a
# checkpoint image (the shim runs `vps checkpoint`), `ctr container restore
# --live` makes the container and its task from it (`vps restore`) ----
CTRD_PID=
ctr_setup() {
	local d=$W/oci ld ls cd cs md ms
	mkdir -p "$d/blobs/sha256" "$W/ctrd" || return 1
	tar -C "$W/rootfs" --numeric-owner -cf "$d/layer.tar" . || return 1
	ld=$(sha256sum "$d/layer.tar" | cut -d' ' -f1) ls=$(stat -c %s "$d/layer.tar")
	mv "$d/layer.tar" "$d/blobs/sha256/$ld"
	printf '{"architecture":"amd64","os":"linux","config":{"Env":["PATH=/bin"],"Cmd":["/bin/sh"]},"rootfs":{"type":"layers","diff_ids":["sha256:%s"]}}' "$ld" >"$d/cfg"
	cd=$(sha256sum "$d/cfg" | cut -d' ' -f1) cs=$(stat -c %s "$d/cfg")
	mv "$d/cfg" "$d/blobs/sha256/$cd"
	printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:%s","size":%s},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":"sha256:%s","size":%s}]}' "$cd" "$cs" "$ld" "$ls" >"$d/man"
	md=$(sha256sum "$d/man" | cut -d' ' -f1) ms=$(stat -c %s "$d/man")
	mv "$d/man" "$d/blobs/sha256/$md"
	printf '{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:%s","size":%s,"platform":{"architecture":"amd64","os":"linux"},"annotations":{"io.containerd.image.name":"%s","org.opencontainers.image.ref.name":"latest"}}]}' "$md" "$ms" "$IMG" >"$d/index.json"
	printf '{"imageLayoutVersion":"1.0.0"}' >"$d/oci-layout"
	tar -C "$d" -cf "$W/image.tar" oci-layout index.json blobs || return 1
	cat >"$W/ctrd/config.toml" <<EOF
version = 2
root = "$W/ctrd/root"
state = "$W/ctrd/state"
disabled_plugins = ["io.containerd.grpc.v1.cri", "io.containerd.snapshotter.v1.btrfs",
  "io.containerd.snapshotter.v1.zfs", "io.containerd.snapshotter.v1.devmapper",
  "io.containerd.snapshotter.v1.aufs", "io.containerd.tracing.processor.v1.otlp",
  "io.containerd.internal.v1.tracing"]
[grpc]
  address = "$W/ctrd/c.sock"
[ttrpc]
  address = "$W/ctrd/c.sock.ttrpc"
[plugins."io.containerd.monitor.v1.cgroups"]
  no_prometheus = true
EOF
	containerd --config "$W/ctrd/config.toml" >"$W/ctrd/log" 2>&1 </dev/null &
	CTRD_PID=$!
	local i
	for i in $(seq 100); do c version >/dev/null 2>&1 && break; sleep 0.2; done
	c images import --snapshotter native "$W/image.tar" >/dev/null
}
c() { timeout -k 10 "$TMO" ctr --address "$W/ctrd/c.sock" --namespace vpsck "$@"; }
ctr_count() { c task exec --exec-id "n$RANDOM" "$1" cat /tmp/count 2>/dev/null; }

case_ctr() {
	local n=ck-ctr c0 c1 out i
	ctr_setup || { echo "containerd setup: $(tail -3 "$W/ctrd/log" 2>/dev/null)"; return 1; }
	out=$(c run -d --null-io --snapshotter native --runc-binary "$VPS" --runc-root "$W/ctrd/rt" \
		"$IMG" $n sh -c "$COUNTER" 2>&1) || { echo "ctr run: $out"; return 1; }
	for i in $(seq 100); do
		c0=$(ctr_count $n)
		[ -n "$c0" ] && [ "$c0" -ge 20 ] && break
		sleep 0.1
	done
	out=$(c container checkpoint --task $n vpsck/$n:ck 2>&1) || { echo "ctr container checkpoint: $out"; return 1; }
	c task kill -s KILL $n >/dev/null 2>&1
	for i in $(seq 50); do c task delete $n >/dev/null 2>&1 && break; sleep 0.1; done
	c container delete $n >/dev/null 2>&1
	out=$(c container restore --live $n vpsck/$n:ck 2>&1) || { echo "ctr container restore --live: $out"; return 1; }
	out=$(c task ls 2>&1)
	[[ "$out" == *"$n"*RUNNING* ]] || { echo "task after restore: $out"; return 1; }
	sleep 0.5
	c1=$(ctr_count $n)
	[ -n "$c1" ] && [ "$c1" -gt "${c0:-0}" ] || { echo "counter: before ${c0:-?}, after ${c1:-?}"; return 1; }
	c task kill -s KILL $n >/dev/null 2>&1
	for i in $(seq 50); do c task delete $n >/dev/null 2>&1 && break; sleep 0.1; done
	c container delete $n >/dev/null 2>&1
}
ctr_cleanup() {
	local t
	[ -n "$CTRD_PID" ] || return 0
	for t in $(c task ls -q 2>/dev/null); do c task kill -s KILL "$t"; c task delete -f "$t"; done >/dev/null 2>&1
	for t in $(c container ls -q 2>/dev/null); do c container delete "$t"; done >/dev/null 2>&1
	kill "$CTRD_PID" 2>/dev/null
	wait "$CTRD_PID" 2>/dev/null
}

for c in podman_inplace podman_leave_running podman_export_import ctr; do
	# in this shell, not $(...): containerd's pid must reach the cleanup
	case_$c >"$W/case.out" 2>&1
	rc=$?
	out=$(cat "$W/case.out")
	case $rc in
	0) pass "$c" ;;
	2) echo "SKIP $c: $(echo "$out" | grep -v '^+' | tail -1)" ;;
	*) fail "$c" "$(echo "$out" | tail -3 | tr '\n' ' ')" ;;
	esac
	p rm -fa >/dev/null 2>&1
done
finish
