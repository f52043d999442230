# profile_runtimes (sourced by bench/lib.sh; `bench/bench.sh profile`): where
# does a runtime's `run` of /bin/true spend its time? For each runtime, writes
# under $OUT/profile/:
#   RT.strace-c.txt      syscall counts and time, all processes (strace -f -c)
#   RT.strace-tl.txt     timeline with relative timestamps and durations
#   RT.perf-trace.txt    syscalls over 2 ms, 5 runs (perf trace: tracepoints, not
#                        ptrace, so durations are not inflated like strace's)
#   RT.perf-stat.txt     perf stat over 20 runs (task-clock, switches, faults)
#   RT.perf-report.txt   cpu-clock samples of 40 runs by symbol (perf record -g)
#   RT.ltrace-c.txt      library calls of the runtime process (ltrace -c)
#   RT.callgrind.txt     instructions by function (callgrind, vps parent only:
#                        valgrind has no clone3, so vps stops there with ENOSYS)
# PROFILE_BUNDLE=b-seccomp profiles the seccomp bundle instead.
# A tool that is missing or fails leaves a line saying so in its file.
profile_runtimes() {
	local P=$OUT/profile r i cmd
	mkdir -p "$P"
	for r in "${RTS[@]}"; do
		cmd=("${BIN[$r]}" --root "$WORK/roots/$r" run -b "$WORK/${PROFILE_BUNDLE:-b-true}")
		echo "# profile $r: ${cmd[*]} <id>" | tee -a "$LOG"
		strace -f -c -w -o "$P/$r.strace-c.txt" "${cmd[@]}" "$TAG-pc-$r" >/dev/null 2>>"$LOG" ||
			echo "strace -c failed" >>"$P/$r.strace-c.txt"
		strace -f -r -T -o "$P/$r.strace-tl.txt" "${cmd[@]}" "$TAG-pt-$r" >/dev/null 2>>"$LOG" ||
			echo "strace timeline failed" >>"$P/$r.strace-tl.txt"
		for i in 1 2 3 4 5; do
			perf trace -f --duration 2 -o "$P/$r.perf-trace.$i" "${cmd[@]}" "$TAG-pt$i-$r" \
				>/dev/null 2>>"$LOG"
		done
		cat "$P/$r".perf-trace.? >"$P/$r.perf-trace.txt" 2>/dev/null || echo "perf trace failed" >"$P/$r.perf-trace.txt"
		rm -f "$P/$r".perf-trace.?
		perf stat -r 20 -e task-clock,context-switches,cpu-migrations,page-faults \
			-o "$P/$r.perf-stat.txt" -- "${cmd[@]}" "$TAG-ps-$r" >/dev/null 2>>"$LOG" ||
			echo "perf stat failed" >>"$P/$r.perf-stat.txt"
		perf record -q -e cpu-clock -F 20000 -g -o "$P/$r.perf.data" -- bash -c \
			'for i in $(seq 40); do "$@" "'"$TAG"'-pr-$i" || exit 1; done' _ "${cmd[@]}" \
			>/dev/null 2>>"$LOG" &&
			perf report -i "$P/$r.perf.data" --no-children --sort comm,dso,symbol \
				--stdio 2>/dev/null | grep -v '^$' | head -150 >"$P/$r.perf-report.txt" ||
			echo "perf record failed" >>"$P/$r.perf-report.txt"
		rm -f "$P/$r.perf.data"
		if command -v ltrace >/dev/null && [ "$r" != runc ]; then # Go: ltrace spins
			ltrace -c -o "$P/$r.ltrace-c.txt" "${cmd[@]}" "$TAG-pl-$r" >/dev/null 2>>"$LOG" ||
				echo "ltrace failed" >>"$P/$r.ltrace-c.txt"
		fi
		if command -v valgrind >/dev/null && [ "$r" = vps ]; then # crun cannot re-exec under it; parent only
			valgrind -q --tool=callgrind --callgrind-out-file="$P/$r.callgrind.out" \
				"${cmd[@]}" "$TAG-pg-$r" >/dev/null 2>>"$LOG"
			[ -s "$P/$r.callgrind.out" ] &&
				callgrind_annotate --inclusive=no "$P/$r.callgrind.out" 2>/dev/null |
				head -60 >"$P/$r.callgrind.txt" || echo "callgrind failed" >>"$P/$r.callgrind.txt"
			rm -f "$P/$r.callgrind.out"
		fi
	done
	echo "# profiles in $P"
}
