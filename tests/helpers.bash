# Shared bats helpers. Every test runs as root under tests/run.sh's subreaper.
# Each test file gets its own state root ($ROOT) and work dir, so suites never
# collide with each other or with a real /run/vps.
VPS=${VPS:-$BATS_TEST_DIRNAME/../vps}
VPS_TOP=${VPS_TOP:-$BATS_TEST_DIRNAME/..}

# Per-file setup: call from setup_file().
# vps_need_criu: export CRIU, a criu that works on this kernel (the system's,
# or Debian 13's / forky's in the private prefix tests/tools/criu-private.sh
# makes under CRIU_PREFIX's parent); none is a failure, with criu's reason.
vps_need_criu() {
	export CRIU_PREFIX=${CRIU_PREFIX:-/var/cache/vps/criu-trixie}
	local out
	if ! out=$(bash "$VPS_TOP/tests/tools/criu-private.sh" "$CRIU_PREFIX" 2>&1); then
		echo "no working criu: $out" >&2
		return 1
	fi
	export CRIU=${out##*$'\n'}
}

vps_setup_file() {
	export WORK=$(mktemp -d /tmp/vps-test.XXXXXX)
	export ROOT=$WORK/state
	# the VPS face's records (vps bundle registers every VPS): never /var/lib/vps
	export VPS_INVENTORY=$WORK/inventory
	mkdir -p "$ROOT"
	# VM snapshots (a --vm start builds one by default): never /var/cache/vps
	export VPS_VM_SNAPSHOTS=$WORK/vm-snap
	# the VPS face's records (id ranges), never the host's /var/lib/vps
	export VPS_INVENTORY=$WORK/inventory
}
vps_teardown_file() {
	local id
	# never without this file's WORK: the umount below would match every mount
	# of the host (a setup_file that failed before vps_setup_file's exports)
	case $WORK in /tmp/vps-test.?*) ;; *) return 0 ;; esac
	if [ -d "$ROOT" ]; then
		for id in $(ls "$ROOT" 2>/dev/null); do
			"$VPS" --root "$ROOT" delete --force "$id" >/dev/null 2>&1 || true
		done
	fi
	# bundles may hold bind mounts if a test failed half-way
	grep -o " $WORK/[^ ]*" /proc/self/mounts 2>/dev/null | sort -r | while read -r m; do umount -l "$m"; done
	rm -rf "$WORK"
}

# vps with this file's state root.
v() { "$VPS" --root "$ROOT" "$@"; }

# cgrel ID [ROOT]: the cgroup of container ID when config.json names none:
# /vps/ID under the default root, /vps/ID@DEV-INO of the root under any other
cgrel() { echo "/vps/$1@$(stat -c %d-%i "${2:-$ROOT}")"; }

# make_busybox_bundle DIR: a rootfs from Debian's busybox-static and the default
# config (process.terminal off so tests need no tty).
make_busybox_bundle() {
	local dir=$1
	mkdir -p "$dir/rootfs"/{bin,sbin,etc,proc,sys,dev,tmp,root,usr/bin,usr/sbin,var}
	cp /bin/busybox "$dir/rootfs/bin/busybox"
	local a
	for a in $(/bin/busybox --list); do
		[ -e "$dir/rootfs/bin/$a" ] || ln -s busybox "$dir/rootfs/bin/$a"
	done
	chmod 1777 "$dir/rootfs/tmp"
	echo 'root:x:0:0:root:/root:/bin/sh' >"$dir/rootfs/etc/passwd"
	echo 'root:x:0:' >"$dir/rootfs/etc/group"
	(cd "$dir" && "$VPS" spec)
	jq_edit "$dir/config.json" '.process.terminal = false | .root.readonly = false'
}

# jq_edit FILE FILTER: edit a JSON file in place with jq.
jq_edit() {
	local f=$1; shift
	jq "$@" "$f" >"$f.tmp" && mv "$f.tmp" "$f"
}

# set_args DIR ARG...: the bundle's process.args
set_args() {
	local dir=$1; shift
	local args
	args=$(for a in "$@"; do printf '%s' "$a" | jq -Rs .; done | jq -cs .)
	jq_edit "$dir/config.json" --argjson a "$args" '.process.args = $a'
}

# test_sshd_config DIR LISTEN PIDFILE [LINE...]: on stdout, an sshd_config
# for a test sshd listening on LISTEN (ADDR:PORT): root logs in with the key
# DIR/id only (made here with the host key DIR/host when missing), no PAM;
# LINEs are added as they are.
test_sshd_config() {
	local k=$1 listen=$2 pidfile=$3
	shift 3
	if [ ! -e "$k/id" ]; then
		mkdir -p "$k"
		ssh-keygen -q -t ed25519 -N '' -f "$k/id" -C vps-test-client
		ssh-keygen -q -t ed25519 -N '' -f "$k/host" -C vps-test-host
		cp "$k/id.pub" "$k/authorized_keys"
	fi
	printf '%s\n' "ListenAddress $listen" "HostKey $k/host" "AuthorizedKeysFile $k/authorized_keys" \
		"PermitRootLogin prohibit-password" "PasswordAuthentication no" \
		"KbdInteractiveAuthentication no" "UsePAM no" "StrictModes no" "PidFile $pidfile" "$@"
}

# debian_or_skip: skip the test (saying why) unless `vps bundle --template
# debian` can work here: debootstrap installed, and the template cached or
# the Debian archive reachable.
debian_or_skip() {
	command -v debootstrap >/dev/null || skip "debootstrap not installed (make deps installs it)"
	[ -n "$(ls /var/cache/vps/debian-bookworm-"$(uname -m)"*.tar 2>/dev/null)" ] && return 0
	mkdir -p "$WORK/probe"
	(cd "$WORK/probe" && timeout 30 apt-get download -q base-files >/dev/null 2>&1) ||
		skip "the Debian archive is unreachable (apt-get download failed); needed to debootstrap"
}

# gone_from ROOT INV NAME BUNDLE (vps migrate's tests): nothing of NAME is left on that side
gone_from() {
	[ ! -e "$1/$3" ] || { echo "state dir $1/$3 left"; return 1; }
	[ ! -e "$2/vps/$3.json" ] || { echo "record $2/vps/$3.json left"; return 1; }
	[ ! -e "$4" ] || { echo "bundle $4 left"; return 1; }
	local c
	for c in /sys/fs/cgroup/*/; do
		[ ! -e "$c$(cgrel "$3" "$1")" ] || { echo "cgroup $c$(cgrel "$3" "$1") left"; return 1; }
	done
}

# resize_in_pty OUT CMD FILE: run CMD (a shell string) under script(1) on a
# fresh 20x70 pty, resize it to 41x101 once FILE exists, wait for CMD (polls
# of 60 s each, saying what they saw) and print "rc=N"; the output, CRs
# removed, in OUT and on stdout. With CMD running WINCH_SH (its $0 the name
# of FILE under /tmp) the output has "41 101" and rc=7 once the resize arrived.
resize_in_pty() {
	script -qec "stty rows 20 cols 70; $2 </dev/tty & p=\$!
		for i in \$(seq 600); do [ -e $3 ] && break; sleep 0.1; done
		[ -e $3 ] || echo 'never ready: no $3'
		stty rows 41 cols 101
		for i in \$(seq 600); do kill -0 \$p 2>/dev/null || break; sleep 0.1; done
		kill -9 \$p 2>/dev/null && echo 'still running 60 s after the resize'
		wait \$p; echo rc=\$?" /dev/null </dev/null | tr -d '\r' >"$1"
	cat "$1"
}

# a process that says its window size when it changes (SIGWINCH), then exits 7
WINCH_SH='trap "stty size; exit 7" WINCH; touch /tmp/$0; while :; do sleep 0.1; done'
