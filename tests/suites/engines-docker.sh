#!/usr/bin/env bash
# timeout: 1500
# docker as the third engine (issue 20): Debian's dockerd (docker.io 20.10, with
# its own managed containerd and containerd-shim-runc-v2) started privately by
# this suite, driving an OCI runtime through `--add-runtime`, one PASS/FAIL line
# per case and last "N passed, M failed" (the form of the shared podman and
# containerd harnesses).
#
# The daemon is ours alone: own --data-root, --exec-root, --pidfile, -H unix
# socket and --config-file under $W, --cgroup-parent /vpsd-PID, and networking
# that leaves the host as it was: --bridge none, --iptables=false,
# --ip-forward=false, --ip-masq=false (no docker0, no firewall rule, no
# sysctl). The bridge and -p cases use a private user-defined bridge network
# (its link vpsdPID and route go when the network is removed; -p is served by
# docker-proxy on 127.0.0.1). Everything runs in a private mount namespace. The
# image is made offline: `docker import` of a busybox-static rootfs.
#
# Env knobs:
#   RUNTIME=vps|runc|PATH  the runtime under test (default vps: $VPS or ./vps;
#                          runc: Debian's runc, the reference)
#   CASES=REGEX            run only the cases whose name matches
#   CGROUP_DRIVER=cgroupfs dockerd's native.cgroupdriver; systemd (docker's default
#                          on a systemd host, used by tests/suites/stock-host.sh)
#                          makes the --cgroup-parent the slice vpsd-PID.slice
#   TMO=60                 timeout (s) of each docker command
#   DEADLINE=1200          budget (s) for the suite: later cases FAIL at once
#   KEEP=1                 keep the work dir (data root; the suite's and dockerd's
#                          logs are kept anyway in build/test-logs/engines-docker-RUNTIME.*)
# Needs root, docker.io (mk/packages/engines.list), busybox-static, util-linux.
set -u -o pipefail
export LC_ALL=C
TOP=${VPS_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
SELF=$(readlink -f "$0")

setup_fail() { echo "FAIL setup: $*"; echo "0 passed, 1 failed"; exit 2; }
[ "$(id -u)" = 0 ] || setup_fail "must run as root"
# a private mount namespace (same pid: exec): dockerd's overlay and netns mounts stay ours
if [ -z "${_VPSD_INNER:-}" ]; then
	export _VPSD_INNER=1
	exec unshare --mount --propagation private -- bash "$SELF" "$@"
fi

case ${RUNTIME:-vps} in
vps) RT_PATH=${VPS:-$TOP/vps} RT_NAME=vps ;;
runc) RT_PATH=$(command -v runc) RT_NAME=runc ;;
*) RT_PATH=$RUNTIME RT_NAME=$(basename "$RUNTIME") ;;
esac
[ -x "$RT_PATH" ] || setup_fail "runtime $RT_PATH is not executable (make; or RUNTIME=runc)"
RT_PATH=$(readlink -f "$RT_PATH")
for c in /usr/sbin/dockerd /usr/bin/docker containerd containerd-shim-runc-v2 docker-proxy docker-init; do
	command -v "$c" >/dev/null || setup_fail "$c missing (apt-get install docker.io)"
done
command -v script >/dev/null || setup_fail "script missing (apt-get install bsdutils)"
BUSYBOX=$(command -v busybox) || setup_fail "busybox missing (apt-get install busybox-static)"

TMO=${TMO:-60}
DEADLINE=${DEADLINE:-1200}
T0=$SECONDS
W=$(mktemp -d /tmp/vpsd.XXXXXX) # short: containerd's socket path must fit 108 bytes
X=$W/x                          # --exec-root
RTROOT=$X/runtime-runc/moby     # the --root docker 20.10 gives every runtime
SOCK=$W/docker.sock
CGP=vpsd-$$                     # --cgroup-parent
CGDRV=${CGROUP_DRIVER:-cgroupfs}
case $CGDRV in
cgroupfs) CGP_OPT=/$CGP ;;
systemd) CGP=vpsd$$.slice CGP_OPT=$CGP ;; # systemd: a slice name (its cgroup: /vpsdPID.slice)
*) setup_fail "CGROUP_DRIVER=$CGDRV: expected cgroupfs or systemd" ;;
esac
BR=vpsd$$                       # the private bridge's link
NET=vpsdnet
IMG=vpsbusybox:1
LOG=$W/suite.log
mkdir -p "$TOP/build/test-logs" 2>/dev/null
KEPT=$TOP/build/test-logs/engines-docker-$RT_NAME # the logs kept after the run
DPID="" RUN_DOCKER_WAS=1
export DOCKER_HOST=unix://$SOCK DOCKER_CONFIG=$W/cli
log() { printf '%s\n' "$*" >>"$LOG"; }
short() { printf '%s' "$1" | tr '\n\r' '  ' | cut -c1-"${2:-200}"; }

# ---------------------------------------------------------------- results
N_PASS=0 N_FAIL=0 N_SKIP=0 CASE="" CASE_ERR="" CASE_SKIP=""
bad() { [ -n "$CASE_ERR" ] || CASE_ERR="$*"; log "  !! $*"; }
# skip WHY: this host cannot run the case (for any runtime); SKIP, in neither total
skip() { CASE_SKIP="$*"; log "  -- skip: $*"; }
OUT="" ERR="" RC=0
# x CMD...: run CMD with stdin /dev/null, set OUT ERR RC; xi INPUT CMD...: INPUT on stdin
_x() {
	local in=$1; shift
	log "\$ $*"
	if [ "$in" = - ]; then "$@" >"$W/out" 2>"$W/err" </dev/null; else printf '%s' "$in" | "$@" >"$W/out" 2>"$W/err"; fi
	RC=$?
	OUT=$(cat "$W/out") ERR=$(cat "$W/err")
	log "$(head -c 3000 "$W/out" | sed 's/^/  > /')"
	log "$(head -c 3000 "$W/err" | sed 's/^/  2> /')  rc=$RC"
}
x() { _x - "$@"; }
xi() { _x "$@"; }
want_rc() { [ "$RC" = "$1" ] || bad "${2:-cmd}: want rc $1, got $RC ($(short "$ERR$OUT"))"; }
want_out() { [ "$OUT" = "$1" ] || bad "${2:-cmd}: want '$1', got '$(short "$OUT")' rc=$RC $(short "$ERR" 150)"; }
want_grep() { grep -qE -- "$1" <<<"$OUT" || bad "${2:-cmd}: output lacks /$1/: '$(short "$OUT")' rc=$RC $(short "$ERR" 150)"; }
want_errgrep() { grep -qE -- "$1" <<<"$ERR$OUT" || bad "${2:-cmd}: lacks /$1/: '$(short "$ERR$OUT")' rc=$RC"; }
failed() { [ "$RC" != 0 ] || bad "$1: succeeded but must fail"; }

d() { timeout -k 10 "$TMO" /usr/bin/docker "$@"; }
# one shell-quoted command line for script(1), which runs it with $SHELL (bash execs it)
d_str() { local s="timeout -k 10 $TMO /usr/bin/docker" a; for a in "$@"; do s+=" $(printf '%q' "$a")"; done; printf '%s' "$s"; }
pty() { SHELL=/bin/bash timeout -k 5 $((TMO + 15)) script -qec "$1" /dev/null | tr -d '\r'; }
insp() { d inspect -f "$1" "$2" 2>/dev/null; }
poll() { # poll SECONDS CMD...: until CMD succeeds
	local end=$((SECONDS + $1)); shift
	until "$@" >/dev/null 2>&1; do [ $SECONDS -ge $end ] && return 1; sleep 0.2; done
}
logs_have() { d logs "$1" 2>&1 | grep -q -- "$2"; }
is_state() { [ "$(insp '{{.State.Status}}' "$1")" = "$2" ]; }
# the runtime's own view of a container (docker 20.10 gives every runc-like runtime --root RTROOT)
rt_state() { timeout -k 5 20 "$RT_PATH" --root "$RTROOT" state "$1"; }
host_ns() { readlink "/proc/$1/ns/$2" 2>/dev/null; }

# ---------------------------------------------------------------- cleanup
cgdirs() { # every cgroup directory under our --cgroup-parent, in every hierarchy
	local m
	for m in $(awk '$9 == "cgroup" || $9 == "cgroup2" {print $5}' /proc/self/mountinfo | sort -u); do
		[ -d "$m/$CGP" ] && find "$m/$CGP" -mindepth 1 -type d
	done
}
cleanup() {
	local rc=$? pid i m
	trap - EXIT INT TERM
	{
		echo "=== cleanup"
		if [ -n "$DPID" ] && kill -0 "$DPID" 2>/dev/null; then
			timeout -k 5 60 /usr/bin/docker rm -f $(timeout 20 /usr/bin/docker ps -aq) 2>&1
			timeout -k 5 30 /usr/bin/docker network rm "$NET" 2>&1
			kill -TERM "$DPID"
			for i in $(seq 100); do kill -0 "$DPID" 2>/dev/null || break; sleep 0.2; done
			kill -0 "$DPID" 2>/dev/null && { echo "dockerd $DPID ignored SIGTERM: SIGKILL"; kill -KILL "$DPID"; }
		fi
		# what outlived the daemon (its containerd, shims: their command lines
		# name our work dir); by pid, never by name
		for pid in $(grep -lsF -- "$W/" /proc/[0-9]*/cmdline | cut -d/ -f3); do
			[ "$pid" = $$ ] && continue
			echo "killing leftover pid $pid: $(tr '\0' ' ' <"/proc/$pid/cmdline" | cut -c1-200)"
			kill -KILL "$pid" 2>/dev/null
		done
		ip link del "$BR" 2>/dev/null && echo "removed leftover bridge $BR"
		# dockerd makes /run/docker/plugins whatever its exec root
		[ "$RUN_DOCKER_WAS" = 0 ] && rmdir /run/docker/plugins /run/docker 2>/dev/null
		for m in $(awk -v w="$W/" 'index($5, w) == 1 {print $5}' /proc/self/mountinfo | sort -r); do
			umount -l "$m"
		done
		for m in $(awk '$9 == "cgroup" || $9 == "cgroup2" {print $5}' /proc/self/mountinfo | sort -u); do
			[ -d "$m/$CGP" ] && find "$m/$CGP" -depth -type d -exec rmdir {} \; 2>/dev/null
		done
	} >>"$LOG" 2>&1
	if [ "${KEEP:-0}" = 1 ]; then echo "# kept $W"; else
		cp "$LOG" "$KEPT.log" 2>/dev/null
		cp "$W/dockerd.log" "$KEPT.dockerd.log" 2>/dev/null
		rm -rf --one-file-system "$W"
	fi
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---------------------------------------------------------------- rootfs and daemon
R=$W/rootfs
mkdir -p "$R"/{bin,etc,tmp,proc,sys,dev,root,data,mnt,www,usr/local/bin} || setup_fail "mkdir $R"
cp "$BUSYBOX" "$R/bin/busybox" && chroot "$R" /bin/busybox --install -s /bin || setup_fail "busybox --install (is $BUSYBOX static?)"
chmod 1777 "$R/tmp"
printf '%s\n' 'root:x:0:0:root:/root:/bin/sh' 'app:x:1000:1000:app:/tmp:/bin/sh' >"$R/etc/passwd"
printf '%s\n' 'root:x:0:' 'app:x:1000:' 'extra:x:2000:app' >"$R/etc/group"
echo hello-from-ctr >"$R/www/index.html"
# cg KEY: a cgroup value of this container on v1 or v2 (cpu.max split in two);
# cg -p KEY: the file's path
cat >"$R/usr/local/bin/cg" <<'EOF'
#!/bin/sh
p=0; [ "$1" = -p ] && { p=1; shift; }
c=/sys/fs/cgroup
if [ -f $c/cgroup.controllers ]; then
	case $1 in
	memory) f=memory.max ;; memsw) f=memory.swap.max ;; pids) f=pids.max ;; pids.current) f=pids.current ;;
	quota | period) f=cpu.max ;; shares) f=cpu.weight ;; cpuset) f=cpuset.cpus ;; esac
else
	case $1 in
	memory) f=memory/memory.limit_in_bytes ;; memsw) f=memory/memory.memsw.limit_in_bytes ;;
	pids) f=pids/pids.max ;; pids.current) f=pids/pids.current ;; quota) f=cpu/cpu.cfs_quota_us ;;
	period) f=cpu/cpu.cfs_period_us ;; shares) f=cpu/cpu.shares ;; cpuset) f=cpuset/cpuset.cpus ;; esac
fi
[ -n "$f" ] || { echo "cg: unknown key $1" >&2; exit 2; }
[ $p = 1 ] && { echo $c/$f; exit 0; }
read -r a b <$c/$f || exit 1
if [ "$f" = cpu.max ] && [ "$1" = period ]; then echo "$b"; else echo "$a"; fi
EOF
chmod 755 "$R/usr/local/bin/cg"

if grep -qw overlay /proc/filesystems; then DRIVER=overlay2; else DRIVER=vfs; fi
# (docker 20.10 writes a trust key to /etc/docker/key.json unless told otherwise)
printf '{"deprecated-key-path": "%s"}\n' "$W/key.json" >"$W/daemon.json"
[ -e /run/docker ] && RUN_DOCKER_WAS=1 || RUN_DOCKER_WAS=0
mkdir -p "$DOCKER_CONFIG"
/usr/sbin/dockerd --config-file "$W/daemon.json" --data-root "$W/data" --exec-root "$X" \
	--pidfile "$W/dockerd.pid" -H "unix://$SOCK" --add-runtime "vps=$RT_PATH" \
	--default-runtime "$RT_NAME" --storage-driver "$DRIVER" --cgroup-parent "$CGP_OPT" \
	--exec-opt "native.cgroupdriver=$CGDRV" --bridge none --iptables=false --ip6tables=false \
	--ip-forward=false --ip-masq=false --userland-proxy=true --log-level info \
	>"$W/dockerd.log" 2>&1 </dev/null &
DPID=$!
poll 60 /usr/bin/docker version || setup_fail "dockerd did not answer on $SOCK within 60s: $(tail -n 5 "$W/dockerd.log" | tr '\n' ' ')"
[ "$RT_NAME" = runc ] || [ "$RT_NAME" = vps ] ||
	setup_fail "RUNTIME basename must be vps or runc (docker's runtime name), got $RT_NAME"
tar -C "$R" --numeric-owner -cf "$W/rootfs.tar" . || setup_fail "tar $R"
x d import --change 'CMD ["/bin/sh"]' --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
	"$W/rootfs.tar" "$IMG"
[ "$RC" = 0 ] || setup_fail "docker import: $(short "$ERR")"
echo "# docker $(/usr/bin/docker version -f '{{.Server.Version}}' 2>/dev/null) runtime=$RT_NAME ($RT_PATH) driver=$DRIVER cgroupdriver=$CGDRV cgroups=$(stat -fc %T /sys/fs/cgroup) work=$W"
# the host as it was before any case: links, firewall, forwarding, shim sockets, /etc/docker
host_view() {
	ip -o link show | awk -F': ' '{print "link " $2}'
	echo "ip_forward $(cat /proc/sys/net/ipv4/ip_forward)"
	command -v iptables-save >/dev/null && iptables-save 2>/dev/null | grep -v '^#' | sed 's/\[[0-9:]*\]//' | sed 's/^/iptables /'
	ls /run/containerd/s 2>/dev/null | sed 's/^/shim-socket /'
	ls /etc/docker 2>/dev/null | sed 's|^|/etc/docker/|'
}
host_view | sort >"$W/host-before"
date +%s >"$W/t-start"

case_cleanup() {
	local ids; ids=$(d ps -aq)
	[ -z "$ids" ] || d rm -f $ids >>"$LOG" 2>&1
}

# ================================================================= cases
CASE_LIST=()
def() { CASE_LIST+=("$1"); }

def run-true; c_run_true() { x d run --rm "$IMG" true; want_rc 0; }
def exit-code; c_exit_code() {
	x d run --rm "$IMG" sh -c 'exit 42'; want_rc 42 "exit 42"
	x d run --rm "$IMG" false; want_rc 1 false
}
def exit-missing-cmd; c_exit_missing_cmd() {
	x d run --rm "$IMG" /does/not/exist; want_rc 127
	want_errgrep 'does/not/exist' "the runtime's error names the path"
}
def output; c_output() {
	x d run --rm "$IMG" sh -c 'echo to-out; echo to-err >&2'; want_rc 0; want_out to-out
	grep -q to-err <<<"$ERR" || bad "stderr lacks to-err"
	x d run --rm "$IMG" seq 1 50000; [ "$(wc -l <<<"$OUT")" = 50000 ] || bad "seq 50000: got $(wc -l <<<"$OUT") lines"
}
def stdin-pipe; c_stdin_pipe() {
	xi $'abc\ndef\n' d run -i --rm "$IMG" cat; want_rc 0; want_out $'abc\ndef'
}
def tty; c_tty() {
	OUT=$(pty "$(d_str run --rm -t "$IMG" sh -c 'tty; [ -t 0 ] && [ -t 1 ] && echo IS-A-TTY')"); log "$OUT"
	want_grep '^/dev/pts/[0-9]+$'; want_grep '^IS-A-TTY$'
	pty "$(d_str run --rm -t "$IMG" sh -c 'exit 3')" >/dev/null; RC=${PIPESTATUS[0]}
	want_rc 3 "-t exit code through the pty"
}
def tty-stdin; c_tty_stdin() {
	OUT=$( (sleep 2; printf 'echo typed-$((6*7))\n'; sleep 1; printf 'exit 5\n') |
		SHELL=/bin/bash timeout -k 5 $((TMO + 15)) script -qec "$(d_str run --rm -it "$IMG" sh)" /dev/null | tr -d '\r'); log "$OUT"
	want_grep 'typed-42' "-it: typed line ran"
}
def detached; c_detached() {
	x d run -d --name dl "$IMG" sleep 1000; want_rc 0 "run -d"
	local id=$OUT pid; pid=$(insp '{{.State.Pid}}' dl)
	[ -n "$pid" ] && [ "$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null)" = "sleep 1000 " ] || bad "State.Pid $pid is not 'sleep 1000'"
	x rt_state "$id"; want_rc 0 "runtime state"; want_grep '"status": *"running"'
	x d stop -t 1 dl; want_rc 0 stop
	is_state dl exited || bad "not exited after stop"
	x d rm dl; want_rc 0 rm
	x rt_state "$id"; failed "runtime state after rm"
}
def logs; c_logs() {
	x d run -d --name lg "$IMG" sh -c 'echo line1; echo line2 >&2; echo line3'; want_rc 0
	x d wait lg; want_out 0 wait
	x d logs lg
	[ "$(printf '%s\n%s' "$OUT" "$ERR" | grep -c '^line[123]$')" = 3 ] || bad "logs: $(short "$OUT $ERR")"
}
def wait-exit-code; c_wait_exit_code() {
	x d run -d --name we "$IMG" sh -c 'sleep 0.3; exit 5'; want_rc 0
	x d wait we; want_out 5 wait
	[ "$(insp '{{.State.ExitCode}}' we)" = 5 ] || bad "State.ExitCode"
}
def stop-sigterm; c_stop_sigterm() {
	x d run -d --name st "$IMG" sh -c 'trap "echo got-term; exit 0" TERM; echo ready; while :; do sleep 0.1; done'
	poll 15 logs_have st ready || bad "never ready"
	local t=$SECONDS
	x d stop -t 20 st; want_rc 0 stop
	[ $((SECONDS - t)) -lt 15 ] || bad "stop took $((SECONDS - t))s: SIGTERM not delivered?"
	[ "$(insp '{{.State.ExitCode}}' st)" = 0 ] || bad "exit code after the TERM trap"
	logs_have st got-term || bad "no got-term in logs"
}
def stop-sigkill; c_stop_sigkill() {
	# pid 1 without a TERM handler ignores SIGTERM: stop escalates to SIGKILL
	x d run -d --name sk "$IMG" sleep 1000; want_rc 0
	x d stop -t 1 sk; want_rc 0 stop
	[ "$(insp '{{.State.ExitCode}}' sk)" = 137 ] || bad "exit code $(insp '{{.State.ExitCode}}' sk), want 137"
}
def kill-signal; c_kill_signal() {
	x d run -d --name ks "$IMG" sh -c 'trap "echo got-usr1" USR1; echo ready; while :; do sleep 0.1; done'
	poll 15 logs_have ks ready || bad "never ready"
	x d kill -s USR1 ks; want_rc 0 "kill USR1"
	poll 10 logs_have ks got-usr1 || bad "USR1 not delivered"
	is_state ks running || bad "not running after USR1"
	x d kill ks; want_rc 0 kill
	x d wait ks; want_out 137 "exit code after SIGKILL"
}
def exec-basic; c_exec_basic() {
	x d run -d --name ex "$IMG" sleep 1000; want_rc 0
	x d exec ex echo hi; want_out hi exec
	x d exec ex sh -c 'exit 7'; want_rc 7 "exec exit code"
	x d exec ex ps -o pid,args; want_grep '^ *1 +sleep 1000' "exec shares the pid ns"
	x d exec ex /does/not/exist; failed "exec of a missing binary"
}
def exec-options; c_exec_options() {
	x d run -d --name exo "$IMG" sleep 1000; want_rc 0
	x d exec -u 1000:1001 exo id; want_grep '^uid=1000(\(app\))? gid=1001' "exec -u"
	x d exec -u app exo sh -c 'id -un; echo $HOME'; want_out $'app\n/tmp' "exec -u NAME: user and its HOME"
	x d exec -w /tmp exo pwd; want_out /tmp "exec -w"
	x d exec -e FOO=bar exo sh -c 'echo $FOO'; want_out bar "exec -e"
	xi $'piped-in\n' d exec -i exo cat; want_out piped-in "exec -i"
	x d exec -d exo sleep 777; want_rc 0 "exec -d"
	poll 10 sh -c "$(d_str top exo) | grep -q 'sleep 777'" || bad "exec -d process not in docker top"
}
def exec-tty; c_exec_tty() {
	x d run -d --name ext "$IMG" sleep 1000; want_rc 0
	OUT=$(pty "$(d_str exec -t ext sh -c 'tty; [ -t 1 ] && echo IS-A-TTY')"); log "$OUT"
	want_grep '^/dev/pts/[0-9]+$'; want_grep '^IS-A-TTY$'
}
def restart-cmd; c_restart_cmd() {
	x d run -d --name rs "$IMG" sleep 1000; want_rc 0
	local p1 p2; p1=$(insp '{{.State.Pid}}' rs)
	x d restart -t 0 rs; want_rc 0 restart
	p2=$(insp '{{.State.Pid}}' rs)
	is_state rs running && [ "$p2" != "$p1" ] && [ "$p2" != 0 ] || bad "pid $p1 -> $p2 after restart"
	x d run --name rs2 "$IMG" echo started; want_out started
	x d start -a rs2; want_out started "start -a of an exited container"
}
def restart-on-failure; c_restart_on_failure() {
	x d run -d --name rp --restart on-failure:2 "$IMG" sh -c 'echo try; exit 3'; want_rc 0
	poll 40 sh -c "[ \"\$($(d_str inspect -f '{{.State.Status}} {{.RestartCount}}' rp))\" = 'exited 2' ]" ||
		bad "want 'exited 2', got '$(insp '{{.State.Status}} {{.RestartCount}}' rp)'"
	[ "$(d logs rp 2>&1 | grep -c '^try$')" = 3 ] || bad "want 3 runs in the logs"
}
def restart-always; c_restart_always() {
	x d run -d --name ra --restart always "$IMG" sleep 1000; want_rc 0
	local p1; p1=$(insp '{{.State.Pid}}' ra)
	kill -KILL "$p1"
	poll 30 sh -c "[ \"\$($(d_str inspect -f '{{.RestartCount}}' ra))\" -ge 1 ] && [ \"\$($(d_str inspect -f '{{.State.Status}}' ra))\" = running ]" ||
		bad "not restarted after its pid 1 was killed: $(insp '{{.State.Status}} {{.RestartCount}}' ra)"
	[ "$(insp '{{.State.Pid}}' ra)" != "$p1" ] || bad "same pid after restart"
}
def pause-unpause; c_pause_unpause() {
	x d run -d --name pu "$IMG" sh -c 'while :; do echo tick; sleep 0.2; done'; want_rc 0
	x d pause pu; want_rc 0 pause
	is_state pu paused || bad "state $(insp '{{.State.Status}}' pu) after pause"
	sleep 0.5
	local n1 n2; n1=$(d logs pu 2>/dev/null | wc -l); sleep 1; n2=$(d logs pu 2>/dev/null | wc -l)
	[ "$n1" = "$n2" ] || bad "printed while paused ($n1 -> $n2)"
	x d unpause pu; want_rc 0 unpause
	sleep 1; n2=$(d logs pu 2>/dev/null | wc -l)
	[ "$n2" -gt "$n1" ] || bad "no output after unpause"
	x d exec pu echo alive; want_out alive "exec after unpause"
}
def memory; c_memory() {
	x d run --rm --memory 64m "$IMG" cg memory; want_out 67108864 "--memory 64m"
	x d run --rm "$IMG" cg memory
	[ "$OUT" = max ] || [ "$OUT" -gt 1000000000000 ] 2>/dev/null || bad "default memory limit '$OUT'"
}
def memory-swap; c_memory_swap() {
	if [ ! -e "/sys/fs/cgroup/memory/memory.memsw.limit_in_bytes" ] && [ ! -e /sys/fs/cgroup/memory.swap.max ]; then
		x d run --rm --memory 64m --memory-swap 128m "$IMG" cg memory; want_out 67108864 "without swap accounting"
		return
	fi
	x d run --rm --memory 64m --memory-swap 128m "$IMG" cg memsw
	[ "$OUT" = 134217728 ] || [ "$OUT" = 67108864 ] || bad "memsw/swap.max '$OUT'"
}
def memory-oom; c_memory_oom() {
	x d run --name oom --memory 32m --memory-swap 32m "$IMG" sh -c 'head -c 200m /dev/zero | tail >/dev/null'
	want_rc 137 "200M under a 32M limit"
}
def pids-limit; c_pids_limit() {
	# the fork loop runs in a subshell (ash stops at the first failed fork); the
	# count is read with builtins only, as no fork is left
	x d run --rm --pids-limit 10 "$IMG" sh -c 'echo max=$(cg pids); f=$(cg -p pids.current)
		(for i in $(seq 20); do sleep 30 & done) 2>/dev/null; read n <$f; echo n=$n'
	want_grep '^max=10$' pids.max
	local n; n=$(sed -n 's/^n=//p' <<<"$OUT")
	[ -n "$n" ] && [ "$n" -le 10 ] || bad "pids.current '$n' under --pids-limit 10"
}
def cpus; c_cpus() {
	x d run --rm --cpus 0.5 "$IMG" sh -c 'echo $(cg quota) $(cg period)'; want_out "50000 100000" "--cpus 0.5"
	x d run --rm --cpu-shares 512 "$IMG" cg shares
	[ "$OUT" = 512 ] || [ "$OUT" = 20 ] || bad "--cpu-shares 512: '$OUT'"
}
def cpuset; c_cpuset() { x d run --rm --cpuset-cpus 0 "$IMG" cg cpuset; want_out 0; }
# docker update sends the container's whole resources, zeros for what is not
# set: each of these alone must change that value and nothing else
def update-cpus-alone; c_update_cpus_alone() {
	x d run -d --name uc "$IMG" sh -c 'head -c 8m /dev/zero >/dev/shm/f; sleep 1000'; want_rc 0
	sleep 0.5
	x d update --cpus 0.5 uc; want_rc 0 "docker update --cpus without --memory"
	x d exec uc sh -c 'echo $(cg quota) $(cg period)'; want_out "50000 100000"
	x d update --cpus 1.5 uc; want_rc 0 "second update"
	x d exec uc cg quota; want_out 150000
}
def update-pids-alone; c_update_pids_alone() {
	x d run -d --name up --memory 64m "$IMG" sleep 1000; want_rc 0
	x d update --pids-limit 33 up; want_rc 0 "update --pids-limit"
	x d exec up sh -c 'echo $(cg pids) $(cg memory)'; want_out "33 67108864" "pids changed, memory kept"
}
def update-memory-alone; c_update_memory_alone() {
	x d run -d --name um --cpus 0.5 --pids-limit 50 "$IMG" sleep 1000; want_rc 0
	x d update --memory 96m --memory-swap 96m um; want_rc 0 "update --memory"
	x d exec um sh -c 'echo $(cg memory) $(cg quota) $(cg pids)'; want_out "100663296 50000 50" "memory changed, cpu and pids kept"
	x d update --memory 128m --memory-swap 256m um; want_rc 0 "raise memory and swap"
	x d exec um cg memory; want_out 134217728
}
def read-only; c_read_only() {
	x d run --rm --read-only "$IMG" touch /x; failed "write / under --read-only"
	x d run --rm --read-only --tmpfs /tmp "$IMG" sh -c 'touch /tmp/x && echo ok'; want_out ok "--tmpfs under --read-only"
}
def bind-mount; c_bind_mount() {
	mkdir -p "$W/vol"; echo from-host >"$W/vol/in"
	x d run --rm -v "$W/vol:/data" "$IMG" sh -c 'cat /data/in; echo from-ctr >/data/out'; want_out from-host
	[ "$(cat "$W/vol/out" 2>/dev/null)" = from-ctr ] || bad "write through -v not on the host"
	x d run --rm -v "$W/vol:/data:ro" "$IMG" touch /data/x; failed ":ro bind written"
}
def volume-named; c_volume_named() {
	x d volume create vpsv; want_rc 0
	x d run --rm -v vpsv:/v "$IMG" sh -c 'echo persisted >/v/f'; want_rc 0
	x d run --rm -v vpsv:/v "$IMG" cat /v/f; want_out persisted
	d volume rm -f vpsv >/dev/null 2>&1
}
def tmpfs; c_tmpfs() {
	x d run --rm --tmpfs /scratch:size=2m "$IMG" sh -c 'df -k /scratch | awk "NR>1 {print \$2}"'; want_out 2048
}
def user; c_user() {
	x d run --rm -u 1000:1000 "$IMG" sh -c 'id -u; id -g'; want_out $'1000\n1000'
	x d run --rm -u app "$IMG" id -Gn; want_grep 'app' "-u NAME"; want_grep 'extra' "supplementary group from /etc/group"
	x d run --rm -u 1000 "$IMG" grep CapEff /proc/self/status; want_grep 'CapEff:[[:space:]]+0+$' "non-root has no caps"
}
def cap-drop; c_cap_drop() {
	x d run --rm --cap-drop ALL "$IMG" grep -E '^Cap(Eff|Prm|Bnd)' /proc/self/status
	[ "$(grep -c '0000000000000000' <<<"$OUT")" = 3 ] || bad "cap-drop ALL: $(short "$OUT")"
	x d run --rm --cap-drop CHOWN "$IMG" sh -c 'touch /tmp/f; chown 1000 /tmp/f'; failed "chown without CAP_CHOWN"
}
def cap-add; c_cap_add() {
	x d run --rm --cap-drop ALL --cap-add CHOWN --cap-add NET_BIND_SERVICE "$IMG" grep CapEff /proc/self/status
	want_grep '0000000000000401$' "CHOWN+NET_BIND_SERVICE"
	x d run --rm "$IMG" mount -t tmpfs none /mnt; failed "mount without SYS_ADMIN"
	x d run --rm --cap-add SYS_ADMIN --security-opt apparmor=unconfined "$IMG" sh -c 'mount -t tmpfs none /mnt && echo mounted'
	want_out mounted "mount with SYS_ADMIN"
}
def seccomp-default; c_seccomp_default() {
	x d run --rm "$IMG" grep Seccomp: /proc/self/status; want_grep 'Seccomp:[[:space:]]+2'
	x d run --rm --security-opt seccomp=unconfined "$IMG" grep Seccomp: /proc/self/status; want_grep 'Seccomp:[[:space:]]+0' unconfined
}
def seccomp-custom; c_seccomp_custom() {
	cat >"$W/seccomp.json" <<'EOF'
{"defaultAction": "SCMP_ACT_ALLOW",
 "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1}]}
EOF
	x d run --rm --security-opt "seccomp=$W/seccomp.json" "$IMG" sh -c 'touch /tmp/f && echo touched; mkdir /tmp/d'
	want_grep '^touched$'; failed "mkdir under the custom profile"; want_errgrep 'not permitted'
}
def no-new-privileges; c_no_new_privileges() {
	x d run --rm "$IMG" grep NoNewPrivs /proc/self/status; want_grep 'NoNewPrivs:[[:space:]]+0'
	x d run --rm --security-opt no-new-privileges "$IMG" grep NoNewPrivs /proc/self/status; want_grep 'NoNewPrivs:[[:space:]]+1'
}
def privileged; c_privileged() {
	# docker grants every capability up to cap_last_cap; a root whose bounding
	# set lacks some (this sandbox: CAP_SYS_RESOURCE) cannot give them (runc neither)
	local all=$(( (1 << ($(cat /proc/sys/kernel/cap_last_cap) + 1)) - 1 ))
	local bnd=$((0x$(awk '/^CapBnd/ {print $2}' /proc/self/status)))
	[ "$bnd" = "$all" ] || { skip "the host's bounding set $(printf %x $bnd) lacks capabilities docker --privileged grants"; return; }
	x d run --rm --privileged "$IMG" sh -c 'grep -E "^(CapEff|Seccomp):" /proc/self/status; ls /dev | wc -l'
	want_grep '^Seccomp:[[:space:]]+0$' "no seccomp"
	[ "$(tail -n1 <<<"$OUT")" -gt 20 ] 2>/dev/null || bad "privileged /dev has few devices"
}
def device; c_device() {
	x d run --rm --device /dev/null:/dev/mynull "$IMG" sh -c '[ -c /dev/mynull ] && echo x >/dev/mynull && echo ok'; want_out ok
	local mm; mm=$(mountpoint -d / 2>/dev/null)
	x d run --rm "$IMG" sh -c "mknod /dev/hd b ${mm%:*} ${mm#*:} && head -c1 /dev/hd >/dev/null && echo READ-HOST-DISK"
	! grep -q READ-HOST-DISK <<<"$OUT" || bad "the devices cgroup let the container read the host disk $mm"
}
def env-workdir-hostname; c_env_workdir_hostname() {
	x d run --rm -e FOO=bar -w /tmp --hostname myhost "$IMG" sh -c 'echo "$FOO $(pwd) $(hostname) $HOME"'
	want_out "bar /tmp myhost /root"
	x d run --rm -w /new/dir "$IMG" pwd; want_out /new/dir "-w of a missing dir is made"
}
def network-none; c_network_none() {
	x d run --rm --network none "$IMG" ls /sys/class/net; want_out lo
	x d run --rm --network none "$IMG" readlink /proc/self/ns/net
	[ "$OUT" != "$(host_ns self net)" ] || bad "--network none shares the host netns"
}
def network-host; c_network_host() {
	x d run --rm --network host "$IMG" readlink /proc/self/ns/net; want_out "$(host_ns self net)" "--network host"
}
def network-bridge; c_network_bridge() {
	x d run --rm --network "$NET" "$IMG" sh -c 'ip -4 -o addr show eth0; ip route; ping -c1 -W2 '"$GW"' >/dev/null && echo gw-ok'
	want_grep "inet ${SUBNET%.0/24}\.[0-9]+/24" "eth0 address"; want_grep "^default via $GW"; want_grep '^gw-ok$' "ping the bridge"
	x d run -d --name nb1 --network "$NET" "$IMG" sleep 1000; want_rc 0
	x d run --rm --network "$NET" "$IMG" ping -c1 -W2 nb1; want_rc 0 "reach another container by name (embedded DNS)"
}
def publish; c_publish() {
	local port=$((20000 + $$ % 20000))
	x d run -d --name pub --network "$NET" -p "127.0.0.1:$port:80" "$IMG" httpd -f -p 80 -h /www; want_rc 0
	poll 15 bash -c "exec 3<>/dev/tcp/127.0.0.1/$port && printf 'GET /index.html HTTP/1.0\r\n\r\n' >&3 && grep -q hello-from-ctr <&3" ||
		bad "no answer from 127.0.0.1:$port"
	x d port pub 80; want_grep "127.0.0.1:$port"
}
def stats-top; c_stats_top() {
	x d run -d --name ts --memory 64m "$IMG" sleep 1000; want_rc 0
	x d top ts; want_rc 0 top; want_grep 'sleep 1000'
	x d stats --no-stream --format '{{.Name}} {{.MemUsage}} {{.PIDs}}' ts; want_rc 0 stats
	want_grep '^ts [0-9.]+[kKMG]?i?B / 64MiB 1$'
}
def init; c_init() {
	x d run --rm --init "$IMG" sh -c 'cat /proc/1/comm; echo $$'
	want_grep '^(docker-init|tini)$' "pid 1 is the init"; grep -qx 1 <<<"$OUT" && bad "the shell is pid 1"
}
def rm-flag; c_rm_flag() {
	x d run --rm --name rr "$IMG" true; want_rc 0
	x d inspect rr; failed "container exists after --rm"
}
def namespaces; c_namespaces() {
	x d run --rm "$IMG" sh -c 'for n in pid ipc uts mnt; do readlink /proc/self/ns/$n; done; echo $$'
	local n; for n in pid ipc uts mnt; do
		! grep -qxF "$(host_ns self $n)" <<<"$OUT" || bad "$n namespace shared with the host"
	done
	want_grep '^1$' "pid 1"
	x d run --rm --pid host "$IMG" readlink /proc/self/ns/pid; want_out "$(host_ns self pid)" "--pid host"
}
def many; c_many() {
	local i t=$SECONDS
	for i in $(seq 15); do x d run -d --name "m$i" "$IMG" sleep 1000; [ "$RC" = 0 ] || { bad "run #$i: $(short "$ERR")"; break; }; done
	x d ps --filter status=running --format '{{.Names}}'
	[ "$(grep -c '^m[0-9]*$' <<<"$OUT")" = 15 ] || bad "want 15 running, got $(grep -c '^m[0-9]*$' <<<"$OUT")"
	log "15 containers started in $((SECONDS - t))s"
	x d rm -f $(printf 'm%s ' $(seq 15)); want_rc 0 "rm -f 15"
}
def host-untouched; c_host_untouched() {
	# after the last container: the private network goes, and the host must be as before
	case_cleanup
	x d network rm "$NET"; want_rc 0 "network rm"
	local diff; diff=$(diff "$W/host-before" <(host_view | sort) | grep '^[<>]')
	[ -z "$diff" ] || bad "the host changed: $(short "$diff" 250)"
}
def no-leaks; c_no_leaks() {
	case_cleanup
	local ids id left="" m
	ids=$(d events --since "$(cat "$W/t-start")" --until "$(date +%s)" --filter event=create --format '{{.ID}}' | sort -u)
	[ -n "$ids" ] || { bad "no create events recorded"; return; }
	for id in $ids; do
		rt_state "$id" >/dev/null 2>&1 && left+=" state:${id:0:12}"
		grep -qF "$id" /proc/self/mountinfo && left+=" mount:${id:0:12}"
	done
	m=$(cgdirs); [ -z "$m" ] || left+=" cgroups:$(short "$m" 150)"
	[ -z "$(ls -A "$RTROOT" 2>/dev/null)" ] || left+=" runtime-root:$(ls "$RTROOT" | head -3 | tr "\n" " ")"
	[ -z "$left" ] || bad "$(wc -w <<<"$ids") containers made, left behind:$left"
}

# ================================================================= run
# the private bridge network for the bridge and -p cases: a /24 no host route uses
SUBNET=""
for i in $(seq 200 250); do ip route | grep -q "^10\.$i\." || { SUBNET=10.$i.$(($$ % 200)).0/24; break; }; done
GW=${SUBNET%.0/24}.1
x d network create -d bridge --subnet "$SUBNET" --gateway "$GW" -o "com.docker.network.bridge.name=$BR" \
	-o com.docker.network.bridge.enable_ip_masquerade=false "$NET"
[ "$RC" = 0 ] || setup_fail "docker network create $NET: $(short "$ERR")"

FILTER=${CASES:-.}
for name in "${CASE_LIST[@]}"; do
	[[ $name =~ $FILTER ]] || continue
	CASE=$name CASE_ERR="" CASE_SKIP=""
	log "" "=== CASE $name ($(date +%T))"
	if [ $((SECONDS - T0)) -ge "$DEADLINE" ]; then bad "not run: the suite's deadline of ${DEADLINE}s passed"
	else "c_${name//-/_}"; fi
	if [ -n "$CASE_SKIP" ] && [ -z "$CASE_ERR" ]; then echo "SKIP $name: $CASE_SKIP"; N_SKIP=$((N_SKIP + 1))
	elif [ -z "$CASE_ERR" ]; then echo "PASS $name"; N_PASS=$((N_PASS + 1))
	else echo "FAIL $name: $(short "$CASE_ERR" 300)"; N_FAIL=$((N_FAIL + 1)); fi
	[ "$name" = no-leaks ] || case_cleanup
done
echo "# wall time $((SECONDS - T0))s runtime=$RT_NAME logs=$KEPT.log, $KEPT.dockerd.log"
[ "$N_SKIP" = 0 ] || echo "# $N_SKIP skipped (SKIP lines above; counted in neither total)"
echo "$N_PASS passed, $N_FAIL failed"
[ "$N_FAIL" = 0 ]
