#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Provide a working criu in a private prefix, without touching the system.
#
#   criu-private.sh [DIR]      (default /var/cache/vps; a path ending in
#                               /criu-SUITE, as older callers pass, means its DIR)
#
# Prints the path of an executable `criu` on stdout: the first that passes
# `criu check` and dumps a process holding a TCP socket (the probe below), of
# the system's criu, then DIR/criu-SUITE/bin/criu for each SUITE of
# $CRIU_SUITES (default "trixie forky"), made when missing: a wrapper that runs
# the criu unpacked from that Debian suite through the prefix's own dynamic
# loader. Debian 12's criu 3.17 fails `criu check` on 6.x kernels with newer
# vDSOs; trixie's 4.1.1 passes it but cannot dump any TCP socket on Linux
# >= 6.16 (getsockopt(SO_PASSCRED) on a TCP socket is EOPNOTSUPP there since
# kernel commit 7d8d93fdde50b; criu >= 4.2 asks only AF_UNIX/AF_NETLINK
# sockets), forky's 4.2.1 does. When none passes the TCP probe, the first one
# that passes `criu check` is printed, with the probe's reason on stderr.
#
# How: a private apt configuration (own sources list, lists, cache and status)
# whose URIs are read at run time from the system's /etc/apt/sources.list.d/*.sources
# and sources.list, with the suite changed; `apt-get download` criu and
# the libraries it needs (libc6 and the rest of its Depends), `dpkg -x` each into
# PREFIX/root. Nothing is installed into the system and no archive host name is
# written in this repository. Exit 1 with the reason on stderr when none works.
set -euo pipefail
DIR=${1:-/var/cache/vps}
case $DIR in */criu-*) DIR=$(dirname "$DIR") ;; esac
SUITES=${CRIU_SUITES:-${CRIU_SUITE:-trixie forky}}

say() { echo "criu-private: $*" >&2; }

# tcp_ok CRIU: it dumps a process that holds a listening TCP socket (the
# process is killed by the dump, or here). The reason goes to $why.
why=
tcp_ok() {
	local criu=$1 d pid i ok=1
	d=$(mktemp -d "${TMPDIR:-/tmp}/criu-probe.XXXXXX")
	setsid perl -MSocket -e 'socket(my $s, PF_INET, SOCK_STREAM, 0) or die;
		bind($s, pack_sockaddr_in(0, INADDR_LOOPBACK)) or die; listen($s, 1) or die;
		sleep 30' </dev/null >/dev/null 2>&1 &
	pid=$!
	for i in $(seq 50); do
		ls -l "/proc/$pid/fd" 2>/dev/null | grep -q socket: && break
		sleep 0.05
	done
	if "$criu" dump -t "$pid" -D "$d" -o dump.log --shell-job >/dev/null 2>&1; then
		ok=0
	else
		# criu says Error when it may not raise RLIMIT_NOFILE: not the reason
		why=$(grep 'Error (' "$d/dump.log" 2>/dev/null | grep -v RLIMIT_NOFILE |
			head -1 | sed 's/.*): //') || true
		why="${why:-criu dump failed}"
	fi
	kill -KILL "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
	rm -rf "$d"
	return $ok
}

fallback=
# try CRIU: prints it and exits when it works fully; remembers the first that
# passes `criu check` only.
try() {
	local criu=$1
	"$criu" check >/dev/null 2>&1 || return 0
	if tcp_ok "$criu" 2>/dev/null; then # (bash's "Killed" notice of the probe)
		echo "$criu"
		exit 0
	fi
	say "$criu ($("$criu" --version | sed -n 's/^Version: //p')) cannot dump a TCP socket here: $why"
	[ -n "$fallback" ] || fallback=$criu
}

# The system's criu, if it passes, needs nothing more.
if sys=$(command -v criu 2>/dev/null); then
	try "$sys"
fi

# build SUITE PREFIX: criu of SUITE unpacked into PREFIX (a subshell: its
# failure, said on stderr, lets the next suite be tried)
build() (
	SUITE=$1 PREFIX=$2
	# One deb line per distinct URI found in the system's sources, suite replaced.
	uris() {
		local f
		for f in /etc/apt/sources.list.d/*.sources; do
			[ -r "$f" ] || continue
			sed -n 's/^URIs:[[:space:]]*//p' "$f"
		done
		if [ -r /etc/apt/sources.list ]; then
			awk '$1 == "deb" { for (i = 2; i <= NF; i++) if ($i ~ /^[a-z]+:\/\//) { print $i; break } }' \
				/etc/apt/sources.list
		fi
	}
	apt_dir=$(mktemp -d "${TMPDIR:-/tmp}/criu-apt.XXXXXX")
	trap 'rm -rf "$apt_dir"' EXIT
	mkdir -p "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial" "$apt_dir/etc" \
		"$apt_dir/debs"
	: >"$apt_dir/status"
	# A URI ending in -security serves "SUITE-security"; the others serve SUITE.
	for u in $(uris | tr ' ' '\n' | sort -u); do
		case "$u" in
		*-security) echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $u $SUITE-security main" ;;
		*) echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $u $SUITE main" ;;
		esac
	done >"$apt_dir/etc/sources.list"
	if ! [ -s "$apt_dir/etc/sources.list" ]; then
		say "no archive URIs in /etc/apt/sources.list.d/*.sources or /etc/apt/sources.list"
		exit 1
	fi
	opts=(-o "Dir::State::Lists=$apt_dir/lists" -o "Dir::State::status=$apt_dir/status"
		-o "Dir::Cache=$apt_dir/cache" -o "Dir::Etc::SourceList=$apt_dir/etc/sources.list"
		-o "Dir::Etc::SourceParts=$apt_dir/etc/none" -o "Dir::Etc::Preferences=$apt_dir/etc/none"
		-o "Dir::Etc::PreferencesParts=$apt_dir/etc/none" -o "APT::Get::List-Cleanup=0"
		-o "Debug::NoLocking=1" -q)
	say "fetching $SUITE package lists into $apt_dir"
	if ! apt-get "${opts[@]}" update >"$apt_dir/update.log" 2>&1; then
		say "apt-get update of $SUITE failed:"
		tail -5 "$apt_dir/update.log" >&2
		exit 1
	fi
	# criu plus the closure of its library Depends (first alternative of each,
	# lib* and zlib only: the tools and data packages are not needed to run it).
	deps_of() {
		apt-cache "${opts[@]}" show --no-all-versions "$1" 2>/dev/null |
			sed -n 's/^\(Pre-\)\{0,1\}Depends: //p' | tr ',' '\n' |
			sed 's/|.*//; s/(.*)//; s/:any//; s/[[:space:]]//g' | grep -E '^(lib|zlib)' || true
	}
	pkgs=(criu)
	i=0
	while [ $i -lt ${#pkgs[@]} ] && [ $i -lt 100 ]; do
		for d in $(deps_of "${pkgs[$i]}"); do
			case " ${pkgs[*]} " in *" $d "*) ;; *) pkgs+=("$d") ;; esac
		done
		i=$((i + 1))
	done
	cd "$apt_dir/debs"
	for p in "${pkgs[@]}"; do
		if ! apt-get "${opts[@]}" download "$p" >>"$apt_dir/download.log" 2>&1; then
			say "apt-get download $p failed:"
			tail -3 "$apt_dir/download.log" >&2
			exit 1
		fi
	done
	rm -rf "$PREFIX.new"
	mkdir -p "$PREFIX.new/root" "$PREFIX.new/bin"
	for d in ./*.deb; do dpkg -x "$d" "$PREFIX.new/root"; done
	root=$PREFIX/root
	libs="$root/lib/x86_64-linux-gnu:$root/usr/lib/x86_64-linux-gnu"
	# merged-/usr (trixie) keeps the loader in usr/lib64; older layouts in lib64.
	ld=
	for l in usr/lib64 lib64; do
		[ -z "$ld" ] && [ -e "$PREFIX.new/root/$l/ld-linux-x86-64.so.2" ] && ld=$l/ld-linux-x86-64.so.2
	done
	if [ -z "$ld" ]; then
		say "no ld-linux-x86-64.so.2 in the unpacked libc6"
		exit 1
	fi
	ld=$root/$ld
	cat >"$PREFIX.new/bin/criu" <<-EOF
	#!/bin/sh
	# criu from Debian $SUITE, run through its own loader and libraries (criu-private.sh)
	exec "$ld" --library-path "$libs" "$root/usr/sbin/criu" "\$@"
	EOF
	chmod 755 "$PREFIX.new/bin/criu"
	rm -rf "$PREFIX"
	mv "$PREFIX.new" "$PREFIX"
	# Any library still missing shows up here, by name.
	if missing=$("$ld" --library-path "$libs" --list "$root/usr/sbin/criu" |
		grep 'not found'); then
		say "libraries missing from the prefix: $missing"
		exit 1
	fi
	if ! out=$("$PREFIX/bin/criu" check 2>&1); then
		say "$SUITE criu fails 'criu check' too: $(echo "$out" | tail -3)"
		exit 1
	fi
	say "criu $("$PREFIX/bin/criu" --version | sed -n 's/^Version: //p') in $PREFIX"
)

for suite in $SUITES; do
	prefix=$DIR/criu-$suite
	if ! [ -x "$prefix/bin/criu" ] || ! "$prefix/bin/criu" check >/dev/null 2>&1; then
		build "$suite" "$prefix" || continue
	fi
	try "$prefix/bin/criu"
done
if [ -n "$fallback" ]; then
	echo "$fallback"
	exit 0
fi
say "no criu passes 'criu check' (system's, or of ${SUITES// /, } in $DIR)"
exit 1
