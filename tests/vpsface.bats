#!/usr/bin/env bats
# End to end: a busybox VPS from `vps bundle`, brought up with create/start,
# accounts changed from the host while it runs, and a real login tool (busybox
# login, driven through a pty) inside it accepting and refusing passwords.
# timeout: 600
load helpers

PTY() { python3 "$VPS_TOP/tests/tools/vf_pty.py" -t 15 "$@"; }

setup_file() {
	vps_setup_file
	export VF_NETNS=vf-net-$$
	"$VPS" bundle "$WORK/web1" --name vf-web1 >/dev/null
	"$VPS" --root "$ROOT" create --bundle "$WORK/web1" vf-web1
	"$VPS" --root "$ROOT" start vf-web1
}
teardown_file() {
	if [ -e "/run/netns/$VF_NETNS" ]; then
		nsenter "--net=/run/netns/$VF_NETNS" "$VPS" --root "$ROOT" delete --force vf-net1 >/dev/null 2>&1
		ip netns del "$VF_NETNS"
	fi
	vps_teardown_file
}

# wait_for CMD...: retry up to 10 s (services start asynchronously under init)
wait_for() {
	local i
	for i in $(seq 1 100); do "$@" && return 0; sleep 0.1; done
	"$@"
}

@test "vf- e2e: the VPS runs busybox init as pid 1 with its services and hostname" {
	[ "$(v exec vf-web1 hostname)" = vf-web1 ]
	run v exec vf-web1 cat /proc/1/comm
	[ "$output" = init ]
	wait_for v exec vf-web1 sh -c 'ps | grep -q "[h]ttpd -f -p 80"'
	wait_for v exec vf-web1 sh -c 'ps | grep -q "[s]yslogd -n"'
	# httpd listens on port 80 (0050) in the VPS's own network namespace
	wait_for v exec vf-web1 sh -c 'cat /proc/net/tcp /proc/net/tcp6 | grep -q ":0050 0*:0000 0A"'
	v exec vf-web1 grep -q 'vf-web1 up' /var/log/boot.log # rcS ran at boot
}

@test "vf- e2e: init reaps orphans inside the VPS" {
	v exec vf-web1 sh -c '(sleep 0.2 &) ; true'
	sleep 1
	run v exec vf-web1 sh -c 'ps -o pid,stat,comm | awk "\$2 ~ /Z/"'
	[ "$status" -eq 0 ]
	[ -z "$output" ]
}

@test "vf- e2e: vps passwd NAME --stdin; login inside accepts it and refuses a wrong one" {
	echo 'Web1-pass' | v passwd vf-web1 --stdin
	run PTY "$VPS" --root "$ROOT" exec vf-web1 /bin/login root -- \
		'Password:' 'Web1-pass' '# ' 'id; exit'
	echo "$output"
	[ "$status" -eq 0 ]
	[[ $output == *"uid=0(root) gid=0(root)"* ]]
	[[ $output != *Web1-pass* ]]
	run PTY "$VPS" --root "$ROOT" exec vf-web1 /bin/login root -- \
		'Password:' 'not-the-password' 'Login incorrect' @KILL
	echo "$output"
	[ "$status" -eq 0 ]
	[[ $output != *"uid=0"* ]]
	# locked: refused even with the right password
	v passwd vf-web1 --lock
	run PTY "$VPS" --root "$ROOT" exec vf-web1 /bin/login root -- \
		'Password:' 'Web1-pass' 'Login incorrect' @KILL
	[ "$status" -eq 0 ]
	v passwd vf-web1 --unlock
}

@test "vf- e2e: useradd on the running VPS, the user logs in with the right ids; userdel" {
	v groupadd vf-web1 --gid 2000 devs
	echo 'alice-pw' | v useradd vf-web1 alice --uid 1500 --groups users,devs --create-home \
		--password-stdin
	run PTY "$VPS" --root "$ROOT" exec vf-web1 /bin/login alice -- \
		'Password:' 'alice-pw' '$ ' 'id; pwd; exit'
	echo "$output"
	[ "$status" -eq 0 ]
	[[ $output == *"uid=1500(alice) gid=1500(alice) groups="* ]]
	[[ $output == *"100(users)"* ]]
	[[ $output == *"2000(devs)"* ]]
	[[ $output == *"/home/alice"* ]]
	v users vf-web1 --json | jq -e '.[] | select(.name == "alice") | .uid == 1500 and .password == "set"'
	v userdel vf-web1 alice --remove-home
	E=$WORK/web1/rootfs/etc
	run grep -l alice "$E/passwd" "$E/shadow" "$E/group" "$E/gshadow"
	[ "$status" -eq 1 ]
	run v exec vf-web1 ls /home
	[ -z "$output" ]
	run PTY "$VPS" --root "$ROOT" exec vf-web1 /bin/login alice -- \
		'Password:' 'alice-pw' 'Login incorrect' @KILL
	[ "$status" -eq 0 ]
}

@test "vf- e2e: bundle --ip auto: a host reaches the VPS's web service at its address" {
	# The bridge, veth, lease and NAT live in a network namespace this test
	# makes (the test's "host"); the machine's own network is never touched.
	ip netns add "$VF_NETNS"
	local in_ns=(nsenter "--net=/run/netns/$VF_NETNS")
	v bundle "$WORK/net1" --name vf-net1 --ip auto
	"${in_ns[@]}" "$VPS" --root "$ROOT" create --bundle "$WORK/net1" vf-net1
	"${in_ns[@]}" "$VPS" --root "$ROOT" start vf-net1
	ip=$(v exec vf-net1 ip -4 -o addr show eth0 | awk '{ split($4, a, "/"); print a[1] }')
	[[ $ip == 10.88.* ]] || { echo "no address: '$ip'"; false; }
	get() {
		"${in_ns[@]}" bash -c 'exec 5<>"/dev/tcp/$1/80" || exit 1
			printf "GET / HTTP/1.0\r\n\r\n" >&5; timeout 5 cat <&5' _ "$ip"
	}
	run wait_for get
	[[ $output == *"<h1>vf-net1: a vps busybox VPS</h1>"* ]]
	"${in_ns[@]}" "$VPS" --root "$ROOT" delete --force vf-net1
	# nothing of the VPS's network is left in the test's host namespace
	run "${in_ns[@]}" ip -o link
	[[ $output != *vps-* && $output != *veth* ]] || { echo "$output"; false; }
}

# busybox init: SIGUSR2 powers off (SIGTERM reboots: with reboot(2) allowed in
# the VPS, its monitor would start it again; see lifecycle.bats)
@test "vf- e2e: kill NAME USR2 shuts the VPS down through its init (shutdown actions run)" {
	v bundle "$WORK/stop1" --name vf-stop1
	echo '::shutdown:/bin/sh -c "echo bye >/var/log/shutdown.log"' >>"$WORK/stop1/rootfs/etc/inittab"
	v create --bundle "$WORK/stop1" vf-stop1
	v start vf-stop1
	wait_for v exec vf-stop1 sh -c 'ps | grep -q "[h]ttpd"'
	v kill vf-stop1 USR2
	stopped() { [ "$(v state vf-stop1 | jq -r .status)" = stopped ]; }
	wait_for stopped
	[ "$(cat "$WORK/stop1/rootfs/var/log/shutdown.log")" = bye ]
	v delete vf-stop1
}

@test "vf- e2e: a detached VPS init keeps none of the caller's stdio: create returns at once, output goes to console.log" {
	v bundle "$WORK/log1" --name vf-log1 >/dev/null
	echo '::sysinit:/bin/sh -c "echo vf-log1-hello; echo vf-log1-err >&2"' >>"$WORK/log1/rootfs/etc/inittab"
	echo '::shutdown:/bin/echo vf-log1-bye' >>"$WORK/log1/rootfs/etc/inittab"
	# an init holding the caller's stdout keeps $(...) open until it exits:
	# the inner shell is then killed by timeout (124); stderr goes to a file
	# so that no fd of bats's own capture reaches the init
	local t0=$SECONDS
	run timeout 10 bash -c 'out=$("$1" --root "$2" create --bundle "$3" vf-log1 2>&1) && printf "[%s]" "$out"' \
		_ "$VPS" "$ROOT" "$WORK/log1" 2>"$WORK/log1.err"
	[ "$status" -eq 0 ]
	[ "$output" = "[]" ]
	((SECONDS - t0 < 5))
	[ "$(stat -c %a "$ROOT/vf-log1/console.log")" = 600 ]
	out=$(timeout 10 "$VPS" --root "$ROOT" start vf-log1 2>&1)
	[ -z "$out" ]
	wait_for grep -q vf-log1-err "$ROOT/vf-log1/console.log"
	grep -q vf-log1-hello "$ROOT/vf-log1/console.log"
	out=$(timeout 10 "$VPS" --root "$ROOT" kill vf-log1 USR2 2>&1)
	stopped() { [ "$(v state vf-log1 | jq -r .status)" = stopped ]; }
	wait_for stopped
	grep -q vf-log1-bye "$ROOT/vf-log1/console.log"
	[[ $out != *vf-log1* ]]
	v delete vf-log1
	[ ! -e "$ROOT/vf-log1" ]
}

@test "vf- e2e: run -d of a VPS-face bundle returns at once; a runc-style bundle keeps the caller's stdio" {
	v bundle "$WORK/log2" --name vf-log2 >/dev/null
	echo '::sysinit:/bin/echo vf-log2-hello' >>"$WORK/log2/rootfs/etc/inittab"
	run timeout 10 bash -c 'out=$("$1" --root "$2" run -d --bundle "$3" vf-log2 2>&1) && printf "[%s]" "$out"' \
		_ "$VPS" "$ROOT" "$WORK/log2" 2>"$WORK/log2.err"
	[ "$status" -eq 0 ]
	[ "$output" = "[]" ]
	wait_for grep -q vf-log2-hello "$ROOT/vf-log2/console.log"
	v delete --force vf-log2
	# engines' bundles (no org.vps annotations) keep today's behaviour
	make_busybox_bundle "$WORK/eng1"
	jq_edit "$WORK/eng1/config.json" '.process.args = ["/bin/sh", "-c", "echo eng1-out"]'
	v create --bundle "$WORK/eng1" vf-eng1 >"$WORK/eng1.out"
	v start vf-eng1
	stopped() { [ "$(v state vf-eng1 | jq -r .status)" = stopped ]; }
	wait_for stopped
	grep -q eng1-out "$WORK/eng1.out"
	[ ! -e "$ROOT/vf-eng1/console.log" ]
	v delete vf-eng1
}

@test "vf- e2e: delete --force removes the container; the VPS stays usable by name until destroyed, its bundle by --bundle" {
	v delete --force vf-web1
	v users vf-web1 | grep -q '^root ' # still registered: found through the inventory
	v destroy vf-web1 --keep-data
	run v users vf-web1
	[ "$status" -eq 1 ]
	[[ $output == *"use --bundle DIR"* ]]
	v users --bundle "$WORK/web1" | grep -q '^root '
}

@test "vf- e2e: a debian VPS (sysvinit as pid 1); passwd, then Debian's own login (PAM) accepts it" {
	command -v debootstrap >/dev/null || skip "debootstrap not installed (make deps installs it)"
	cache=/var/cache/vps/debian-bookworm-$(uname -m).tar
	if [ ! -e "$cache" ]; then
		mkdir -p "$WORK/probe"
		(cd "$WORK/probe" && timeout 30 apt-get download -q base-files >/dev/null 2>&1) ||
			skip "the Debian archive is unreachable (apt-get download failed); needed to debootstrap"
	fi
	timeout 1200 "$VPS" bundle "$WORK/deb1" --template debian --init sysvinit --name vf-deb1 --memory 256M
	v create --bundle "$WORK/deb1" vf-deb1
	v start vf-deb1
	wait_for v exec vf-deb1 sh -c 'grep -q "^init" /proc/1/comm'
	[ "$(v exec vf-deb1 hostname)" = vf-deb1 ]
	echo 'Deb-pass1' | v passwd vf-deb1 --stdin
	# exec -t: a pty of the VPS's own devpts, which login may chown (the
	# caller's terminal is host root's, out of reach of a mapped root)
	run PTY "$VPS" --root "$ROOT" exec -t vf-deb1 /bin/login root -- \
		'Password:' 'Deb-pass1' '# ' 'id; exit'
	echo "$output"
	[ "$status" -eq 0 ]
	[[ $output == *"uid=0(root) gid=0(root)"* ]]
	run PTY "$VPS" --root "$ROOT" exec -t vf-deb1 /bin/login root -- \
		'Password:' 'wrong' 'Login incorrect' @KILL
	[ "$status" -eq 0 ]
	v delete --force vf-deb1
}
