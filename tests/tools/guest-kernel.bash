# Sourced by the QEMU guest suites (cgroup-v2-vm.sh, stock-host.sh): the host's
# Debian kernel, booted by PVH from its ELF vmlinux (seconds faster under TCG
# than the bzImage), and a busybox initramfs builder.

# guest_kver: the newest installed kernel that has its vmlinuz and 9p modules
guest_kver() {
	local d v
	for d in /lib/modules/*/; do
		v=$(basename "$d")
		[ -e "/boot/vmlinuz-$v" ] && [ -e "/lib/modules/$v/kernel/fs/9p/9p.ko" ] && echo "$v"
	done | sort -V | tail -1
}

# guest_vmlinux KVER OUT: extract the ELF vmlinux (xz payload of vmlinuz) to
# OUT once (temp + rename); prints an error and returns 1 when it cannot
guest_vmlinux() {
	local kver=$1 out=$2 off
	[ -s "$out" ] && return 0
	off=$(LC_ALL=C grep -obUaP '\xfd7zXZ\x00' "/boot/vmlinuz-$kver" | head -1 | cut -d: -f1)
	[ -n "$off" ] || { echo "no xz payload in /boot/vmlinuz-$kver"; return 1; }
	tail -c +$((off + 1)) "/boot/vmlinuz-$kver" | xz -dc 2>/dev/null >"$out.tmp.$$"
	if ! head -c 4 "$out.tmp.$$" | grep -q ELF; then
		rm -f "$out.tmp.$$"
		echo "could not extract vmlinux from /boot/vmlinuz-$kver"
		return 1
	fi
	mv "$out.tmp.$$" "$out"
}

# guest_initramfs_mods KVER DIR MODULE...: copy the named modules (in load
# order) of KVER into DIR; prints the missing one and returns 1
guest_initramfs_mods() {
	local kver=$1 dir=$2 m f
	shift 2
	for m in "$@"; do
		f=$(find "/lib/modules/$kver/kernel" -name "$m.ko" | head -1)
		[ -n "$f" ] || { echo "module $m.ko missing in /lib/modules/$kver"; return 1; }
		cp "$f" "$dir/"
	done
}
