# The systemd test bed of issue 20 (systemd-cgroup.bats, systemd-machined.bats):
# this host has no systemd as pid 1, so vps's systemd paths run in a Debian
# VPS with systemd as pid 1 (--userns host, no seccomp so nested containers
# can be made, CAP_SYS_TIME so a nested VPS-face VPS gets a time namespace)
# that has this worktree at /opt/vps (ro), $WORK/bb, a busybox bundle, at
# /opt/bb (ro) and $WORK/nb at /opt/nb (rw, nested bundles written from here).
# Needs the debian template with the bed's packages (cached in /var/cache/vps;
# a new package set debootstraps once, from the Debian archive).

# sd_bed_setup NAME PACKAGES: make, start and wait for the bed NAME (export
# SD_BED) with the Debian packages PACKAGES (comma-separated) besides the
# template's; skips when debootstrap or the archive (with nothing cached) is
# missing. Call from setup_file after vps_setup_file.
sd_bed_setup() {
	export SD_BED=$1
	make_busybox_bundle "$WORK/bb"
	command -v debootstrap >/dev/null || skip "debootstrap not installed (make deps installs it)"
	if [ -z "$(ls /var/cache/vps/debian-bookworm-"$(uname -m)"-systemd-pkgs-*.tar 2>/dev/null)" ] &&
		! (mkdir -p "$WORK/probe" && cd "$WORK/probe" && timeout 30 apt-get download -q base-files >/dev/null 2>&1); then
		skip "the Debian archive is unreachable and nothing is cached; needed to debootstrap"
	fi
	timeout 900 "$VPS" --root "$ROOT" bundle "$WORK/sd" --template debian --name "$1" \
		--userns host --seccomp none --packages "$2" >"$WORK/bundle.log" 2>&1 || {
		cat "$WORK/bundle.log" >&2
		return 1
	}
	mkdir -p "$WORK/nb"
	jq --arg top "$(cd "$VPS_TOP" && pwd)" --arg bb "$WORK/bb" --arg nb "$WORK/nb" \
		'.mounts += [{destination: "/opt/vps", type: "bind", source: $top, options: ["rbind", "ro"]},
		             {destination: "/opt/bb", type: "bind", source: $bb, options: ["rbind", "ro"]},
		             {destination: "/opt/nb", type: "bind", source: $nb, options: ["rbind", "rw"]}]' \
		"$WORK/sd/config.json" >"$WORK/c.json" && mv "$WORK/c.json" "$WORK/sd/config.json"
	jq_edit "$WORK/sd/config.json" '.process.capabilities |= with_entries(.value += ["CAP_SYS_TIME"])'
	"$VPS" --root "$ROOT" create --bundle "$WORK/sd" "$1"
	"$VPS" --root "$ROOT" start "$1"
	local t0=$(date +%s%N) s i
	for i in $(seq 1 150); do
		s=$("$VPS" --root "$ROOT" exec "$1" systemctl is-system-running 2>/dev/null) || true
		case $s in running | degraded) break ;; esac
		sleep 0.2
	done
	echo "# the test bed booted to '$s' in $((($(date +%s%N) - t0) / 1000000)) ms" >&3
	case $s in running | degraded) ;; *) return 1 ;; esac
}

# inbed CMD...: run CMD in the bed; nv ARGS...: its vps (state in /tmp/st)
inbed() { v exec "$SD_BED" "$@"; }
nv() { inbed /opt/vps/vps --root /tmp/st "$@"; }
# nvi ARGS...: the same with the VPS face's inventory in /tmp/inv
nvi() { inbed env VPS_INVENTORY=/tmp/inv /opt/vps/vps --root /tmp/st "$@"; }
# nbundle NAME JQ: a busybox bundle for the bed at /opt/nb/NAME (written from
# here: $WORK/nb is bound there), edited by JQ
nbundle() {
	mkdir -p "$WORK/nb/$1"
	jq '.root.path = "/opt/bb/rootfs" | .root.readonly = true | .process.args = ["sleep", "600"] | '"$2" \
		"$WORK/bb/config.json" >"$WORK/nb/$1/config.json"
}
# prop UNIT NAME: a unit property's value inside the bed
prop() { inbed systemctl show "$1" -p "$2" --value; }
need_bed() { [ ! -e /run/systemd/system ] || skip "this host runs systemd: the nested bed is for hosts without"; }
