#!/usr/bin/env bats
# ssh in a minute: `vps bundle --template debian --packages openssh-server
# --ssh-key FILE` (packages at bundle time through the template cache, root's
# authorized_keys written in-root, per-VPS host keys), then create, start and
# `ssh root@IP` from the host side.
# NETWORK SAFETY: VPS traffic stays inside a network namespace this file makes
# (the "host" side is $NS, as in net.bats): run under the test lock.
# The cache tests use a stand-in debootstrap (tests/tools/fake-debootstrap) and
# their own --cache-dir; the end-to-end tests use the real cache in
# /var/cache/vps (built once, cold, if it is missing: Debian's archive needed).
# timeout: 1500
load helpers

PKGS=openssh-server,curl

setup_file() {
	vps_setup_file
	export VPS_INVENTORY=$WORK/inventory
	export NS=vpsssh-test-$$
	command -v ssh >/dev/null && command -v ssh-keygen >/dev/null ||
		skip "openssh-client not installed (make deps installs it)"
	ssh-keygen -q -t ed25519 -N '' -C vps-test -f "$WORK/key"
	ip netns add "$NS"
	ip -n "$NS" link set lo up
	mkdir -p "$WORK/fakebin"
	cp "$BATS_TEST_DIRNAME/tools/fake-debootstrap" "$WORK/fakebin/debootstrap"
	make_real_cache
}
teardown_file() {
	local id
	for id in $(ls "$ROOT" 2>/dev/null); do
		nsenter --net="/run/netns/$NS" "$VPS" --root "$ROOT" delete --force "$id" >/dev/null 2>&1 || true
	done
	ip netns del "$NS" 2>/dev/null || true
	vps_teardown_file
}

in_ns() { nsenter --net="/run/netns/$NS" "$@"; }
n() { in_ns "$VPS" --root "$ROOT" "$@"; }
sshv() { in_ns ssh -F /dev/null -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null \
	-o ConnectTimeout=2 -o LogLevel=ERROR "$@"; }

# fake ARGS...: vps bundle with the stand-in debootstrap and a cache dir of this test's own
cache_dir() { echo "$WORK/cache-$BATS_TEST_NUMBER"; }
fake_log() { echo "$WORK/deboot-$BATS_TEST_NUMBER.log"; }
fake() { PATH=$WORK/fakebin:$PATH FAKE_LOG=$(fake_log) v bundle --cache-dir "$(cache_dir)" "$@"; }
# refused MSG ARGS...: fake ARGS fails with "vps: bundle DIR: MSG", leaving no DIR
refused() {
	local msg=$1; shift
	run fake "$WORK/bad" "$@"
	echo "$output"
	[ "$status" -eq 1 ]
	[[ "$output" == *"vps: bundle $WORK/bad: $msg"* ]]
	[ ! -e "$WORK/bad" ]
}
fake_runs() { cat "$(fake_log)".* 2>/dev/null | grep -c '^--variant=minbase$' || true; }

now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }

# The real cache of $PKGS, made (cold, timed) in setup_file when missing;
# $WORK/real-cache says "ok", "skip REASON" or "fail OUTPUT".
make_real_cache() {
	command -v debootstrap >/dev/null ||
		{ echo "skip debootstrap not installed (make deps installs it)" >"$WORK/real-cache"; return; }
	local t0 out
	t0=$(now)
	if out=$(timeout 1200 "$VPS" --debug --root "$ROOT" bundle "$WORK/warmup" --template debian \
		--packages "$PKGS" 2>&1); then
		echo "$out" | grep -q 'using cached' ||
			echo "# cold cache: debootstrap of $PKGS + caching took $(secs "$t0" "$(now)") s" >&3
		echo ok >"$WORK/real-cache"
	elif mkdir -p "$WORK/probe" && ! (cd "$WORK/probe" && timeout 30 apt-get download -q base-files >/dev/null 2>&1); then
		echo "skip the Debian archive is unreachable: needed to debootstrap $PKGS once" >"$WORK/real-cache"
	else
		printf 'fail %s\n' "$(echo "$out" | tail -5)" >"$WORK/real-cache"
	fi
	rm -rf "$WORK/warmup" "$WORK/probe"
}
real_cache() {
	local r
	r=$(cat "$WORK/real-cache")
	case $r in
	ok) ;;
	skip*) skip "${r#skip }" ;;
	*) echo "$r" && return 1 ;;
	esac
}

@test "ssh: bundle with openssh-server and a key; ssh root@IP works within 60 s (the init starts sshd)" {
	real_cache
	local t0 t1 t2 t3
	t0=$(now)
	v bundle "$WORK/web1" --template debian --packages "$PKGS" --ssh-key "$WORK/key.pub" \
		--ip 10.88.0.21/16
	t1=$(now)
	n create --bundle "$WORK/web1" web1
	n start web1
	t2=$(now)
	local ok=
	while [ "$(secs "$t0" "$(now)" | cut -d. -f1)" -lt 60 ]; do
		if out=$(sshv -o BatchMode=yes -o IdentitiesOnly=yes -i "$WORK/key" root@10.88.0.21 'id -u; hostname' 2>&1); then
			ok=1
			break
		fi
		sleep 0.2
	done
	t3=$(now)
	echo "$out"
	[ -n "$ok" ]
	[ "$out" = "0
web1" ]
	echo "# warm bundle $(secs "$t0" "$t1") s, create+start $(secs "$t1" "$t2") s, start to ssh $(secs "$t2" "$t3") s, bundle to ssh $(secs "$t0" "$t3") s" >&3
	[ "$(secs "$t0" "$t3" | cut -d. -f1)" -lt 60 ]
	# a networked VPS whose root is not the host's (the default user namespace):
	# its init runs as a mapped host id, and root inside sees the 65536-id map
	local pid
	pid=$(n state web1 | jq .pid)
	[ "$(awk '/^Uid:/ {print $2}' "/proc/$pid/status")" -ge 1000000 ]
	run sshv -o BatchMode=yes -o IdentitiesOnly=yes -i "$WORK/key" root@10.88.0.21 cat /proc/self/uid_map
	echo "$output"
	[[ "$output" =~ ^\ *0\ +[1-9][0-9]{6,}\ +65536$ ]]
	# the sshd that answered is the VPS's own, started by its init (sysvinit's
	# rc2.d/S01ssh, or systemd's ssh.service)
	local R=$WORK/web1/rootfs
	[ -L "$R/etc/rc2.d/S01ssh" ] || [ -L "$R/etc/systemd/system/multi-user.target.wants/ssh.service" ]
	run n exec web1 ps -o ppid=,args= -C sshd
	[[ "$output" == *" 1 sshd: /usr/sbin/sshd"* ]]
	# and it presents the host key vps made for this VPS
	[ "$(in_ns ssh-keyscan -t ed25519 10.88.0.21 2>/dev/null | cut -d' ' -f2-3)" = \
		"$(cut -d' ' -f1-2 "$WORK/web1/rootfs/etc/ssh/ssh_host_ed25519_key.pub")" ]
	# a wrong key is turned away
	ssh-keygen -q -t ed25519 -N '' -f "$WORK/other"
	run sshv -o BatchMode=yes -o IdentitiesOnly=yes -i "$WORK/other" root@10.88.0.21 true
	[ "$status" -eq 255 ]
	[[ "$output" == *"Permission denied"* ]]
	n delete --force web1
}

@test "ssh: a user made with vps useradd logs in with the password (sshd's PAM password login)" {
	real_cache
	v bundle "$WORK/web2" --template debian --packages "$PKGS" --ip 10.88.0.22/16
	echo 'pw-dana-1' | v useradd --bundle "$WORK/web2" --create-home --shell /bin/bash --password-stdin dana
	n run -d --bundle "$WORK/web2" web2
	printf '#!/bin/sh\necho pw-dana-1\n' >"$WORK/askpass"
	chmod 755 "$WORK/askpass"
	local i
	for i in $(seq 50); do
		run env SSH_ASKPASS="$WORK/askpass" SSH_ASKPASS_REQUIRE=force DISPLAY=none \
			nsenter --net="/run/netns/$NS" ssh -F /dev/null -o StrictHostKeyChecking=no \
			-o UserKnownHostsFile=/dev/null -o ConnectTimeout=2 -o PubkeyAuthentication=no \
			-o NumberOfPasswordPrompts=1 -o PreferredAuthentications=password dana@10.88.0.22 id -un
		[[ "$output" == *"Connection refused"* ]] || break
		sleep 0.2
	done
	echo "$output"
	[ "$status" -eq 0 ]
	[ "${lines[-1]}" = dana ]
	# root logs in by key only (Debian's PermitRootLogin prohibit-password)
	echo 'pw-root-1' | v passwd web2 --stdin
	printf '#!/bin/sh\necho pw-root-1\n' >"$WORK/askpass"
	run env SSH_ASKPASS="$WORK/askpass" SSH_ASKPASS_REQUIRE=force DISPLAY=none \
		nsenter --net="/run/netns/$NS" ssh -F /dev/null -o StrictHostKeyChecking=no \
		-o UserKnownHostsFile=/dev/null -o PubkeyAuthentication=no \
		-o NumberOfPasswordPrompts=1 -o PreferredAuthentications=password root@10.88.0.22 true
	[ "$status" -eq 255 ]
	n delete --force web2
}

@test "ssh: the README's operator path: bundle, start, passwd, ssh, set, stop, start again with the setting kept" {
	real_cache
	local ip i
	v bundle "$WORK/web3" --template debian --packages "$PKGS" --ssh-key "$WORK/key.pub" \
		--ip auto --memory 256M >/dev/null
	n start web3
	echo 'pw-web3-1' | v passwd web3 --stdin
	ip=$(n list --json | jq -r '.[] | select(.name == "web3") | .address')
	ip=${ip%/*}
	[ -n "$ip" ] && [ "$ip" != null ]
	sshin() {
		for i in $(seq 150); do
			out=$(sshv -o BatchMode=yes -o IdentitiesOnly=yes -i "$WORK/key" "root@$ip" "$@" 2>&1) && return 0
			sleep 0.2
		done
		echo "$out"
		return 1
	}
	sshin hostname
	[ "$out" = web3 ]
	# root's password is what passwd set (for vps console web3)
	h=$(awk -F: '$1 == "root" { print $2 }' "$WORK/web3/rootfs/etc/shadow")
	[ "$(perl -e 'print crypt($ARGV[0], $ARGV[1])' pw-web3-1 "$h")" = "$h" ]
	# set: live in the cgroup, and kept in config.json and the record
	memlimit() {
		local rel
		rel=$(cgrel web3)
		cat "/sys/fs/cgroup/memory$rel/memory.limit_in_bytes" 2>/dev/null ||
			cat "/sys/fs/cgroup$rel/memory.max"
	}
	[ "$(memlimit)" = 268435456 ]
	n set web3 --memory 512M --autostart on
	[ "$(memlimit)" = 536870912 ]
	init=$(n state web3 | jq .pid)
	local t0=$SECONDS
	n stop web3
	echo "# stop of the systemd VPS: $((SECONDS - t0)) s" >&3
	[ ! -e "/proc/$init" ]
	[[ $(n list) =~ web3\ +stopped\ +auto\ +512M\ +-\ +mapped\ +yes ]]
	n start web3
	[ "$(memlimit)" = 536870912 ]
	ip=$(n list --json | jq -r '.[] | select(.name == "web3") | .address')
	ip=${ip%/*}
	sshin hostname
	[ "$out" = web3 ]
	[[ $(n list) =~ web3\ +running\ +$ip\ +512M\ +-\ +mapped\ +yes ]]
	h2=$(awk -F: '$1 == "root" { print $2 }' "$WORK/web3/rootfs/etc/shadow")
	[ "$h2" = "$h" ]
	n destroy --force web3
	[ ! -e "$WORK/web3" ]
}

@test "ssh: two VPSes from one cache get different host keys; the cache holds none" {
	real_cache
	local cache
	cache=$(v --debug bundle "$WORK/k1" --template debian --packages "curl,openssh-server,curl" 2>&1 |
		sed -n 's/.*using cached \(.*\.tar\).*/\1/p')
	echo "cache: $cache"
	[ -s "$cache" ] # the same package set in another order is the same cache
	v bundle "$WORK/k2" --template debian --packages "$PKGS"
	local t
	for t in ed25519 ecdsa rsa; do
		[ -s "$WORK/k1/rootfs/etc/ssh/ssh_host_${t}_key" ]
		[ "$(stat -c %a:%u "$WORK/k1/rootfs/etc/ssh/ssh_host_${t}_key")" = 600:0 ]
		[ "$(stat -c %a:%u "$WORK/k1/rootfs/etc/ssh/ssh_host_${t}_key.pub")" = 644:0 ]
		! cmp -s "$WORK/k1/rootfs/etc/ssh/ssh_host_${t}_key" "$WORK/k2/rootfs/etc/ssh/ssh_host_${t}_key"
		! cmp -s "$WORK/k1/rootfs/etc/ssh/ssh_host_${t}_key.pub" "$WORK/k2/rootfs/etc/ssh/ssh_host_${t}_key.pub"
	done
	grep -q ' root@k1$' "$WORK/k1/rootfs/etc/ssh/ssh_host_ed25519_key.pub"
	run tar -tf "$cache"
	[ "$status" -eq 0 ]
	[[ "$output" == *"./usr/sbin/sshd"* ]]
	[[ "$output" != *"ssh_host_"* ]]
}

@test "ssh-key: root's authorized_keys in the rootfs, from a file or stdin, 0700/0600 root" {
	fake "$WORK/a1" --template debian --packages "$PKGS" --ssh-key "$WORK/key.pub"
	R=$WORK/a1/rootfs
	[ "$(stat -c %a:%u:%g "$R/root/.ssh")" = 700:0:0 ]
	[ "$(stat -c %a:%u:%g "$R/root/.ssh/authorized_keys")" = 600:0:0 ]
	diff "$WORK/key.pub" "$R/root/.ssh/authorized_keys"
	# several keys from stdin, comments and blank lines kept as given
	ssh-keygen -q -t rsa -b 2048 -N '' -C second -f "$WORK/key2"
	{ cat "$WORK/key.pub"; echo; echo '# the second'; cat "$WORK/key2.pub"; } >"$WORK/keys"
	fake "$WORK/a2" --template debian --packages "$PKGS" --ssh-key - <"$WORK/keys"
	diff "$WORK/keys" "$WORK/a2/rootfs/root/.ssh/authorized_keys"
	# CRLF lines (a key file saved on Windows) are written as LF lines
	sed 's/$/\r/' "$WORK/keys" >"$WORK/keys-crlf"
	fake "$WORK/a3" --template debian --packages "$PKGS" --ssh-key "$WORK/keys-crlf"
	diff "$WORK/keys" "$WORK/a3/rootfs/root/.ssh/authorized_keys"
}

@test "ssh-key: bad keys and templates without sshd are refused; nothing is left" {
	refused "--ssh-key $WORK/key: this is a private key: give the public key" \
		--template debian --packages "$PKGS" --ssh-key "$WORK/key"
	echo 'ssh-ed25519 AAAAnotakey' >"$WORK/junk.pub"
	refused "--ssh-key $WORK/junk.pub: line 1: the ssh-ed25519 key's base64 data is damaged" \
		--template debian --packages "$PKGS" --ssh-key "$WORK/junk.pub"
	refused "--ssh-key - (stdin): no public key in it" \
		--template debian --packages "$PKGS" --ssh-key - </dev/null
	refused "--ssh-key $WORK/nope: open: No such file or directory" --ssh-key "$WORK/nope"
	refused "--ssh-key /dev/zero: not a regular file or a pipe" --ssh-key /dev/zero
	refused "--ssh-key: the busybox template has no ssh server; use --template debian --packages openssh-server" \
		--ssh-key "$WORK/key.pub"
	refused "--ssh-key: the debian template has no ssh server unless --packages names openssh-server" \
		--template debian --packages curl --ssh-key "$WORK/key.pub"
	mkdir -p "$WORK/nosshd/etc"
	refused "--ssh-key: the rootfs of dir:$WORK/nosshd has no /usr/sbin/sshd" \
		--template "dir:$WORK/nosshd" --ssh-key "$WORK/key.pub"
	[ "$(fake_runs)" = 0 ] # no debootstrap for a refused request
}

@test "ssh-key: symlinks in the template never lead the key out of the rootfs" {
	mkdir -p "$WORK/t1/usr/sbin" "$WORK/outside" && touch "$WORK/t1/usr/sbin/sshd"
	ln -s "$WORK/outside" "$WORK/t1/root" # an absolute link: resolved inside the rootfs
	# where it points does not exist inside the rootfs: refused, the host's dir untouched
	run fake "$WORK/s0" --template "dir:$WORK/t1" --ssh-key "$WORK/key.pub"
	echo "$output"
	[ "$status" -eq 1 ]
	[[ "$output" == *"--ssh-key: /root in the container root is a dangling symlink"* ]]
	[ -z "$(ls -A "$WORK/outside")" ] && [ ! -e "$WORK/s0" ]
	# it exists inside: the key lands there, in the rootfs
	mkdir -p "$WORK/t1/$WORK/outside"
	fake "$WORK/s1" --template "dir:$WORK/t1" --ssh-key "$WORK/key.pub"
	[ -z "$(ls -A "$WORK/outside")" ]
	diff "$WORK/key.pub" "$WORK/s1/rootfs/$WORK/outside/.ssh/authorized_keys"
	# a .ssh that is a symlink (to the VPS's /etc) is refused, not followed
	mkdir -p "$WORK/t2/usr/sbin" "$WORK/t2/root" "$WORK/t2/etc" && touch "$WORK/t2/usr/sbin/sshd"
	ln -s /etc "$WORK/t2/root/.ssh"
	run fake "$WORK/s2" --template "dir:$WORK/t2" --ssh-key "$WORK/key.pub"
	echo "$output"
	[ "$status" -eq 1 ]
	[[ "$output" == *"--ssh-key: open /root/.ssh (a symlink or not a directory?)"* ]]
	[ ! -e "$WORK/s2" ]
	[ "$(stat -c %a "$WORK/t2/etc")" = 755 ]
}

@test "packages: strict names, refused before debootstrap runs; only the debian template takes them" {
	refused '--packages "--no-check-gpg": not a Debian package name' --template debian --packages=--no-check-gpg
	refused '--packages "curl x": not a Debian package name' --template debian --packages 'curl x'
	refused '--packages "": not a Debian package name' --template debian --packages 'curl,,x'
	refused '--packages "Curl": not a Debian package name' --template debian --packages Curl
	refused '--packages: only the debian template installs packages, not busybox' --packages curl
	[ "$(fake_runs)" = 0 ]
	[ ! -e "$(cache_dir)" ]
}

@test "packages: the cache is keyed by the sorted set: a hit for the same set, another set coexists" {
	local C
	C=$(cache_dir)
	fake "$WORK/c1" --template debian --packages "$PKGS"
	[ "$(fake_runs)" = 1 ]
	# what debootstrap was given: one --include argument with the sorted set, then suite and target
	# (the init's package: sysvinit-core, or systemd-sysv where systemd is the default)
	[[ "$(cat "$(fake_log)".*)" =~ ^"--variant=minbase
--include=curl,iproute2,login,openssh-server,passwd,procps,"(sysvinit-core|systemd-sysv)"
bookworm
$WORK/c1/rootfs"$ ]]
	fake "$WORK/c2" --template debian --packages "curl,openssh-server,curl"
	[ "$(fake_runs)" = 1 ]
	grep -q openssh-server "$WORK/c2/rootfs/etc/fake-include"
	fake "$WORK/c3" --template debian --packages "openssh-server,less"
	[ "$(fake_runs)" = 2 ]
	run ls "$C"
	echo "$output"
	[ "$(ls "$C"/*.tar | wc -l)" = 2 ]
	ls "$C"/debian-bookworm-"$(uname -m)"-sys*-pkgs-*.tar # sysvinit or systemd
	[[ "$output" != *.tmp.* ]]
	# the stand-in bakes a host key into its tree: the cache never keeps it, each VPS gets its own
	local t
	for t in "$C"/*.tar; do
		tar -tf "$t" | grep -q usr/sbin/sshd
		! tar -tf "$t" | grep -q ssh_host_
	done
	! grep -q baked "$WORK/c2/rootfs/etc/ssh/ssh_host_ed25519_key"
	ssh-keygen -l -f "$WORK/c2/rootfs/etc/ssh/ssh_host_ed25519_key.pub"
}

@test "packages: three bundles of a new set at once build its cache once; a failed build leaves nothing" {
	local C
	C=$(cache_dir)
	FAKE_SLEEP=2 fake "$WORK/l1" --template debian --packages openssh-server,htop &
	local p1=$!
	sleep 0.5
	FAKE_SLEEP=2 fake "$WORK/l2" --template debian --packages htop,openssh-server &
	local p2=$!
	sleep 0.3
	FAKE_SLEEP=2 fake "$WORK/l3" --template debian --packages openssh-server,htop,htop &
	local p3=$!
	wait "$p1"
	wait "$p2"
	wait "$p3"
	[ "$(fake_runs)" = 1 ]
	grep -q htop "$WORK/l1/rootfs/etc/fake-include"
	grep -q htop "$WORK/l2/rootfs/etc/fake-include"
	grep -q htop "$WORK/l3/rootfs/etc/fake-include"
	[ -z "$(ls "$C" | grep '\.lock$')" ] # whoever holds the lock removes it
	# debootstrap fails (a package the archive does not have): error, no bundle, no cache
	local before
	before=$(ls "$C" | grep -c 'tar$' || true)
	run fake "$WORK/f1" --template debian --packages openssh-server,fail-me
	echo "$output"
	[ "$status" -eq 1 ]
	[[ "$output" == *"vps: bundle $WORK/f1: template debian: debootstrap failed (exit status 1): "*"fail-me"* ]]
	[ ! -e "$WORK/f1" ]
	[ "$(ls "$C" | grep -c 'tar$')" = "$before" ]
	! ls "$C" | grep -qE '\.tmp\.|\.lock$'
}

@test "bundle progress: phases, debootstrap's steps and elapsed time on a terminal; quiet when piped" {
	local C
	C=$(cache_dir)
	run script -qec "env PATH=$WORK/fakebin:\$PATH $VPS --root $ROOT bundle --cache-dir $C $WORK/t-tty --template debian --packages openssh-server,vim" /dev/null
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" =~ "vps bundle [  0.0s] debootstrap bookworm with iproute2,login,openssh-server,passwd,procps,"(sysvinit-core|systemd-sysv)",vim" ]]
	[[ "$output" == *"Retrieving InRelease"* ]]                     # a step, on the line it overwrites
	[[ "$output" == *$'\r\033[Kvps bundle ['*"s] debootstrap: Installing core packages..."* ]]
	[[ "$output" == *"s] generating ssh host keys for t-tty"* ]]
	[[ "$output" == *"s] $WORK/t-tty is ready: vps run -d --bundle $WORK/t-tty t-tty"* ]]
	run script -qec "$VPS --root $ROOT bundle --cache-dir $C $WORK/t-tty2 --template debian --packages vim,openssh-server" /dev/null
	[[ "$output" == *"s] unpacking the cached debian bookworm ($C/debian-bookworm-"* ]]
	# piped, or stderr to a file: nothing
	run bash -c "PATH=$WORK/fakebin:\$PATH '$VPS' --root '$ROOT' bundle --cache-dir '$C' '$WORK/t-pipe' --template debian --packages openssh-server,nano 2>&1 | cat"
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	run script -qec "$VPS --root $ROOT bundle --cache-dir $C $WORK/t-err --template debian --packages vim,openssh-server 2>$WORK/t-err.log" /dev/null
	[ "$status" -eq 0 ]
	[ -z "$output" ] && [ ! -s "$WORK/t-err.log" ]
	[ -s "$WORK/t-err/config.json" ]
}
