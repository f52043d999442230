#!/usr/bin/env bats
# timeout: 900
# The Debian templates as VMs (issue 21): `vps bundle --template debian
# [--init sysvinit] --vm`, then start, exec, passwd, console and stop behave as
# in container mode. The template's init is PID 1 of the container's view
# inside the VM (our guest init stays the VM's PID 1), its console is the
# VPS's console (monitor, console.log), stop shuts it down through the init
# and leaves nothing. The trees come from the debian template's cache in
# /var/cache/vps (no debootstrap here). TCG here: one boot per init.
load helpers
load vm_vps_helpers
export PTY_TIMEOUT=60 # a login at a Debian guest's console under TCG

teardown_file() {
	[ ! -s "$WORK/tail.pid" ] || kill "$(cat "$WORK/tail.pid")" 2>/dev/null || true
	vps_teardown_file
}

# cached_or_skip INIT: the debian template's cached tree for INIT, or a skip
# saying why (debootstrapping it takes minutes: systemd.bats and template.bats
# make the caches)
cached_or_skip() {
	local c=/var/cache/vps/debian-bookworm-$(uname -m).tar
	[ "$1" = sysvinit ] || c=/var/cache/vps/debian-bookworm-systemd-$(uname -m).tar
	[ -s "$c" ] || skip "no cached debian $1 tree $c (vps bundle --template debian makes it)"
}

# wait_for SECONDS CMD...: retry CMD until it succeeds, for up to SECONDS
# (a TCG guest boots a Debian userspace slowly); the last try's output shows
wait_for() {
	local end=$((SECONDS + $1))
	shift
	while [ "$SECONDS" -lt "$end" ]; do "$@" >/dev/null 2>&1 && return 0; sleep 1; done
	"$@"
}
sysv_up() { [ "$(v exec "$1" runlevel)" = "N 2" ]; }
sd_up() { v exec "$1" systemctl is-system-running | grep -Eqx 'running|degraded'; }
# pw_ok NAME PASSWORD: the guest's libcrypt accepts PASSWORD for root's hash
pw_ok() {
	v exec "$1" perl -e '$h = (getpwnam("root"))[1]; exit(crypt($ARGV[0], $h) eq $h ? 0 : 1)' "$2"
}

# follow_console NAME: copy its console log to $WORK/NAME.con until its
# monitor exits (tail follows the open file past the state dir's removal)
follow_console() {
	tail --pid="$(monitor_of "$1")" -n +1 -f "$ROOT/$1/console.log" >"$WORK/$1.con" &
	echo $! >"$WORK/tail.pid"
}

# stopped_clean NAME QEMU MONITOR: `vps stop` left nothing: no state dir, no
# QEMU, no monitor, no cgroup; listed as stopped
stopped_clean() {
	[ "$(listed "$1")" = stopped ]
	[ ! -e "$ROOT/$1" ]
	[ ! -e "/proc/$2" ] || [ "$(awk '{print $3}' "/proc/$2/stat")" = Z ]
	wait_for 30 test ! -d "/proc/$3/fd"
	local c
	for c in /sys/fs/cgroup/*/; do
		[ ! -e "$c$(cgrel "$1")" ] || { echo "cgroup $c$(cgrel "$1") left"; return 1; }
	done
	timeout 30 tail --pid="$(cat "$WORK/tail.pid")" -f /dev/null
}

@test "vm-templates: a sysvinit debian VPS as a VM boots to runlevel 2 (its console in the log, /run a tmpfs); exec, passwd; stop runs rc 0 and leaves nothing" {
	cached_or_skip sysvinit
	"$VPS" bundle "$WORK/sv" --name vt-sv --template debian --init sysvinit --vm >/dev/null
	v start vt-sv
	[ "$(listed vt-sv)" = running ]
	local qemu mon
	qemu=$(qemu_of vt-sv)
	mon=$(monitor_of vt-sv)
	wait_for 240 sysv_up vt-sv
	[ "$(v exec vt-sv cat /proc/1/comm)" = init ] # sysvinit, PID 1 of its view
	local exe
	exe=$(v exec vt-sv readlink /proc/1/exe)
	[ "$exe" = "$(v exec vt-sv readlink -f /sbin/init)" ]
	[[ "$(v exec vt-sv dpkg -S /sbin/init)" == sysvinit-core:* ]]
	[ "$(v exec vt-sv hostname)" = vt-sv ]
	[ "$(v exec vt-sv sh -c 'echo $((6*7))')" = 42 ]
	# sysvinit's FIFO on a tmpfs /run, never opened on the 9p root
	[ "$(v exec vt-sv stat -f -c %T /run)" = tmpfs ]
	[ "$(v exec vt-sv stat -c %F /run/initctl)" = fifo ]
	run grep -i "special file" "$ROOT/vt-sv/vm-qemu.log"
	[ "$status" -eq 1 ]
	# its console (the init's and rc's messages) is the VPS's console
	run v logs vt-sv
	[[ $output == *"INIT: Entering runlevel: 2"* ]]
	# the password, set from outside while it runs, is the one inside
	echo 'Sv-pass-1' | v passwd vt-sv --stdin
	pw_ok vt-sv Sv-pass-1
	run pw_ok vt-sv wrong
	[ "$status" -eq 1 ]
	follow_console vt-sv
	v stop vt-sv
	stopped_clean vt-sv "$qemu" "$mon"
	tail -8 "$WORK/vt-sv.con"
	grep -q "INIT: Switching to runlevel: 0" "$WORK/vt-sv.con" # through the init
}

@test "vm-templates: a systemd debian VPS as a VM is running (journald, no failed unit); exec, passwd with a console login; stop powers it off and leaves nothing" {
	cached_or_skip systemd
	"$VPS" bundle "$WORK/sd" --name vt-sd --template debian --vm >/dev/null
	v start vt-sd
	local qemu mon
	qemu=$(qemu_of vt-sd)
	mon=$(monitor_of vt-sd)
	wait_for 240 sd_up vt-sd
	run v exec vt-sd systemctl is-system-running
	echo "is-system-running: $output"
	v exec vt-sd systemctl list-units --failed --plain --no-legend
	[ "$output" = running ]
	[ "$(v exec vt-sd cat /proc/1/comm)" = systemd ]
	[ "$(v exec vt-sd hostname)" = vt-sd ]
	v exec vt-sd systemctl is-active systemd-journald
	echo 'Sd-pass-1' | v passwd vt-sd --stdin
	pw_ok vt-sd Sd-pass-1
	run PTY "$VPS" --root "$ROOT" console vt-sd -- \
		'login:' 'root' 'Password:' 'Sd-pass-1' '# ' 'echo vt-$((6*7))-con' 'vt-42-con' $'\x1dq'
	echo "$output" | tail -5
	[ "$status" -eq 0 ]
	[[ $output == *"[detached]"* ]]
	follow_console vt-sd
	v stop vt-sd
	stopped_clean vt-sd "$qemu" "$mon"
	tail -8 "$WORK/vt-sd.con"
	grep -q "System Power Off" "$WORK/vt-sd.con" # through the init
}

@test "vm-templates: a debian VM VPS whose memory limit is too small is refused with the minimum" {
	cached_or_skip systemd
	"$VPS" bundle "$WORK/small" --name vt-small --template debian --vm --memory 160M >/dev/null
	run v start vt-small
	echo "$output"
	[ "$status" -eq 1 ]
	[[ "$output" == "vps: start vt-small: vm: memory limit 160M is too small for a VM"*"use at least 224M" ]]
	[ ! -e "$ROOT/vt-small" ]
	[ "$(listed vt-small)" = stopped ]
}
