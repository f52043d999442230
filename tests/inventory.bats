#!/usr/bin/env bats
# The VPS face's persistent objects (issue 16): the inventory (--inventory /
# $VPS_INVENTORY), `vps bundle`/`create` registering, unique names, `vps list`'s
# VPS view, `vps set` (live and persisted in config.json, byte for byte),
# `vps destroy`, `vps start NAME|--all|--autostart` (a host reboot simulated by
# a fresh state root) and the boot units `make install` installs.
# Networking happens in a network namespace of this file's own.
# timeout: 900
load helpers

setup_file() {
	vps_setup_file
	export NS=vpsinv-$$
	ip netns add "$NS"
	ip -n "$NS" link set lo up
}
teardown_file() {
	local id
	for id in $(ls "$ROOT" "$WORK/state2" 2>/dev/null | grep -v : | sort -u); do
		n delete --force "$id" >/dev/null 2>&1 || true
		n2 delete --force "$id" >/dev/null 2>&1 || true
	done
	ip netns del "$NS" 2>/dev/null || true
	vps_teardown_file
}

# vps in this file's network namespace, with the state root / a second one
n() { nsenter --net="/run/netns/$NS" "$VPS" --root "$ROOT" "$@"; }
n2() { nsenter --net="/run/netns/$NS" "$VPS" --root "$WORK/state2" "$@"; }
INV() { echo "$VPS_INVENTORY/vps"; }

# memlimit ID [ROOT]: the memory limit the host's cgroup holds for container ID
memlimit() {
	local rel
	rel=$(cgrel "$1" "${2:-$ROOT}")
	cat "/sys/fs/cgroup/memory$rel/memory.limit_in_bytes" 2>/dev/null ||
		cat "/sys/fs/cgroup$rel/memory.max"
}
pidslimit() {
	local rel
	rel=$(cgrel "$1" "${2:-$ROOT}")
	cat "/sys/fs/cgroup/pids$rel/pids.max" 2>/dev/null || cat "/sys/fs/cgroup$rel/pids.max"
}
cgdir_gone() {
	local rel
	rel=$(cgrel "$1" "${2:-$ROOT}")
	[ ! -e "/sys/fs/cgroup/memory$rel" ] && [ ! -e "/sys/fs/cgroup$rel" ] &&
		[ ! -e "/sys/fs/cgroup/unified$rel" ]
}
wait_for() {
	local i
	for i in $(seq 1 100); do "$@" && return 0; sleep 0.1; done
	"$@"
}
crypt_ok() { [ "$(perl -e 'print crypt($ARGV[0], $ARGV[1])' "$1" "$2")" = "$2" ]; }

@test "inv: vps bundle registers the VPS in the inventory (name, absolute bundle, flags)" {
	v bundle "$WORK/r1" >/dev/null
	[ -f "$(INV)/r1.json" ]
	[ "$(stat -c %a "$(INV)")" = 700 ]
	run jq -c . "$(INV)/r1.json"
	[ "$output" = "{\"name\":\"r1\",\"bundle\":\"$WORK/r1\",\"autostart\":false,\"bootOrder\":0,\"bootDelay\":0}" ]
	# --inventory wins over $VPS_INVENTORY
	"$VPS" --root "$ROOT" --inventory "$WORK/inv-other" bundle "$WORK/r1b" >/dev/null
	[ -f "$WORK/inv-other/vps/r1b.json" ] && [ ! -e "$(INV)/r1b.json" ]
}

@test "inv: a second bundle with a registered name is refused before anything is made" {
	v bundle "$WORK/d1" --name dup1 >/dev/null
	cp "$(INV)/dup1.json" "$WORK/dup1.rec"
	run v bundle "$WORK/d2" --name dup1
	[ "$status" -eq 1 ]
	[[ $output == "vps: bundle $WORK/d2: VPS name dup1 is already taken by the bundle $WORK/d1 (inventory $VPS_INVENTORY)"* ]]
	[ ! -e "$WORK/d2" ]
	cmp "$(INV)/dup1.json" "$WORK/dup1.rec"
	# an empty directory given for it is left empty
	mkdir "$WORK/d3"
	run v bundle "$WORK/d3" --name dup1
	[ "$status" -eq 1 ] && [ -d "$WORK/d3" ] && [ -z "$(ls -A "$WORK/d3")" ]
}

@test "inv: two concurrent bundles of one name: exactly one registers, the loser leaves nothing" {
	local round ok
	for round in 1 2 3; do
		v bundle "$WORK/race-a$round" --name race$round >"$WORK/ra.out" 2>&1 &
		local a=$!
		v bundle "$WORK/race-b$round" --name race$round >"$WORK/rb.out" 2>&1 &
		local b=$!
		local sa=0 sb=0
		wait $a || sa=$?
		wait $b || sb=$?
		cat "$WORK/ra.out" "$WORK/rb.out"
		ok=$(((sa == 0) + (sb == 0)))
		[ "$ok" -eq 1 ]
		grep -q "VPS name race$round is already taken" "$WORK/ra.out" "$WORK/rb.out"
		local won=a lost=b
		[ "$sa" -eq 0 ] || { won=b lost=a; }
		[ "$(jq -r .bundle "$(INV)/race$round.json")" = "$WORK/race-$won$round" ]
		[ -f "$WORK/race-$won$round/config.json" ]
		[ ! -e "$WORK/race-$lost$round" ]
	done
}

@test "inv: vps create of a VPS-face bundle registers it; a copy under a taken name is refused, nothing made" {
	"$VPS" --inventory "$WORK/inv-c" bundle "$WORK/c1" --name cr1 >/dev/null
	[ ! -e "$(INV)/cr1.json" ]
	v create --bundle "$WORK/c1" cr1
	[ "$(jq -r .bundle "$(INV)/cr1.json")" = "$WORK/c1" ]
	# create again (after delete) with the same bundle: still the one record
	v delete --force cr1
	v create --bundle "$WORK/c1" cr1
	v delete --force cr1
	cp -a "$WORK/c1" "$WORK/c1copy"
	run v create --bundle "$WORK/c1copy" crx
	[ "$status" -eq 1 ]
	[[ $output == *"register VPS cr1: VPS name cr1 is already taken by the bundle $WORK/c1"* ]]
	[ ! -e "$ROOT/crx" ]
	cgdir_gone crx
	# a plain OCI bundle (no org.vps.name) registers nothing
	make_busybox_bundle "$WORK/plain0"
	set_args "$WORK/plain0" sleep 100
	v create --bundle "$WORK/plain0" plain0
	[ ! -e "$(INV)/plain0.json" ]
	v delete --force plain0
}

@test "inv: list shows every VPS, running or not, with its settings; --json; -q; other containers below" {
	v bundle "$WORK/l1" --memory 64M --cpus 0.5 >/dev/null
	v bundle "$WORK/l2" --memory -1 --ip 10.88.7.7/16 --userns host >/dev/null
	v start l1
	make_busybox_bundle "$WORK/plain1"
	set_args "$WORK/plain1" sleep 100
	v create --bundle "$WORK/plain1" plain1
	run v list
	echo "$output"
	[ "$status" -eq 0 ]
	[[ ${lines[0]} == "NAME"*"STATE"*"ADDRESS"*"MEMORY"*"CPUS"*"ROOT"*"AUTOSTART"*"DISK" ]]
	[[ $output =~ l1\ +running\ +-\ +64M\ +0\.5\ +mapped\ +no ]]
	[[ $(grep "^l1 " <<<"$output") =~ \ no\ +-$ ]] # DISK: none of its own
	[[ $output =~ l2\ +stopped\ +10\.88\.7\.7/16\ +-\ +-\ +host\ +no ]]
	# then, after a blank line, runc's table of the containers that are not VPSes
	[[ $output == *$'\n\nID'*"STATUS"*"plain1"*"created"* ]]
	[[ $(grep -c '^l1 ' <<<"$output") -eq 1 ]]
	run v list --json
	[ "$(jq -r '.[] | select(.name == "l1") | "\(.state) \(.memory) \(.cpus) \(.root) \(.autostart) \(.bundle)"' <<<"$output")" = "running 67108864 0.5 mapped false $WORK/l1" ]
	[ "$(jq -r '.[] | select(.name == "l2") | "\(.state) \(.memory) \(.address)"' <<<"$output")" = "stopped null 10.88.7.7/16" ]
	run v list -q
	[[ $output == *l1*l2*plain1* ]]
	# ROOT: a VPS of --userns host shares the host's ids
	[ "$(jq -r '.[] | select(.name == "l2") | .root' <<<"$(v list --json)")" = host ]
	v delete --force l1
	v delete --force plain1
}

@test "inv: list without registered VPSes, or with --format, is runc's list of every container" {
	local R=$WORK/state-plain
	mkdir -p "$R"
	make_busybox_bundle "$WORK/plain2"
	set_args "$WORK/plain2" sleep 100
	"$VPS" --root "$R" --inventory "$WORK/inv-empty" create --bundle "$WORK/plain2" p2
	run "$VPS" --root "$R" --inventory "$WORK/inv-empty" list
	[[ ${lines[0]} == ID*PID*STATUS*BUNDLE*CREATED*OWNER ]]
	[[ ${lines[1]} == p2\ * ]]
	run "$VPS" --root "$R" --inventory "$WORK/inv-empty" list --format json
	[ "$(jq -r '.[0].id + " " + .[0].status' <<<"$output")" = "p2 created" ]
	# with VPSes registered, --format still lists every container as runc does
	v bundle "$WORK/l3" >/dev/null
	v start l3
	run v list --format json
	[ "$(jq -r '.[] | select(.id == "l3") | .status' <<<"$output")" = running ]
	run v list --json --format json
	[ "$status" -eq 2 ]
	"$VPS" --root "$R" delete --force p2
	v delete --force l3
}

@test "inv: set changes a running VPS live and persists only the changed bytes of config.json" {
	v bundle "$WORK/s1" --memory 256M >/dev/null
	v start s1
	[ "$(memlimit s1)" = 268435456 ]
	cp "$WORK/s1/config.json" "$WORK/s1.before"
	stat -c %a:%U "$WORK/s1/config.json" >"$WORK/s1.mode"
	run v set s1 --memory 300M --pids 500 --cpus 0.5
	[ "$status" -eq 0 ] && [ -z "$output" ]
	[ "$(memlimit s1)" = 314572800 ]
	[ "$(pidslimit s1)" = 500 ]
	[ "$(jq -c '.linux.resources | [.memory.limit, .pids.limit, .cpu.quota, .cpu.period]' "$WORK/s1/config.json")" = "[314572800,500,50000,100000]" ]
	# every other byte is what it was: undo the three edits by hand and compare
	sed -e 's/"limit":314572800/"limit":268435456/' -e 's/"limit":500$/"limit":1024/' \
		-e '/^ *"cpu": {"period": 100000, "quota": 50000},$/d' "$WORK/s1/config.json" >"$WORK/s1.undone"
	cmp "$WORK/s1.before" "$WORK/s1.undone"
	[ "$(stat -c %a:%U "$WORK/s1/config.json")" = "$(cat "$WORK/s1.mode")" ]
	# a second set replaces the values in place (no second cpu object)
	v set s1 --cpus 1
	[ "$(grep -c '"cpu"' "$WORK/s1/config.json")" -eq 1 ]
	[ "$(jq -c '.linux.resources.cpu' "$WORK/s1/config.json")" = '{"period":100000,"quota":100000}' ]
	# the address cannot change live: said so, and persisted for the next start
	run v set s1 --ip 10.88.9.9/16
	[ "$status" -eq 0 ]
	[ "$output" = "vps: set s1: --ip 10.88.9.9/16 applies at next start" ]
	[ "$(jq -r '.annotations["org.vps.net.ip"]' "$WORK/s1/config.json")" = 10.88.9.9/16 ]
	# flags go to the inventory record, not config.json
	cp "$WORK/s1/config.json" "$WORK/s1.c2"
	v set s1 --autostart on --boot-order 3 --boot-delay 2
	cmp "$WORK/s1.c2" "$WORK/s1/config.json"
	[ "$(jq -c '[.autostart, .bootOrder, .bootDelay]' "$(INV)/s1.json")" = "[true,3,2]" ]
	v delete --force s1
}

@test "inv: set of a bad value changes nothing (config.json, record, cgroup) and says why" {
	v bundle "$WORK/s2" --memory 128M >/dev/null
	v start s2
	cp "$WORK/s2/config.json" "$WORK/s2.before"
	cp "$(INV)/s2.json" "$WORK/s2.rec"
	bad() {
		run v set s2 "$@"
		echo "$* -> $status: $output"
		[ "$status" -ne 0 ]
		[[ $output == *"$MSG"* ]]
		cmp "$WORK/s2.before" "$WORK/s2/config.json"
		cmp "$WORK/s2.rec" "$(INV)/s2.json"
		[ "$(memlimit s2)" = 134217728 ]
		[ -z "$(ls -A "$WORK/s2" | grep -v '^config.json$\|^rootfs$')" ] # no temp file left
	}
	MSG='--memory "1Q": expected a size' bad --memory 1Q
	MSG='--memory 1000: below 1M' bad --memory 1000
	MSG='--pids 3: below 8' bad --pids 3
	MSG='--pids "many"' bad --pids many
	MSG='--cpus "lots"' bad --cpus lots
	MSG='--autostart "maybe": expected on or off' bad --autostart maybe
	MSG='--boot-delay "99999": expected an integer from 0 to 3600' bad --boot-delay 99999
	MSG='--boot-order "x"' bad --boot-order x
	MSG='org.vps.net.ip' bad --ip 999.1.1.1/16
	# one bad value among good ones: none of them is applied
	MSG='--pids 3' bad --memory 200M --pids 3
	MSG='org.vps.net.ip' bad --memory 200M --ip nonsense
	MSG='nothing to set' bad
	run v set nosuch --memory 200M
	[ "$status" -eq 1 ] && [[ $output == "vps: set nosuch: VPS nosuch is not registered (inventory $VPS_INVENTORY)" ]]
	v delete --force s2
}

@test "inv: concurrent sets of one VPS serialize on the inventory lock: no change is lost" {
	v bundle "$WORK/s4" >/dev/null
	local i
	for i in 1 2 3 4 5 6 7 8; do
		v set s4 --boot-order $i --memory $((100 + i))M &
		v set s4 --autostart on --pids $((600 + i)) &
		v set s4 --boot-delay $i --cpus 0.$i &
		wait
		[ "$(jq -c '[.autostart, .bootOrder, .bootDelay]' "$(INV)/s4.json")" = "[true,$i,$i]" ]
		[ "$(jq -c '.linux.resources | [.memory.limit, .pids.limit, .cpu.quota]' "$WORK/s4/config.json")" = "[$(((100 + i) << 20)),$((600 + i)),$((i * 10000))]" ]
		v set s4 --autostart off
	done
	[ -z "$(ls -A "$(INV)" | grep -v '^s4.json$\|^\.lock$\|^[a-z0-9-]*\.json$')" ] # no temp records left
}

@test "inv: set of a stopped VPS is what its next start applies" {
	v bundle "$WORK/s3" --memory 128M >/dev/null
	v set s3 --memory 200M --pids 300
	v start s3
	[ "$(memlimit s3)" = 209715200 ]
	[ "$(pidslimit s3)" = 300 ]
	v delete --force s3
}

@test "inv: destroy refuses a running VPS; --force removes container, cgroup, bundle and record" {
	v bundle "$WORK/x1" >/dev/null
	v start x1
	run v destroy x1
	[ "$status" -eq 1 ]
	[ "$output" = "vps: destroy x1: VPS x1 is running; stop it first or use --force (kills it)" ]
	[ -d "$ROOT/x1" ] && [ -f "$(INV)/x1.json" ] && [ -f "$WORK/x1/config.json" ]
	[ "$(v state x1 | jq -r .status)" = running ]
	grep -qx 'name x1' "$VPS_INVENTORY"/idranges/*.range # its host id range (issue 15)
	v destroy x1 --force
	[ ! -e "$ROOT/x1" ] && [ ! -e "$(INV)/x1.json" ] && [ ! -e "$WORK/x1" ]
	! grep -qx 'name x1' "$VPS_INVENTORY"/idranges/*.range # given back
	cgdir_gone x1
	run v destroy x1
	[ "$status" -eq 1 ] && [[ $output == *"VPS x1 is not registered"* ]]
}

@test "inv: destroy --keep-data keeps the bundle; a stopped VPS needs no --force; the name is free again" {
	v bundle "$WORK/x2" >/dev/null
	v start x2
	v kill x2 KILL
	wait_for sh -c "[ \"\$($VPS --root $ROOT state x2 | jq -r .status)\" = stopped ]"
	v destroy x2 --keep-data
	[ ! -e "$ROOT/x2" ] && [ ! -e "$(INV)/x2.json" ] && [ -f "$WORK/x2/config.json" ] && [ -d "$WORK/x2/rootfs/etc" ]
	v bundle "$WORK/x2-new" --name x2 >/dev/null
	[ "$(jq -r .bundle "$(INV)/x2.json")" = "$WORK/x2-new" ]
	v destroy x2
	[ ! -e "$WORK/x2-new" ] && [ -f "$WORK/x2/config.json" ]
}

@test "inv: destroy never removes a bundle whose config.json names another VPS" {
	v bundle "$WORK/x3" >/dev/null
	v bundle "$WORK/x4" >/dev/null
	# a record pointing at someone else's tree (edited, or the bundle replaced)
	jq --arg b "$WORK/x4" '.bundle = $b' "$(INV)/x3.json" >"$WORK/x3.rec"
	cp "$WORK/x3.rec" "$(INV)/x3.json"
	run v destroy x3
	[ "$status" -eq 1 ]
	[[ $output == *"bundle $WORK/x4: its config.json does not name VPS x3"* ]]
	[ -f "$WORK/x4/config.json" ] && [ -f "$(INV)/x3.json" ]
	v destroy x3 --keep-data
	[ ! -e "$(INV)/x3.json" ] && [ -f "$WORK/x4/config.json" ]
	v destroy x4
}

@test "inv: an inventory others may write is not trusted" {
	mkdir -p "$WORK/inv-open/vps"
	chmod 0777 "$WORK/inv-open/vps"
	run "$VPS" --root "$ROOT" --inventory "$WORK/inv-open" list
	[ "$status" -eq 1 ]
	[[ $output == *"inventory $WORK/inv-open/vps: owned by uid 0 with mode 0777; not trusting it"* ]]
	run "$VPS" --root "$ROOT" --inventory "$WORK/inv-open" bundle "$WORK/io1"
	[ "$status" -eq 1 ] && [ ! -e "$WORK/io1" ]
}

@test "inv: start NAME creates and starts a stopped VPS with its settings; a running one is left alone" {
	v bundle "$WORK/t1" --memory 96M >/dev/null
	run v start t1
	[ "$status" -eq 0 ]
	[ "$(v state t1 | jq -r .status)" = running ]
	[ "$(v exec t1 cat /proc/1/comm)" = init ]
	local pid
	pid=$(v state t1 | jq .pid)
	run v start t1
	[ "$status" -eq 0 ] && [ "$output" = "vps: start t1: already running" ]
	[ "$(v state t1 | jq .pid)" = "$pid" ]
	v kill t1 KILL
	wait_for sh -c "[ \"\$($VPS --root $ROOT state t1 | jq -r .status)\" = stopped ]"
	v start t1
	[ "$(v state t1 | jq -r .status)" = running ] && [ "$(v state t1 | jq .pid)" != "$pid" ]
	[ "$(memlimit t1)" = 100663296 ]
	# a created one is started
	v delete --force t1
	v create --bundle "$WORK/t1" t1
	v start t1
	[ "$(v state t1 | jq -r .status)" = running ]
	v delete --force t1
	# an id that is not a registered VPS: runc's start
	run v start nosuch
	[ "$status" -eq 1 ] && [[ $output == *'container "nosuch" does not exist'* ]]
	run v start --all t1
	[ "$status" -eq 2 ]
}

@test "inv: start --all starts every registered VPS in boot order, reporting each" {
	local inv=$WORK/inv-all R=$WORK/state-all
	va() { "$VPS" --root "$R" --inventory "$inv" "$@"; }
	va bundle "$WORK/ba" >/dev/null
	va bundle "$WORK/bb" >/dev/null
	va bundle "$WORK/bc" >/dev/null
	va set bc --boot-order -1
	va set ba --boot-order 5
	va start bb
	run va start --all
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$output" = $'bc: started\nbb: already running\nba: started' ]
	for x in ba bb bc; do [ "$(va state $x | jq -r .status)" = running ]; done
	# one that cannot start is reported, the others still start, exit 1, nothing of it left
	va bundle "$WORK/bd" >/dev/null
	set_args "$WORK/bd" /no/such/init
	va set bd --boot-order -5
	va delete --force ba
	run va start --all
	echo "$output"
	[ "$status" -eq 1 ]
	[[ ${lines[0]} == "vps: start bd: "*"/no/such/init"* ]]
	[ "${lines[1]}" = "bc: already running" ] && [ "${lines[3]}" = "ba: started" ]
	[ ! -e "$R/bd" ]
	cgdir_gone bd "$R"
	for x in ba bb bc bd; do va destroy --force $x; done
}

@test "inv: after a reboot (fresh state root) start --autostart brings back exactly the flagged VPSes with their settings, address and password" {
	# an inventory of its own: only these three VPSes are registered there
	export VPS_INVENTORY=$WORK/inv-boot
	n bundle "$WORK/a1" --memory 128M >/dev/null
	n bundle "$WORK/a2" >/dev/null
	n bundle "$WORK/a3" >/dev/null
	n set a1 --autostart on --boot-order 2 --memory 200M --ip 10.88.0.50/16
	n set a3 --autostart on --boot-order 1 --boot-delay 1
	echo 'r3boot-pw' | n passwd a1 --stdin
	n start a1
	n start a2
	[ "$(memlimit a1)" = 209715200 ]
	# the reboot: every VPS's processes gone, /run empty (a new state root)
	for x in a1 a2; do n delete --force $x; done
	mkdir -p "$WORK/state2"
	local t0=$SECONDS
	run n2 start --autostart
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$output" = $'a3: started\na1: started' ]
	[ $((SECONDS - t0)) -ge 1 ] # a3's boot delay
	[ "$(n2 state a1 | jq -r .status)" = running ] && [ "$(n2 state a3 | jq -r .status)" = running ]
	run n2 state a2
	[ "$status" -eq 1 ]
	[ "$(memlimit a1 "$WORK/state2")" = 209715200 ]
	get() {
		nsenter --net="/run/netns/$NS" bash -c 'exec 5<>/dev/tcp/10.88.0.50/80 || exit 1
			printf "GET / HTTP/1.0\r\n\r\n" >&5; timeout 5 cat <&5'
	}
	run wait_for get
	[[ $output == *"a1: a vps busybox VPS"* ]]
	local h
	h=$(awk -F: '$1 == "root" { print $2 }' "$WORK/a1/rootfs/etc/shadow")
	crypt_ok 'r3boot-pw' "$h"
	run n2 users a1 --json
	[ "$(jq -r '.[] | select(.name == "root") | .password' <<<"$output")" = set ]
	[[ $(n2 list) =~ a1\ +running\ +10\.88\.0\.50\ +200M\ +-\ +mapped\ +yes ]]
	for x in a1 a3; do n2 destroy --force $x; done
	n destroy a2
	run nsenter --net="/run/netns/$NS" ip -o link
	[[ $output != *veth* ]]
}

@test "inv: make install installs the autostart units: systemd's and a sysvinit script" {
	run make -C "$VPS_TOP" --no-print-directory install DESTDIR="$WORK/inst" PREFIX=/usr
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	local u=$WORK/inst/lib/systemd/system/vps-autostart.service s=$WORK/inst/etc/init.d/vps-autostart
	[ -f "$u" ] && [ -x "$s" ]
	grep -qx 'After=network-online.target' "$u"
	grep -qx 'Wants=network-online.target' "$u"
	grep -qx 'ExecStart=/usr/bin/vps start --autostart' "$u"
	grep -qx 'ExecStop=/usr/bin/vps stop --all' "$u"
	grep -qx 'RemainAfterExit=yes' "$u"
	grep -qx 'VPS=/usr/bin/vps' "$s"
	grep -q '"$VPS" start --autostart' "$s"
	grep -q '"$VPS" stop --all' "$s"
	bash -n "$s"
	run "$s" nonsense
	[ "$status" -ne 0 ] && [[ $output == *Usage* ]]
	if command -v systemd-analyze >/dev/null; then
		systemd-analyze verify "$u" 2>&1 | grep -v 'vps stop' | grep -iv 'not executable\|No such file' || true
	fi
}
