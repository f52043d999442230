#!/usr/bin/env bash
# make demo: bring up a VPS from the busybox template, show it working
# (hostname, processes, a service, a root password set from the host and a real
# login with it, a new user), then remove everything. Installs nothing itself
# (`make demo` runs `make deps` first).
set -euo pipefail
cd "$(dirname "$0")/.."
TOP=$PWD
VPS=$TOP/vps
PTY="python3 $TOP/tests/tools/vf_pty.py -t 15"

# pid 1 on some machines never reaps: run under a subreaper so the VPS's init
# is reaped when it ends.
if [ -z "${VPS_DEMO_REAPED:-}" ]; then
	make -s --no-print-directory test-tools >/dev/null
	VPS_DEMO_REAPED=1 exec "$TOP/build/tests/subreaper" bash "$0" "$@"
fi
if ! "$VPS" create --help >/dev/null 2>&1; then
	echo "demo: this vps has no container lifecycle yet (vps create/start/exec)" >&2
	exit 1
fi

WORK=$(mktemp -d /tmp/vps-demo.XXXXXX)
ROOT=$WORK/state
NAME=demo-web1-$$
v() { "$VPS" --root "$ROOT" --inventory "$WORK/inventory" "$@"; }
step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
show() { printf '$ %s\n' "$*"; "$@"; }
cleanup() {
	v delete --force "$NAME" >/dev/null 2>&1 || true
	rm -rf "$WORK"
}
trap cleanup EXIT

step "make a VPS bundle from the busybox template"
show v bundle "$WORK/web1" --name "$NAME" --memory 128M --pids 256
jq -c '{args: .process.args, hostname, memory: .linux.resources.memory.limit,
	pids: .linux.resources.pids.limit, seccomp: (.linux.seccomp.syscalls | length)}' \
	"$WORK/web1/config.json"

step "bring it up: create + start (busybox init as pid 1)"
show v create --bundle "$WORK/web1" "$NAME"
show v start "$NAME"
for _ in $(seq 50); do
	v exec "$NAME" sh -c 'ps | grep -q "[h]ttpd"' && break
	sleep 0.1
done

step "inside: hostname, processes, the web service"
show v exec "$NAME" hostname
show v exec "$NAME" ps
show v exec "$NAME" sh -c 'cat /proc/net/tcp6 /proc/net/tcp | grep ":0050 .* 0A" | head -1'
if v exec "$NAME" wget -qO- -T 3 http://127.0.0.1/ 2>/dev/null; then :; else
	echo "(httpd listens on :80; no loopback route in this network namespace to fetch it)"
fi

step "set root's password from the host (stdin, never argv)"
echo 'Demo-Root-pw1' | show v passwd "$NAME" --stdin
grep '^root:' "$WORK/web1/rootfs/etc/shadow" | cut -c1-40
echo '...'

step "log in inside the VPS with busybox login (through a pty)"
$PTY "$VPS" --root "$ROOT" exec "$NAME" /bin/login root -- \
	'Password:' 'Demo-Root-pw1' '# ' 'id; exit'
step "a wrong password is refused"
$PTY "$VPS" --root "$ROOT" exec "$NAME" /bin/login root -- \
	'Password:' 'wrong-password' 'Login incorrect' @KILL
echo

step "add a user; it logs in and id shows its uid, gid and groups"
echo 'alice-pw' | show v useradd "$NAME" alice --groups users --create-home --password-stdin
$PTY "$VPS" --root "$ROOT" exec "$NAME" /bin/login alice -- \
	'Password:' 'alice-pw' '$ ' 'id; pwd; exit'
echo
show v users "$NAME"

step "remove the user"
show v userdel "$NAME" alice --remove-home
show v users "$NAME"

step "clean up"
show v delete --force "$NAME"
rm -rf "$WORK"
trap - EXIT
echo "demo: done"
