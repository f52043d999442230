# Helpers of bench/bench.sh (sourced): bundles, runtimes, one function per row.
# Globals from bench.sh: TOP B WORK TAG LOG SAMPLES REPS BATCH PAR SYSLOOP_N ROWS VPS.

declare -A BIN
RTS=()
NOTES=()
FAILS=0
# docker's default capability set: decides which gated rules of the profile apply
DOCKER_CAPS='["CAP_CHOWN","CAP_DAC_OVERRIDE","CAP_FSETID","CAP_FOWNER","CAP_MKNOD","CAP_NET_RAW",
"CAP_SETGID","CAP_SETUID","CAP_SETFCAP","CAP_SETPCAP","CAP_NET_BIND_SERVICE","CAP_SYS_CHROOT",
"CAP_KILL","CAP_AUDIT_WRITE"]'

jqf() { # jqf FILE FILTER [ARGS...]: edit FILE in place
	local f=$1; shift
	jq "$@" "$f" >"$f.tmp" && mv "$f.tmp" "$f"
}

# bundle NAME JQ-FILTER [JQ ARGS...]: $WORK/NAME, a copy of the base config edited
bundle() {
	local d=$WORK/$1; shift
	mkdir -p "$d"
	jq "$@" "$WORK/base/config.json" >"$d/config.json" || { echo "bench: bundle $d" >&2; exit 2; }
}

setup_bundles() {
	local r=$WORK/rootfs a
	mkdir -p "$r"/{bin,proc,sys,dev,tmp,etc} "$WORK/base" "$WORK/roots"
	# state roots on a tmpfs, as /run (the runtimes' default) is on a real host
	# (ROOTS_ON_DISK=1: leave them on /tmp's filesystem, to see what fsync costs)
	[ "${ROOTS_ON_DISK:-0}" = 1 ] ||
		mount -t tmpfs -o mode=0700,size=64m vpsbench-roots "$WORK/roots" || exit 2
	cp /bin/busybox "$r/bin/busybox"
	for a in true sleep sh cat; do ln -s busybox "$r/bin/$a"; done
	cp "$B/sysloop" "$r/sysloop"
	echo 'root:x:0:0:root:/:/bin/sh' >"$r/etc/passwd"
	(cd "$WORK/base" && runc spec) || { echo "bench: runc spec failed" >&2; exit 2; }
	jqf "$WORK/base/config.json" --arg r "$r" \
		'.process.terminal = false | .process.args = ["/bin/true"] | .root.path = $r'
	jq -f "$TOP/bench/seccomp-oci.jq" --arg arch amd64 --argjson caps "$DOCKER_CAPS" \
		"$TOP/bench/seccomp-default.json" >"$WORK/seccomp.json" || exit 2
	bundle b-true '.'
	bundle b-seccomp --slurpfile s "$WORK/seccomp.json" '.linux.seccomp = $s[0]'
	bundle b-limits '.linux.resources.memory.limit = 268435456 | .linux.resources.pids.limit = 512'
	bundle b-sleep '.process.args = ["/bin/sleep", "100000"]'
	bundle b-sysloop --slurpfile s "$WORK/seccomp.json" --arg n "$SYSLOOP_N" \
		'.linux.seccomp = $s[0] | .process.args = ["/sysloop", $n]'
	bundle b-sysloop-nosec --arg n "$SYSLOOP_N" '.process.args = ["/sysloop", $n]'
}

# rt RUNTIME ARGS...: the runtime with its own state root
rt() {
	local r=$1; shift
	"${BIN[$r]}" --root "$WORK/roots/$r" "$@"
}

pick_runtimes() {
	local want=${RUNTIMES:-vps crun runc} r p err
	for r in $want; do
		if [ "$r" = vps ]; then p=$VPS; else p=$(command -v "$r" || true); fi
		if [ -z "$p" ] || [ ! -x "$p" ]; then NOTES+=("$r: not found, left out"); continue; fi
		BIN[$r]=$p
		mkdir -p "$WORK/roots/$r"
		if ! err=$(rt "$r" run -b "$WORK/b-true" "$TAG-probe-$r" 2>&1 </dev/null); then
			echo "$err" >>"$LOG"
			NOTES+=("$r: \`$r run\` of /bin/true failed ($(tail -n 1 <<<"$err")), left out")
			rt "$r" delete --force "$TAG-probe-$r" >/dev/null 2>&1
			continue
		fi
		RTS+=("$r")
	done
	[ ${#RTS[@]} -gt 0 ] || { echo "bench: no runtime works" >&2; exit 2; }
}

# rotated REP: the runtimes in the order for this repetition
rotated() {
	local n=${#RTS[@]} i
	for ((i = 0; i < n; i++)); do echo "${RTS[$(((i + $1) % n))]}"; done
}

want_row() { [[ $1 =~ $ROWS ]]; }

# measure ROW RUNTIME REP [TIMEIT-OPTS] -- CMD...: one timed sample
measure() {
	local row=$1 r=$2 rep=$3 out line extra=""
	shift 3
	out=$("$B/timeit" "$@" 2>>"$LOG" </dev/null)
	line=$(grep '^wall_us=' <<<"$out" | tail -1)
	extra=$(grep -v '^wall_us=' <<<"$out" | head -1)
	if [ -z "$line" ] || ! grep -q 'failed=0' <<<"$line"; then
		FAILS=$((FAILS + 1))
		echo "FAIL $row $r rep $rep: ${line:-no result} ($*)" | tee -a "$LOG" >&2
	fi
	# wall_us=.. user_us=.. sys_us=.. maxrss_kb=.. failed=..  ->  tab separated
	printf '%s\t%s\t%s\t%s\t%s\n' "$row" "$r" "$rep" \
		"$(sed 's/[a-z_]*=//g; s/ /\t/g' <<<"$line")" "$extra" >>"$SAMPLES"
}

# record ROW RUNTIME EXTRA: a sample that is a fact, not a timing
record() { printf '%s\t%s\t0\t0\t0\t0\t0\t0\t%s\n' "$1" "$2" "$3" >>"$SAMPLES"; }

row_run() { # row_run NAME BUNDLE
	local name=$1 bundle=$2 rep r
	want_row "$name" || return 0
	echo "# row $name" >>"$LOG"
	for ((rep = 1; rep <= REPS; rep++)); do
		for r in $(rotated "$rep"); do
			measure "$name" "$r" "$rep" -- "${BIN[$r]}" --root "$WORK/roots/$r" run \
				-b "$bundle" "$TAG-$name-$r-$rep"
		done
	done
}

wait_stopped() { # wait_stopped RUNTIME ID: until state says stopped (<= 5 s; 0.2 s if state fails)
	local i out bad=0
	for ((i = 0; i < 500 && bad < 20; i++)); do
		if out=$(rt "$1" state "$2" 2>/dev/null); then
			grep -qE '"status": *"stopped"' <<<"$out" && return 0
		else
			bad=$((bad + 1))
		fi
		sleep 0.01
	done
	return 1
}

row_lifecycle() {
	local rep r id
	want_row lifecycle || return 0
	echo "# row create/start/delete" >>"$LOG"
	for ((rep = 1; rep <= REPS; rep++)); do
		for r in $(rotated "$rep"); do
			id=$TAG-l-$r-$rep
			R=(-- "${BIN[$r]}" --root "$WORK/roots/$r")
			measure create "$r" "$rep" "${R[@]}" create -b "$WORK/b-true" "$id"
			measure start "$r" "$rep" "${R[@]}" start "$id"
			wait_stopped "$r" "$id" || echo "bench: $r $id did not stop" >>"$LOG"
			measure delete "$r" "$rep" "${R[@]}" delete "$id"
			rt "$r" delete --force "$id" >/dev/null 2>&1
		done
	done
}

row_exec() {
	local rep r ok=()
	want_row exec || return 0
	echo "# row exec" >>"$LOG"
	for r in "${RTS[@]}"; do
		if rt "$r" create -b "$WORK/b-sleep" "$TAG-exec-$r" </dev/null >>"$LOG" 2>&1 &&
			rt "$r" start "$TAG-exec-$r" >>"$LOG" 2>&1; then
			ok+=("$r")
		else
			FAILS=$((FAILS + 1))
			echo "FAIL exec $r: could not start the long-running container" | tee -a "$LOG" >&2
		fi
	done
	for ((rep = 1; rep <= REPS; rep++)); do
		for r in $(rotated "$rep"); do
			[[ " ${ok[*]} " == *" $r "* ]] || continue
			measure exec "$r" "$rep" -- "${BIN[$r]}" --root "$WORK/roots/$r" exec \
				"$TAG-exec-$r" /bin/true
		done
	done
	for r in "${RTS[@]}"; do
		rt "$r" kill "$TAG-exec-$r" KILL >/dev/null 2>&1
		wait_stopped "$r" "$TAG-exec-$r"
		rt "$r" delete --force "$TAG-exec-$r" >>"$LOG" 2>&1
	done
}

row_batch() { # row_batch NAME PARALLELISM: BATCH runs of /bin/true
	local name=$1 par=$2 rep r reps=$((REPS >= 15 ? 5 : 1))
	want_row "$name" || return 0
	echo "# row $name" >>"$LOG"
	for ((rep = 1; rep <= reps; rep++)); do
		for r in $(rotated "$rep"); do
			measure "$name" "$r" "$rep" -n "$BATCH" -j "$par" -- "${BIN[$r]}" \
				--root "$WORK/roots/$r" run -b "$WORK/b-true" "$TAG-$name-$r-$rep-{}"
		done
	done
}

row_syscalls() {
	local rep r reps=$((REPS > 9 ? 9 : REPS))
	want_row syscall || return 0
	echo "# row syscalls" >>"$LOG"
	for ((rep = 1; rep <= reps; rep++)); do
		measure syscall-native host "$rep" -o -- "$WORK/rootfs/sysloop" "$SYSLOOP_N"
		measure syscall-allowall host "$rep" -o -- "$WORK/rootfs/sysloop" "$SYSLOOP_N" --allow-all
		for r in $(rotated "$rep"); do
			measure syscall-seccomp "$r" "$rep" -o -- "${BIN[$r]}" --root "$WORK/roots/$r" \
				run -b "$WORK/b-sysloop" "$TAG-sc-$r-$rep"
			measure syscall-noseccomp "$r" "$rep" -o -- "${BIN[$r]}" --root "$WORK/roots/$r" \
				run -b "$WORK/b-sysloop-nosec" "$TAG-sn-$r-$rep"
		done
	done
}

row_floors() {
	local rep
	want_row floor || return 0
	for ((rep = 1; rep <= REPS; rep++)); do
		measure floor-fork-exec host "$rep" -- "$WORK/rootfs/bin/true"
		measure floor-unshare-chroot host "$rep" -- "$B/floor" "$WORK/rootfs" /bin/true
	done
}

# size of the (stripped) binary and of the shared libraries it needs that are not glibc's
row_sizes() {
	local r bin libs l total
	want_row size || return 0
	for r in "${RTS[@]}"; do
		bin=$(readlink -f "${BIN[$r]}")
		total=0 libs=""
		for l in $(ldd "$bin" 2>/dev/null | awk '$2 == "=>" && $3 ~ /^\// {print $3}'); do
			case ${l##*/} in
			libc.so* | libm.so* | libpthread.so* | libdl.so* | librt.so* | ld-linux*) continue ;;
			esac
			total=$((total + $(stat -Lc %s "$l")))
			libs+="${l##*/},"
		done
		# stripped, as a distribution ships it (Debian's crun and runc already are)
		strip -o "$WORK/stripped-$r" "$bin" 2>/dev/null || cp "$bin" "$WORK/stripped-$r"
		record size "$r" "bin=$(stat -c %s "$WORK/stripped-$r") libs=$total names=${libs%,}"
	done
}

cleanup() {
	local r id d
	for r in "${!BIN[@]}"; do
		for id in $(ls "$WORK/roots/$r" 2>/dev/null); do
			rt "$r" kill "$id" KILL >/dev/null 2>&1
			rt "$r" delete --force "$id" >/dev/null 2>&1
		done
	done
	# cgroups named after our containers (the runtimes' own paths, any depth <= 3)
	for d in $(find /sys/fs/cgroup -maxdepth 4 -type d -name "*$TAG-*" 2>/dev/null | sort -r); do
		rmdir "$d" 2>/dev/null || echo "bench: cannot remove cgroup $d" >>"$LOG"
	done
	grep -o " $WORK[^ ]*" /proc/self/mounts 2>/dev/null | sort -r | while read -r d; do umount -l "$d"; done
	rm -rf "$WORK"
}

source "$TOP/bench/summary.sh"
source "$TOP/bench/profile.sh"
