#!/usr/bin/env bats
# Checkpoint/restore and live migration of a VPS with a mapped user namespace
# of its own (the VPS face's default: `vps bundle --template busybox|debian`)
# and the time namespace that makes its uptime start at 0: that namespace is
# owned by the VPS's user namespace (so CRIU can enter and remake it), the
# restored tasks read their images from inside it (the image directory is
# opened to the VPS's root group while CRIU restores, then given back), and
# the rootfs CRIU restores onto is idmapped as create's. A counter keeps
# counting with its pids inside, uptime inside goes on (and is not the host's),
# `vps exec` joins the VPS's time namespace. (A mapped systemd VPS is
# checkpointed and restored in tests/checkpoint.bats.)
# criu: as tests/checkpoint.bats (vps_need_criu). Run under the test lock.
# timeout: 300
load helpers
load migrate_helpers

setup_file() {
	vps_setup_file
	vps_need_criu || return 1
	command -v rsync >/dev/null || { echo "rsync missing (make deps installs it)" >&2; return 1; }
	export DROOT=$WORK/dstate DINV=$WORK/dinv
	mkdir -p "$DROOT"
}
teardown_file() {
	mig_clear_dest
	vps_teardown_file
}

vc() { "$VPS" --root "$ROOT" --criu "$CRIU" "$@"; }
vd() { VPS_INVENTORY=$DINV "$VPS" --root "$DROOT" --criu "$CRIU" "$@"; }

COUNTER='i=0; echo $$ >/tmp/childpid; while :; do i=$((i+1)); echo $i >/tmp/count.new; mv /tmp/count.new /tmp/count; sleep 0.05; done'

# mapped NAME: a busybox VPS NAME (bundle $WORK/NAME, own user namespace)
# whose init runs the counter, started; procview without lxcfs (a host lxcfs
# is a FUSE mount CRIU cannot dump)
mapped() {
	"$VPS" bundle "$WORK/$1" --template busybox --name "$1" >/dev/null
	jq -e '.annotations["org.vps.userns"] == "mapped"' "$WORK/$1/config.json" >/dev/null
	jq_edit "$WORK/$1/config.json" '.annotations["org.vps.procview"] = "kernel"'
	set_args "$WORK/$1" sh -c "sh -c '$COUNTER' & wait"
	vc start "$1"
	wait_count "$WORK/$1" 10
}

ns_ino() { stat -L -c %i "/proc/$1/ns/$2"; }
# owned_by_userns PID: PID's time namespace is owned by its user namespace
owned_by_userns() {
	[ "$(lsns -n -o ONS -t time -p "$1" | tr -d ' ')" = "$(ns_ino "$1" user)" ]
}
uptime_in() { "$@" cut -d. -f1 /proc/uptime; }

@test "migrate-userns: a mapped busybox VPS checkpoints and restores: counter and pids go on, its uptime too (not the host's), its time namespace is its user namespace's" {
	mapped mu1
	init=$(vc state mu1 | jq -r .pid)
	[ "$(ns_ino "$init" user)" != "$(ns_ino $$ user)" ]
	[ "$(ns_ino "$init" time)" != "$(ns_ino $$ time)" ]
	owned_by_userns "$init"
	pid_in=$(cat "$WORK/mu1/rootfs/tmp/childpid")
	sleep 2
	up0=$(uptime_in vc exec mu1)
	[ "$up0" -ge 2 ]
	[ "$up0" -lt "$(cut -d. -f1 /proc/uptime)" ]
	run vc checkpoint --image-path "$WORK/img1" mu1
	echo "$output"
	[ "$status" -eq 0 ]
	[ ! -e "/proc/$init" ]
	run vc restore -d --image-path "$WORK/img1" --bundle "$WORK/mu1" mu1
	echo "$output"
	[ "$status" -eq 0 ]
	# the image directory is the host root's alone again
	[ "$(stat -c '%a %u %g' "$WORK/img1")" = "700 0 0" ]
	init=$(vc state mu1 | jq -r .pid)
	[ "$(nspid "$init")" = 1 ]
	[ "$(nspid "$(child_of "$init")")" = "$pid_in" ]
	counting "$WORK/mu1"
	owned_by_userns "$init"
	# exec joins the restored time namespace: the uptime went on from there
	[ "$(vc exec mu1 readlink /proc/self/ns/time)" = "$(readlink "/proc/$init/ns/time")" ]
	up1=$(uptime_in vc exec mu1)
	[ "$up1" -ge "$up0" ]
	[ "$up1" -lt "$(cut -d. -f1 /proc/uptime)" ]
	# files it writes keep its own owners on disk (the rootfs is idmapped again)
	[ "$(stat -c %u "$WORK/mu1/rootfs/tmp/count")" = 0 ]
	vc stop mu1
	vc destroy mu1
}

@test "migrate-userns: a mapped busybox VPS moves live to another root: counting on there with its pids and uptime, its id range moved, nothing left here" {
	mapped mu2
	init=$(vc state mu2 | jq -r .pid)
	pid_in=$(cat "$WORK/mu2/rootfs/tmp/childpid")
	base=$(jq -r '.linux.uidMappings[0].hostID' "$WORK/mu2/config.json")
	sleep 2
	up0=$(uptime_in vc exec mu2)
	run vc migrate mu2 --to-root "$DROOT" --to-inventory "$DINV" --to-bundle "$WORK/mu2.d"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"migrated mu2 to $DROOT: downtime "* ]]
	[ "$(vd state mu2 | jq -r .status)" = running ]
	dinit=$(vd state mu2 | jq -r .pid)
	[ "$(nspid "$(child_of "$dinit")")" = "$pid_in" ]
	counting "$WORK/mu2.d"
	owned_by_userns "$dinit"
	[ "$(uptime_in vd exec mu2)" -ge "$up0" ]
	[ "$(uptime_in vd exec mu2)" -lt "$(cut -d. -f1 /proc/uptime)" ]
	grep -qx "name mu2" "$DINV/idranges/$base.range"
	# here: no init, state, record, id range or bundle
	[ ! -e "/proc/$init" ]
	[ ! -e "$ROOT/mu2" ]
	[ ! -e "$VPS_INVENTORY/vps/mu2.json" ]
	[ ! -e "$VPS_INVENTORY/idranges/$base.range" ]
	[ ! -e "$WORK/mu2" ]
	vd stop mu2
	vd destroy mu2
}
