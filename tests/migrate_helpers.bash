# Sourced by the migration suites (migrate, migrate-userns, migrate-net,
# migrate-vm, migrate-vm-ssh, migrate-systemd): a counter's file in a bundle's rootfs, the pids
# of a VPS's tasks, the destination root's clean-up, test "hosts" with an sshd.

# count DIR: the counter's last value in DIR's rootfs (0: none yet)
count() { cat "$1/rootfs/tmp/count" 2>/dev/null || echo 0; }
# wait_count DIR N: the counter reaches N within 10 s
wait_count() {
	local i
	for i in $(seq 100); do
		[ "$(count "$1")" -ge "$2" ] && return 0
		sleep 0.1
	done
	return 1
}
# counting DIR: the counter advances in DIR's rootfs
counting() {
	local c0
	c0=$(count "$1")
	wait_count "$1" $((c0 + 3))
}
nspid() { awk '/^NSpid:/ { print $NF }' "/proc/$1/status"; }
child_of() { awk '{ print $1 }' "/proc/$1/task/$1/children"; }
# mig_vm_needs: what moving a --vm VPS takes here (a failure names what is missing)
mig_vm_needs() {
	command -v rsync >/dev/null || { echo "rsync missing (make deps installs it)" >&2; return 1; }
	command -v qemu-system-x86_64 >/dev/null || { echo "qemu-system-x86 missing" >&2; return 1; }
}
# mig_clear_dest: delete whatever a test left under the destination root $DROOT
mig_clear_dest() {
	local id
	for id in $(ls "$DROOT" 2>/dev/null); do
		"$VPS" --root "$DROOT" delete --force "$id" >/dev/null 2>&1 || true
	done
}

# The test hosts (migrate-net, migrate-vm-ssh). mig_host NAME: a process
# holding a network and a mount namespace of its own (its own /run, a tmpfs),
# pid in $WORK/NAME.pid, lo up; its state root $WORK/state-NAME made.
mig_host() {
	local h=$1 i
	unshare -n -m --propagation private sh -c \
		'mount -t tmpfs -o mode=755 tmpfs /run && mkdir -p /run/sshd && touch /run/up && exec sleep 1000000' \
		</dev/null >/dev/null 2>&1 &
	echo $! >"$WORK/$h.pid"
	for i in $(seq 50); do on "$h" test -e /run/up 2>/dev/null && break; sleep 0.1; done
	on "$h" ip link set lo up
	mkdir -p "$WORK/state-$h"
}
# mig_sshd NAME ADDR: its sshd on ADDR:22, root logging in with the key $K/id
mig_sshd() {
	local h=$1 i
	test_sshd_config "$K" "$2:22" "$WORK/$h.sshd.pid" >"$K/sshd-$h"
	on "$h" /usr/sbin/sshd -f "$K/sshd-$h" -E "$K/sshd-$h.log"
	for i in $(seq 50); do [ -s "$WORK/$h.sshd.pid" ] && break; sleep 0.1; done
}
# on HOST ARGS: ARGS in that host's network and mount namespaces
on() {
	local p
	p=$(cat "$WORK/$1.pid")
	shift
	nsenter -t "$p" -n -m "$@"
}
