#!/usr/bin/env bats
# vps bundle: templates -> ordinary OCI bundles (config.json contents, rootfs
# contents, refusal to overwrite, cleanup on bad input, runc can run them).
# timeout: 900
load helpers

setup_file() { vps_setup_file; }
teardown_file() { vps_teardown_file; }

@test "vf- bundle --template busybox: a VPS rootfs and config.json" {
	run v bundle "$WORK/web1"
	[ "$status" -eq 0 ]
	B=$WORK/web1 R=$WORK/web1/rootfs
	cfg() { jq -r "$1" "$B/config.json"; }
	[ "$(cfg '.process.args | join(" ")')" = /sbin/init ]
	[ "$(cfg .process.terminal)" = false ]
	[ "$(cfg .hostname)" = web1 ]
	[ "$(cfg .root.path)" = rootfs ]
	[ "$(cfg .root.readonly)" = false ]
	[ "$(cfg .linux.resources.memory.limit)" = $((512 << 20)) ]
	[ "$(cfg .linux.resources.pids.limit)" = 1024 ]
	[ "$(cfg .linux.seccomp.defaultAction)" = SCMP_ACT_ALLOW ]
	cfg '.linux.seccomp.syscalls[0].names' | grep -q '"kexec_load"'
	[ "$(cfg '.annotations["org.vps.name"]')" = web1 ]
	[ "$(cfg '.linux.namespaces | map(.type) | sort | join(",")')" = ipc,mount,network,pid,user,uts ]
	cfg '.process.capabilities.bounding[]' | grep -qx CAP_SETUID
	! cfg '.process.capabilities.bounding[]' | grep -qx CAP_SYS_ADMIN
	[ -x "$R/bin/busybox" ]
	[ "$(readlink "$R/sbin/init")" = /bin/busybox ]
	[ "$(readlink "$R/bin/su")" = /bin/busybox ]
	[ "$(readlink "$R/bin/login")" = /bin/busybox ]
	[ "$(cat "$R/etc/hostname")" = web1 ]
	grep -q 'web1' "$R/etc/hosts"
	grep -q '^::respawn:/usr/sbin/httpd' "$R/etc/inittab"
	[ "$(stat -c %a:%g "$R/etc/shadow")" = 640:42 ]
	[ "$(stat -c %a:%g "$R/etc/gshadow")" = 640:42 ]
	[ "$(stat -c %a "$R/tmp")" = 1777 ]
	grep -q '^root:x:0:0:' "$R/etc/passwd"
	grep -q '^root:!:' "$R/etc/shadow" # locked until vps passwd
	grep -q '^shadow:x:42:' "$R/etc/group"
	# busybox init is a real init: it runs rcS from a chroot of this rootfs, in
	# namespaces of its own with the hostname the runtime would set (the host's
	# own hostname and mounts are never touched)
	unshare --uts --mount --ipc --fork chroot "$R" /bin/sh -c \
		'hostname "$(cat /etc/hostname)" && /etc/init.d/rcS && cat /var/log/boot.log' | grep -q 'web1 up'
}

@test "vf- bundle options: name, hostname, limits, network and vm annotations" {
	v bundle "$WORK/b2" --name vf-b2 --hostname host-b2 --memory 64M --pids 99 --cpus 0.5 \
		--ip 10.88.0.5/24 --bridge vpsbr0 --gateway 10.88.0.1 --vm \
		--ip6 auto --publish 8080:80 --dns 192.0.2.53
	cfg() { jq -r "$1" "$WORK/b2/config.json"; }
	[ "$(cfg .hostname)" = host-b2 ]
	[ "$(cat "$WORK/b2/rootfs/etc/hostname")" = host-b2 ]
	[ "$(cfg .linux.resources.memory.limit)" = $((64 << 20)) ]
	[ "$(cfg .linux.resources.pids.limit)" = 99 ]
	[ "$(cfg .linux.resources.cpu.quota):$(cfg .linux.resources.cpu.period)" = 50000:100000 ]
	[ "$(cfg '.annotations["org.vps.name"]')" = vf-b2 ]
	[ "$(cfg '.annotations["org.vps.net.ip"]')" = 10.88.0.5/24 ]
	[ "$(cfg '.annotations["org.vps.net.bridge"]')" = vpsbr0 ]
	[ "$(cfg '.annotations["org.vps.net.gateway"]')" = 10.88.0.1 ]
	[ "$(cfg '.annotations["org.vps.isolation"]')" = vm ]
	[ "$(cfg '.annotations["org.vps.net.ip6"]')" = auto ]
	[ "$(cfg '.annotations["org.vps.net.publish"]')" = 8080:80 ]
	[ "$(cfg '.annotations["org.vps.net.dns"]')" = 192.0.2.53 ]
}

@test "vf- bundle --seccomp FILE|none" {
	echo '{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["chroot"],"action":"SCMP_ACT_ERRNO"}]}' >"$WORK/p.json"
	v bundle "$WORK/sc1" --seccomp "$WORK/p.json"
	[ "$(jq -c .linux.seccomp "$WORK/sc1/config.json")" = "$(jq -c . "$WORK/p.json")" ]
	v bundle "$WORK/sc2" --seccomp none
	[ "$(jq -r '.linux.seccomp' "$WORK/sc2/config.json")" = null ]
}

@test "vf- bundle refuses a non-empty DIR and leaves it alone" {
	mkdir -p "$WORK/full" && echo keep >"$WORK/full/file"
	run v bundle "$WORK/full"
	[ "$status" -eq 1 ]
	[[ $output == *"$WORK/full: exists and is not empty; not overwriting it"* ]]
	[ "$(ls "$WORK/full")" = file ] && [ "$(cat "$WORK/full/file")" = keep ]
	mkdir -p "$WORK/empty"
	v bundle "$WORK/empty" --name vf-empty
	[ -f "$WORK/empty/config.json" ]
}

@test "vf- bundle: bad options fail clearly and leave nothing behind" {
	bad() {
		run v bundle "$WORK/bad" "$@"
		[ "$status" -ne 0 ] || { echo "accepted: $*"; return 1; }
		[[ $output == *"$MSG"* ]] || { echo "message: $output"; return 1; }
		[ ! -e "$WORK/bad" ] || { echo "left $WORK/bad behind"; return 1; }
	}
	MSG='--memory "12X": expected a size' bad --memory 12X
	MSG='--memory "-5"' bad --memory -5
	MSG='--cpus "abc"' bad --cpus abc
	MSG='--pids 0: below 8' bad --pids 0
	MSG='--pids 7: below 8' bad --pids 7
	MSG='--memory 0: below 1M' bad --memory 0
	MSG='--memory 524288: below 1M' bad --memory 512K
	MSG='--cpus "4097"' bad --cpus 4097
	MSG="--cpus 999: this host has only $(nproc) CPU" bad --cpus 999
	MSG='--template nope: expected busybox' bad --template nope
	# network options are checked by create's own code before anything is written
	MSG='org.vps.net.ip: bad prefix length' bad --ip 10.1.2.3/33
	MSG='org.vps.net.publish needs org.vps.net.ip' bad --publish 8080:80
	MSG='"10.0.0.300" is not an IP address' bad --ip 10.0.0.300/24 --template debian
	MSG='dir:/nonexistent' bad --template dir:/nonexistent
	MSG="tar:$WORK/none.tar" bad --template "tar:$WORK/none.tar"
	MSG='hostname "bad_host!"' bad --hostname 'bad_host!'
	MSG='--name' bad --name 'a/b'
	MSG='suite "Bad Suite"' bad --template 'debian:Bad Suite'
	MSG="--seccomp: open $WORK/nope.json" bad --seccomp "$WORK/nope.json"
	echo '[1]' >"$WORK/notprofile.json"
	MSG='not an OCI seccomp profile' bad --seccomp "$WORK/notprofile.json"
	echo 'not a tarball' >"$WORK/junk.tar"
	MSG='tar failed' bad --template "tar:$WORK/junk.tar"
	mkdir -p "$WORK/keep"
	run v bundle "$WORK/keep" --memory 1Q
	[ "$status" -eq 1 ] && [ -d "$WORK/keep" ] && [ -z "$(ls -A "$WORK/keep")" ]
	run v bundle "$WORK/keep" --template nope
	[ "$status" -eq 1 ] && [ -d "$WORK/keep" ] && [ -z "$(ls -A "$WORK/keep")" ]
}

@test "vf- bundle reports its phases on a terminal and is quiet when piped" {
	run script -qec "$VPS bundle $WORK/prog-tty --name vf-prog" /dev/null
	[ "$status" -eq 0 ]
	[[ "$output" == *"vps bundle [  0.0s] installing busybox into $WORK/prog-tty/rootfs"* ]]
	[[ "$output" == *"vps bundle ["*"s] writing $WORK/prog-tty/config.json"* ]]
	[[ "$output" == *"is ready: vps run -d --bundle $WORK/prog-tty vf-prog"* ]]
	run bash -c "'$VPS' bundle '$WORK/prog-pipe' 2>&1 | cat"
	[ "$status" -eq 0 ]
	[ -z "$output" ]
}

@test "vf- bundle --template dir:PATH and tar:FILE copy a tree as it is" {
	v bundle "$WORK/src" --name vf-src
	echo marker >"$WORK/src/rootfs/root/marker"
	chown 1234:5678 "$WORK/src/rootfs/root/marker"
	v bundle "$WORK/fromdir" --template "dir:$WORK/src/rootfs"
	[ "$(cat "$WORK/fromdir/rootfs/root/marker")" = marker ]
	[ "$(stat -c %u:%g "$WORK/fromdir/rootfs/root/marker")" = 1234:5678 ]
	[ "$(cat "$WORK/fromdir/rootfs/etc/hostname")" = fromdir ]
	[ "$(jq -r .hostname "$WORK/fromdir/config.json")" = fromdir ]
	tar -C "$WORK/src/rootfs" -cf "$WORK/src.tar" .
	v bundle "$WORK/fromtar" --template "tar:$WORK/src.tar" --name vf-fromtar
	[ "$(stat -c %u:%g "$WORK/fromtar/rootfs/root/marker")" = 1234:5678 ]
	[ "$(jq -r '.process.args[0]' "$WORK/fromtar/config.json")" = /sbin/init ]
	# a tree without /sbin/init gets a shell as pid 1
	mkdir -p "$WORK/mini/bin" && cp /bin/busybox "$WORK/mini/bin/sh"
	v bundle "$WORK/frommini" --template "dir:$WORK/mini"
	[ "$(jq -r '.process.args[0]' "$WORK/frommini/config.json")" = /bin/sh ]
}

@test "vf- a vps bundle is an ordinary OCI bundle: runc runs it" {
	command -v runc >/dev/null || skip "runc not installed (apt-get install runc)"
	# --userns host: a mapped VPS's idmapped rootfs is made by vps's create
	# (annotation org.vps.rootfs.idmap), which runc does not know
	v bundle "$WORK/vf-runc" --name vf-runc --userns host
	set_args "$WORK/vf-runc" /bin/sh -c 'hostname; id -u; cat /etc/hostname'
	run timeout 60 runc --root "$WORK/runc-state" run --bundle "$WORK/vf-runc" vf-runc1
	echo "$output"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = vf-runc ]
	[ "${lines[1]}" = 0 ]
	[ "${lines[2]}" = vf-runc ]
	# the default seccomp profile denies what it lists
	set_args "$WORK/vf-runc" /bin/sh -c 'swapoff /x 2>&1; echo rc=$?'
	run timeout 60 runc --root "$WORK/runc-state" run --bundle "$WORK/vf-runc" vf-runc2
	[[ $output == *"Operation not permitted"* ]]
}

@test "vf- bundle --template debian --init sysvinit: debootstrap once, then from the cache" {
	command -v debootstrap >/dev/null || skip "debootstrap not installed (make deps installs it)"
	cache=/var/cache/vps/debian-bookworm-$(uname -m).tar
	if [ ! -e "$cache" ]; then
		mkdir -p "$WORK/probe"
		(cd "$WORK/probe" && timeout 30 apt-get download -q base-files >/dev/null 2>&1) ||
			skip "the Debian archive is unreachable (apt-get download failed); needed to debootstrap"
	fi
	run timeout 1200 "$VPS" --debug bundle "$WORK/deb1" --template debian --init sysvinit --name vf-deb1
	echo "$output" | tail -5
	[ "$status" -eq 0 ]
	[ -s "$cache" ]
	R=$WORK/deb1/rootfs
	grep -q '^12' "$R/etc/debian_version"
	[ -x "$R/sbin/init" ]
	[ "$(cat "$R/etc/hostname")" = vf-deb1 ]
	! grep -q getty "$R/etc/inittab"
	run timeout 600 "$VPS" --debug bundle "$WORK/deb2" --template debian:bookworm --init sysvinit --name vf-deb2
	[ "$status" -eq 0 ]
	[[ $output == *"using cached $cache"* ]]
	# accounts: Debian's login.defs asks for SHA512; Debian's su checks it
	echo 'deb-pw' | v passwd --bundle "$WORK/deb2" --stdin
	echo pw2 | v useradd --bundle "$WORK/deb2" --create-home --password-stdin dana
	chroot "$WORK/deb2/rootfs" id dana | grep -q 'uid=1000(dana) gid=1000(dana)'
	[ "$(stat -c %U "$WORK/deb2/rootfs/home/dana")" = 1000 ] || [ "$(stat -c %u "$WORK/deb2/rootfs/home/dana")" = 1000 ]
	chroot "$WORK/deb2/rootfs" pwck -r -q
	chroot "$WORK/deb2/rootfs" grpck -r
}

# as_nobody CMD...: run CMD as an unprivileged host user (uid/gid 65534, no
# groups). Through sh: setpriv itself still holds root's capabilities while it
# execs (the path walk of its execve would pass a 0700 directory).
as_nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups -- /bin/sh -c '"$@"' sh "$@"; }

@test "vf- a bundle's setuid files and device nodes are out of reach of host users" {
	chmod 711 "$WORK" # as a bundle under /srv or /var/lib would be
	mkdir -m 755 "$WORK/pub"
	v bundle "$WORK/pub/b4" --name vf-b4
	R=$WORK/pub/b4/rootfs
	[ "$(stat -c %a "$WORK/pub/b4")" = 700 ]
	[ "$(stat -c %a "$R")" = 755 ] # the VPS's own "/" stays usable by its users
	# what a running VPS can plant with its default CAP_FSETID and CAP_MKNOD
	cp /bin/cat "$R/bin/suidcat" && chown 0:0 "$R/bin/suidcat" && chmod 4755 "$R/bin/suidcat"
	mknod -m 666 "$R/dev/planted" c 1 5 # /dev/zero, world-readable
	run as_nobody "$R/bin/suidcat" /etc/shadow
	echo "suidcat: $status $output"
	[ "$status" -ne 0 ]
	[[ $output != *root:* ]]
	run as_nobody head -c 4 "$R/dev/planted"
	echo "device: $status $output"
	[ "$status" -ne 0 ]
	run as_nobody ls "$WORK/pub/b4"
	[ "$status" -ne 0 ]
	[[ $output == *"Permission denied"* ]]
	# an existing empty DIR is made 0700 too
	mkdir -m 755 "$WORK/pub/b5"
	v bundle "$WORK/pub/b5" --name vf-b5
	[ "$(stat -c %a "$WORK/pub/b5")" = 700 ]
	chmod 700 "$WORK"
}

@test "vf- dir:/tar: templates lose their device nodes unless --keep-devices" {
	mkdir -p "$WORK/devt/dev" "$WORK/devt/bin"
	mknod "$WORK/devt/dev/disk" b 8 0 && mknod "$WORK/devt/dev/mem" c 1 1 && mkfifo "$WORK/devt/dev/fifo"
	cp /bin/busybox "$WORK/devt/bin/sh"
	tar -C "$WORK/devt" -cf "$WORK/devt.tar" .
	v bundle "$WORK/dv1" --template "tar:$WORK/devt.tar"
	v bundle "$WORK/dv2" --template "dir:$WORK/devt"
	for b in dv1 dv2; do
		[ ! -e "$WORK/$b/rootfs/dev/disk" ] || false
		[ ! -e "$WORK/$b/rootfs/dev/mem" ] || false
		[ -p "$WORK/$b/rootfs/dev/fifo" ] || false
		[ -x "$WORK/$b/rootfs/bin/sh" ] || false
	done
	v bundle "$WORK/dv3" --template "tar:$WORK/devt.tar" --keep-devices
	[ -b "$WORK/dv3/rootfs/dev/disk" ]
	[ -c "$WORK/dv3/rootfs/dev/mem" ]
}

@test "vf- dir:/tar: templates: a symlink on the path or a source owned by another user is refused" {
	mkdir -p "$WORK/secret" && echo s3cret >"$WORK/secret/key" && chmod 700 "$WORK/secret"
	tar -C "$WORK/secret" -cf "$WORK/secret.tar" . && chmod 600 "$WORK/secret.tar"
	# a user's own directory: whatever it holds (or is swapped for) is not copied
	mkdir -p "$WORK/user/tmpl/bin" && cp /bin/busybox "$WORK/user/tmpl/bin/sh"
	tar -C "$WORK/user/tmpl" -cf "$WORK/user/t.tar" .
	chown -R 65534:65534 "$WORK/user"
	run v bundle "$WORK/sw1" --template "dir:$WORK/user/tmpl"
	[ "$status" -eq 1 ]
	[[ $output == *"owned by uid 65534, neither root nor you"* ]]
	[ ! -e "$WORK/sw1" ]
	run v bundle "$WORK/sw2" --template "tar:$WORK/user/t.tar"
	[ "$status" -eq 1 ]
	[[ $output == *"owned by uid 65534, neither root nor you"* ]]
	# the swap itself: the user's name now a symlink to a root-only tree or file
	rm -rf "$WORK/user/tmpl" "$WORK/user/t.tar"
	ln -s "$WORK/secret" "$WORK/user/tmpl" && ln -s "$WORK/secret.tar" "$WORK/user/t.tar"
	mkdir -p "$WORK/user/dir" && ln -s "$WORK/secret" "$WORK/user/dir/link"
	for t in "dir:$WORK/user/tmpl" "tar:$WORK/user/t.tar" "dir:$WORK/user/dir/link/."; do
		run v bundle "$WORK/sw3" --template "$t"
		echo "$t: $status $output"
		[ "$status" -eq 1 ] || false
		[[ $output == *"a symlink on the path"* ]] || false
		[ ! -e "$WORK/sw3" ] || false
	done
	# root's own template, by its real path, still works
	v bundle "$WORK/sw4" --template "tar:$WORK/secret.tar"
	[ "$(cat "$WORK/sw4/rootfs/key")" = s3cret ]
}
