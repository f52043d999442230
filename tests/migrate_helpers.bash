# Sourced by the migration suites (migrate, migrate-userns, migrate-vm): a
# counter's file in a bundle's rootfs, the pids of a VPS's tasks, the destination root's clean-up.

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
# mig_clear_dest: delete whatever a test left under the destination root $DROOT
mig_clear_dest() {
	local id
	for id in $(ls "$DROOT" 2>/dev/null); do
		"$VPS" --root "$DROOT" delete --force "$id" >/dev/null 2>&1 || true
	done
}
