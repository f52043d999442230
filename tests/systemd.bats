#!/usr/bin/env bats
# systemd as pid 1 of a Debian VPS (issue 15): `vps bundle --template debian`
# gives systemd by default; it boots to "running" within 30 s, with and without
# a user namespace (a rootfs whose owners are shifted by 1000000); poweroff and
# reboot inside end the init by SIGINT and SIGHUP, which vps tells apart; the
# busybox template's poweroff/reboot do the same; the seccomp profile still
# denies what endangers the host. Needs the Debian archive for the first
# debootstrap (cached in /var/cache/vps after that).
# timeout: 900
load helpers

SD_ALLOWED_FAILED="" # units that may fail in any container: none with the masks vps sets

setup_file() {
	vps_setup_file
	command -v debootstrap >/dev/null || skip "debootstrap not installed (make deps installs it)"
	local cache=/var/cache/vps/debian-bookworm-systemd-$(uname -m).tar
	if [ ! -e "$cache" ]; then
		mkdir -p "$WORK/probe"
		(cd "$WORK/probe" && timeout 30 apt-get download -q base-files >/dev/null 2>&1) ||
			skip "the Debian archive is unreachable (apt-get download failed); needed to debootstrap"
	fi
	# reachable (or cached): from here on a failure is a failure
	timeout 1200 "$VPS" bundle "$WORK/base" --template debian --name sd-base >"$WORK/bundle.log" 2>&1 || {
		cat "$WORK/bundle.log" >&2
		return 1
	}
	export BASE=$WORK/base
}
teardown_file() {
	# a test that failed half-way leaves its console receiver: end it by pid
	[ ! -s "$WORK/recvtty.pid" ] || kill "$(cat "$WORK/recvtty.pid")" 2>/dev/null || true
	vps_teardown_file
}

# sd_bundle DIR [JQ]: a bundle over the base rootfs with the base's config,
# edited by JQ
sd_bundle() {
	mkdir -p "$1"
	jq --arg r "$BASE/rootfs" --arg n "sd-$(basename "$1")" \
		".root.path = \$r | .annotations[\"org.vps.name\"] = \$n | ${2:-.}" \
		"$BASE/config.json" >"$1/config.json"
}

# wait_running ID: poll `systemctl is-system-running` for up to 30 s; prints
# the state and the seconds it took
wait_running() {
	local t0 s i
	t0=$(date +%s%N)
	for i in $(seq 1 150); do
		s=$(v exec "$1" systemctl is-system-running 2>/dev/null) || true
		case $s in running | degraded) break ;; esac
		sleep 0.2
	done
	echo "$s $(((($(date +%s%N) - t0) / 1000000))) ms"
}

# stop_clean ID DIR SIG: DIR's config names SIG as its stop signal; sending it
# stops the VPS within 30 s (the init shuts down and powers off)
stop_clean() {
	local i
	[ "$(jq -r '.annotations["org.opencontainers.image.stopSignal"]' "$2/config.json")" = "$3" ]
	v kill "$1" "$3"
	for i in $(seq 1 150); do v state "$1" | grep -q '"stopped"' && break; sleep 0.2; done
	v state "$1" | grep -q '"stopped"'
	v delete "$1"
}

# check_failed ID: every failed unit must be one allowed to fail in a container
check_failed() {
	local u
	for u in $(v exec "$1" systemctl list-units --failed --plain --no-legend | awk '{print $1}'); do
		echo "failed unit: $u"
		[[ " $SD_ALLOWED_FAILED " == *" $u "* ]] || return 1
	done
}

# run_fg DIR ID: `vps run --keep` in the foreground (console relayed to
# $WORK/ID.out), in the background; its pid in RUN_PID
run_fg() {
	"$VPS" --root "$ROOT" --debug run --keep --bundle "$1" "$2" </dev/null >"$WORK/$2.out" 2>&1 &
	RUN_PID=$!
}

# fg_end DIR ID CMD WANT KIND READY...: run_fg, wait (up to 30 s) until READY
# succeeds inside, run CMD (poweroff, halt, reboot) inside; the run must end
# with status WANT, say so with KIND (poweroff, reboot), and record WANT in
# state.json. The relayed console is left in $out; the container is deleted.
SD_UP='systemctl is-system-running | grep -Eq "^(running|degraded)$"'
fg_end() {
	local dir=$1 id=$2 i
	shift 2
	run_fg "$dir" "$id"
	for i in $(seq 1 150); do v exec "$id" "${@:4}" >/dev/null 2>&1 && break; sleep 0.2; done
	fg_finish "$id" "$1" "$2" "$3"
}
# fg_finish ID CMD WANT KIND: the second half of fg_end, for a run_fg already up
fg_finish() {
	local id=$1 cmd=$2 want=$3 kind=$4 rc=0
	v exec "$id" "$cmd" || true
	timeout 30 tail --pid="$RUN_PID" -f /dev/null
	wait "$RUN_PID" || rc=$?
	out=$(tr -d '\r' <"$WORK/$id.out")
	echo "$out" | tail -12
	[ "$rc" -eq "$want" ]
	[[ $out == *"run $id: the init ended: $kind (status $want)"* ]]
	[ "$(jq .exitStatus "$ROOT/$id/state.json")" = "$want" ]
	v delete "$id"
}

@test "sd- bundle --template debian: systemd as init, the container interface in config.json, units masked" {
	C=$BASE/config.json R=$BASE/rootfs
	[ "$(readlink -f "$R/sbin/init")" = "$R/usr/lib/systemd/systemd" ] || [ "$(readlink "$R/sbin/init")" = /lib/systemd/systemd ]
	[ -s "/var/cache/vps/debian-bookworm-systemd-$(uname -m).tar" ]
	[ "$(jq -r '.annotations["org.vps.init"]' "$C")" = systemd ]
	jq -e '.process.env | index("container=vps")' "$C"
	jq -e '.linux.namespaces | map(.type) | index("cgroup")' "$C"
	jq -e '.mounts[] | select(.destination == "/sys/fs/cgroup") | .type == "cgroup2" and (.options | index("rw"))' "$C"
	jq -e '.mounts[] | select(.destination == "/run") | .type == "tmpfs"' "$C"
	jq -e '.mounts[] | select(.destination == "/tmp") | .type == "tmpfs"' "$C"
	for c in CAP_SYS_ADMIN CAP_SYS_BOOT CAP_NET_ADMIN; do
		jq -e --arg c "$c" '.process.capabilities.bounding | index($c)' "$C"
	done
	for c in CAP_SYS_MODULE CAP_SYS_RAWIO CAP_SYS_TIME CAP_DAC_READ_SEARCH; do
		! jq -e --arg c "$c" '.process.capabilities.bounding | index($c)' "$C" || false
	done
	# reboot(2) is no longer denied (the VPS has its own pid namespace)
	jq -e '.linux.namespaces | map(.type) | index("pid")' "$C"
	! jq -e '.linux.seccomp.syscalls[].names | index("reboot")' "$C" || false
	jq -e '.linux.seccomp.syscalls[] | select(.names | index("kexec_load")) | .action == "SCMP_ACT_ERRNO"' "$C"
	for u in dev-hugepages.mount sys-kernel-debug.mount sys-kernel-tracing.mount \
		sys-kernel-config.mount sys-fs-fuse-connections.mount systemd-modules-load.service; do
		[ "$(readlink "$R/etc/systemd/system/$u")" = /dev/null ]
	done
	# each bundle of the cached tree gets a machine id of its own
	v bundle "$WORK/second" --template debian --name sd-second >/dev/null
	grep -Eq '^[0-9a-f]{32}$' "$R/etc/machine-id"
	[ "$(cat "$R/etc/machine-id")" != "$(cat "$WORK/second/rootfs/etc/machine-id")" ]
	rm -rf "$WORK/second"
}

@test "sd- bundle --init sysvinit: today's variant from its own cache, SIGINT stops it; bad --init is refused" {
	if [ -e "/var/cache/vps/debian-bookworm-$(uname -m).tar" ]; then
		v bundle "$WORK/sysv" --template debian --init sysvinit --name sd-sysv >/dev/null
		R=$WORK/sysv/rootfs
		[ -x "$R/sbin/init" ] && [ ! -L "$R/sbin/init" ] # sysvinit's own binary
		grep -q '^id:2:initdefault:' "$R/etc/inittab"
		[ "$(jq -r '.annotations["org.vps.init"]' "$WORK/sysv/config.json")" = null ]
		! jq -e '.linux.namespaces | map(.type) | index("cgroup")' "$WORK/sysv/config.json" || false
		grep -q '^ca::ctrlaltdel:/sbin/shutdown -h -P now' "$R/etc/inittab"
		v create --bundle "$WORK/sysv" sd-sysv
		v start sd-sysv
		for i in $(seq 1 50); do [ "$(v exec sd-sysv cat /proc/1/comm)" = init ] && break; sleep 0.1; done
		stop_clean sd-sysv "$WORK/sysv" SIGINT
		rm -rf "$WORK/sysv"
	else
		echo "# no sysvinit cache here: only the refusals are checked" >&3
	fi
	run v bundle "$WORK/bad1" --template debian --init upstart
	[ "$status" -eq 1 ]
	[[ $output == *"vps: bundle"*"--init upstart: expected systemd or sysvinit"* ]]
	[ ! -e "$WORK/bad1" ]
	run v bundle "$WORK/bad2" --template busybox --init systemd
	[ "$status" -eq 1 ]
	[[ $output == *"--init systemd: only the debian template has a choice of init"* ]]
	[ ! -e "$WORK/bad2" ]
}

@test "sd- boot: running within 30 s, container interface seen inside, own cgroup subtree; the stop signal powers off" {
	sd_bundle "$WORK/b1"
	v create --bundle "$WORK/b1" sd-b1
	v start sd-b1
	read -r state ms _ < <(wait_running sd-b1)
	echo "# systemd boot to $state: $ms ms" >&3
	[ "$state" = running ] || { [ "$state" = degraded ] && check_failed sd-b1; }
	[ "$ms" -lt 30000 ]
	[ "$(v exec sd-b1 cat /proc/1/comm)" = systemd ]
	[ "$(v exec sd-b1 cat /run/systemd/container)" = vps ]
	[ "$(v exec sd-b1 stat -f -c %T /run)" = tmpfs ]
	[ "$(v exec sd-b1 stat -f -c %T /tmp)" = tmpfs ]
	[ "$(v exec sd-b1 stat -f -c %T /sys/fs/cgroup)" = cgroup2fs ]
	# systemd moved itself into its own subtree of the VPS's cgroup namespace
	[ "$(v exec sd-b1 grep "^0::" /proc/1/cgroup)" = "0::/init.scope" ]
	v exec sd-b1 test -d /sys/fs/cgroup/system.slice/systemd-journald.service
	[ "$(v exec sd-b1 systemctl is-enabled sys-kernel-debug.mount)" = masked ]
	v exec sd-b1 systemctl is-active systemd-journald.service
	# the host sees that subtree under the VPS's cgroup
	pid=$(v state sd-b1 | jq .pid)
	hostcg=$(sed -n 's/^0:://p' "/proc/$pid/cgroup")
	[[ $hostcg == */vps/sd-b1@*/init.scope ]]
	# the bundle's stop signal (SIGRTMIN+4: systemd powers off) stops it cleanly
	stop_clean sd-b1 "$WORK/b1" SIGRTMIN+4
}

@test "sd- poweroff and halt: a clean shutdown, the init ends by SIGINT (kind poweroff), recorded" {
	sd_bundle "$WORK/b2" '.process.terminal = true'
	fg_end "$WORK/b2" sd-b2 poweroff 130 poweroff sh -c "$SD_UP"
	[[ $out == *"Stopped target"*"Basic System"* ]]
	[[ $out == *"Reached target"*"System Shutdown"* ]]
	[[ $out == *"Reached target"*"System Power Off"* ]]
	[[ $out == *"Sending SIGTERM to remaining processes"* ]]
	[[ $out == *"Powering off."* ]]
	# halt: the same kind (the kernel does not tell halt from poweroff)
	fg_end "$WORK/b2" sd-b2h halt 130 poweroff sh -c "$SD_UP"
	[[ $out == *"Reached target"*"System Halt"* ]]
}

@test "sd- reboot: the init ends by SIGHUP (kind reboot), recorded" {
	sd_bundle "$WORK/b3" '.process.terminal = true'
	fg_end "$WORK/b3" sd-b3 reboot 129 reboot sh -c "$SD_UP"
	[[ $out == *"Reached target"*"System Reboot"* ]]
	[[ $out == *"Rebooting."* ]]
}

@test "sd- through its monitor (run -d): systemctl reboot boots it again (new init, same monitor); systemctl poweroff leaves it stopped, kind recorded" {
	sd_bundle "$WORK/b7"
	v run -d --bundle "$WORK/b7" sd-b7
	read -r state ms _ < <(wait_running sd-b7)
	[ "$state" = running ] || { [ "$state" = degraded ] && check_failed sd-b7; }
	local old mon i
	old=$(v state sd-b7 | jq .pid)
	mon=$(awk '/^PPid:/ { print $2 }' "/proc/$old/status")
	[ "$(cat "/proc/$mon/comm")" = vps-monitor ]
	v exec sd-b7 touch /tmp/before-reboot # /tmp is a tmpfs: a new boot starts without it
	v exec sd-b7 systemctl reboot || true
	# systemd stops every unit, then its reboot(2) ends the init by SIGHUP;
	# the monitor deletes the VPS and creates it again from its bundle
	newpid() {
		[ "$(v state sd-b7 2>/dev/null | jq -r .status)" = running ] &&
			[ "$(v state sd-b7 | jq .pid)" != "$old" ]
	}
	for i in $(seq 1 60); do newpid && break; sleep 1; done
	newpid
	init=$(v state sd-b7 | jq .pid)
	[ "$(awk '/^PPid:/ { print $2 }' "/proc/$init/status")" = "$mon" ] # the same monitor
	[ ! -e "/proc/$old" ]						      # the old init reaped
	read -r state ms _ < <(wait_running sd-b7)
	echo "# systemd after a reboot inside: $state in $ms ms" >&3
	[ "$state" = running ] || { [ "$state" = degraded ] && check_failed sd-b7; }
	[ "$(v exec sd-b7 cat /proc/1/comm)" = systemd ]
	! v exec sd-b7 test -e /tmp/before-reboot
	# power-off: stopped with its kind, the init reaped, the monitor gone
	v exec sd-b7 systemctl poweroff || true
	for i in $(seq 1 60); do [ "$(v state sd-b7 | jq -r .status)" = stopped ] && break; sleep 1; done
	run v state sd-b7
	echo "$output"
	[ "$(jq -r .status <<<"$output")" = stopped ]
	[ "$(jq -r .exit.kind <<<"$output")" = poweroff ]
	[ "$(jq -r .exit.signal <<<"$output")" = 2 ]
	[ "$(jq .exitStatus "$ROOT/sd-b7/state.json")" = 130 ]
	[ ! -e "/proc/$init" ]
	for i in $(seq 1 50); do [ -d "/proc/$mon/fd" ] || break; sleep 0.1; done
	[ ! -d "/proc/$mon/fd" ]
	# its console log holds systemd's shutdown
	grep -q "System Power Off\|Powering off" "$ROOT/sd-b7/console.log"
	v delete sd-b7
	[ ! -e "$ROOT/sd-b7" ]
}

@test "sd- through its monitor (create): out=\$(vps create) returns at once; /dev/console is the monitor's pty with a login; stop's shutdown text goes to console.log only" {
	sd_bundle "$WORK/b8"
	# an init holding the caller's stdout would keep $(...) open: timeout ends it (124)
	run timeout 30 bash -c 'out=$("$1" --root "$2" create --bundle "$3" sd-b8 2>&1) && printf "[%s]" "$out"' \
		_ "$VPS" "$ROOT" "$WORK/b8" 2>"$WORK/b8.err"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$output" = "[]" ]
	out=$(timeout 30 "$VPS" --root "$ROOT" start sd-b8 2>&1)
	[ -z "$out" ]
	read -r state ms _ < <(wait_running sd-b8)
	[ "$state" = running ] || { [ "$state" = degraded ] && check_failed sd-b8; }
	# /dev/console inside is a pty (major 136-143); its master is held by the
	# VPS's monitor, the init's parent outside the VPS
	[ "$(v exec sd-b8 stat -L -c %F /dev/console)" = "character special file" ]
	major=$((0x$(v exec sd-b8 stat -L -c %t /dev/console)))
	echo "console major: $major"
	[ "$major" -ge 136 ] && [ "$major" -le 143 ]
	init=$(v state sd-b8 | jq .pid)
	mon=$(awk '/^PPid:/ { print $2 }' "/proc/$init/status")
	[ "$(cat "/proc/$mon/comm")" = vps-monitor ]
	ls -l "/proc/$mon/fd" | grep -q ' -> /dev/pts/ptmx$' # a master of the VPS's own devpts
	v exec sd-b8 systemctl is-active console-getty.service
	for i in $(seq 1 300); do grep -q 'sd-b8 login:\|sd-base login:' "$ROOT/sd-b8/console.log" && break; sleep 0.2; done
	grep -q 'login:' "$ROOT/sd-b8/console.log"
	# vps stop: systemd powers off; its shutdown text reaches the console log
	# (followed here by vps logs -f until the VPS is gone), not our terminal
	"$VPS" --root "$ROOT" logs -f sd-b8 >"$WORK/b8.log" 2>&1 &
	logs=$!
	out=$(timeout 60 "$VPS" --root "$ROOT" stop sd-b8 2>&1)
	echo "stop: $out"
	[[ $out != *"Stopped target"* ]] && [[ $out != *"Powering off"* ]] && [[ $out != *"Stopping"* ]]
	timeout 30 tail --pid="$logs" -f /dev/null
	tr -d '\r' <"$WORK/b8.log" | tail -5
	grep -q "Reached target.*System Power Off" "$WORK/b8.log"
	[ ! -e "/proc/$init" ]
	[ ! -e "$ROOT/sd-b8" ]
}

@test "sd- /dev/console: a pty through --console-socket, systemd's status and a login prompt on it" {
	sd_bundle "$WORK/b4" '.process.terminal = true'
	RECVTTY_HOLD=1 "$VPS_TOP/build/tests/recvtty" "$WORK/b4.sock" "$WORK/b4.console" &
	RECVTTY_PID=$!
	echo "$RECVTTY_PID" >"$WORK/recvtty.pid"
	for i in $(seq 1 50); do [ -S "$WORK/b4.sock" ] && break; sleep 0.1; done
	v create --bundle "$WORK/b4" --console-socket "$WORK/b4.sock" sd-b4
	v start sd-b4
	read -r state ms _ < <(wait_running sd-b4)
	[ "$state" = running ] || [ "$state" = degraded ]
	v exec sd-b4 test -c /dev/console
	v exec sd-b4 systemctl is-active console-getty.service
	for i in $(seq 1 50); do grep -q 'login:' "$WORK/b4.console" && break; sleep 0.1; done
	grep -q 'Reached target.*Multi-User System' "$WORK/b4.console"
	grep -q 'sd-base login:' "$WORK/b4.console"
	v kill sd-b4 KILL
	v delete --force sd-b4
	kill "$RECVTTY_PID"
	rm -f "$WORK/recvtty.pid"
}

@test "sd- user namespace: owners shifted by 1000000, root is not host root, boots and powers off" {
	# the VPS's root (host uid 1000000) must be able to reach its rootfs
	chmod 711 "$WORK"
	python3 "$VPS_TOP/tests/tools/shift_tree.py" "$BASE/rootfs" "$WORK/mapped-rootfs" 1000000
	[ "$(stat -c %u:%g "$WORK/mapped-rootfs/etc/shadow")" = 1000000:1000042 ]
	[ "$(stat -c %a "$WORK/mapped-rootfs/usr/bin/passwd")" = 4755 ]
	mkdir -p "$WORK/b5"
	jq --arg r "$WORK/mapped-rootfs" '.root.path = $r | .process.terminal = true
		| .annotations["org.vps.name"] = "sd-b5"
		| .linux.namespaces |= (map(select(.type != "user")) + [{"type": "user"}])
		| del(.annotations["org.vps.userns"], .annotations["org.vps.rootfs.idmap"])
		| .linux.uidMappings = [{"containerID": 0, "hostID": 1000000, "size": 65536}]
		| .linux.gidMappings = [{"containerID": 0, "hostID": 1000000, "size": 65536}]' \
		"$BASE/config.json" >"$WORK/b5/config.json"
	run_fg "$WORK/b5" sd-b5
	read -r state ms _ < <(wait_running sd-b5)
	tr -d '\r' <"$WORK/sd-b5.out" | head -5
	echo "# systemd boot in a user namespace to $state: $ms ms" >&3
	[ "$state" = running ] || { [ "$state" = degraded ] && check_failed sd-b5; }
	pid=$(v state sd-b5 | jq .pid)
	grep -Eq '^Uid:\s+1000000\s+1000000' "/proc/$pid/status"
	[ "$(v exec sd-b5 id -u)" = 0 ]
	# the VPS's cgroup was handed to its root; systemd made its subtree there
	hostcg=$(sed -n 's/^0:://p' "/proc/$pid/cgroup")
	unified=$(awk '$3 == "cgroup2" {print $2; exit}' /proc/self/mounts)
	[ "$(stat -c %u "$unified${hostcg%/init.scope}")" = 1000000 ]
	[ "$(stat -c %u "$unified$hostcg")" = 1000000 ]
	# root inside owns what the maps give it, nothing of the host's
	v exec sd-b5 sh -c 'echo x >/root/mine'
	[ "$(stat -c %u "$WORK/mapped-rootfs/root/mine")" = 1000000 ]
	fg_finish sd-b5 poweroff 130 poweroff
	[[ $out == *"Powering off."* ]]
	chmod 700 "$WORK"
}

@test "sd- busybox template: poweroff and halt end by SIGINT, reboot by SIGHUP; its stop signal" {
	v bundle "$WORK/bb" --name sd-bb >/dev/null
	fg_end "$WORK/bb" sd-bb-off poweroff 130 poweroff true
	[[ $out == *"Requesting system poweroff"* ]]
	fg_end "$WORK/bb" sd-bb-halt halt 130 poweroff true
	[[ $out == *"Requesting system halt"* ]]
	fg_end "$WORK/bb" sd-bb-re reboot 129 reboot true
	[[ $out == *"Requesting system reboot"* ]]
	v create --bundle "$WORK/bb" sd-bb-stop
	v start sd-bb-stop
	for i in $(seq 1 50); do v exec sd-bb-stop true 2>/dev/null && break; sleep 0.1; done
	stop_clean sd-bb-stop "$WORK/bb" SIGUSR2
}

@test "sd- seccomp: a systemd VPS (CAP_SYS_ADMIN, CAP_SYS_BOOT) still may not kexec, load modules or open by handle" {
	# kexec_load/kexec_file_load need only CAP_SYS_BOOT, which this VPS holds:
	# seccomp alone refuses them (an unload request would succeed otherwise).
	# The others are refused by the missing capabilities too.
	sd_bundle "$WORK/b6"
	v create --bundle "$WORK/b6" sd-b6
	v start sd-b6
	read -r state ms _ < <(wait_running sd-b6)
	[ "$state" = running ] || [ "$state" = degraded ]
	cp "$VPS_TOP/build/tests/rawsyscall" "$BASE/rootfs/usr/local/bin/rawsyscall"
	# x86_64: kexec_load 246, kexec_file_load 320, init_module 175,
	# finit_module 313, open_by_handle_at 304, bpf 321
	[ "$(v exec sd-b6 grep Seccomp: /proc/self/status | awk '{print $2}')" = 2 ]
	for nr in 246 320 175 313 304 321; do
		run v exec sd-b6 /usr/local/bin/rawsyscall $nr
		echo "syscall $nr: $output"
		[ "$output" = "errno 1" ]
	done
	rm -f "$BASE/rootfs/usr/local/bin/rawsyscall"
	v kill sd-b6 KILL
	v delete --force sd-b6
}
