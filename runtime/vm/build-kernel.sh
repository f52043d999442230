#!/usr/bin/env bash
# `make vm-kernel`: build the small guest kernel for `vps run --vm` from Debian's
# linux-source package with runtime/vm/kernel.config, and install the ELF vmlinux
# as $CACHE/vmlinux (vps prefers it over the host's Debian kernel).
# Slow (6-15 min on 2 cores): run it once, niced; `make check` never needs it.
#   CACHE=/var/cache/vps   JOBS=2
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
CACHE=${CACHE:-/var/cache/vps}
JOBS=${JOBS:-2}
bash "$here/../../mk/deps.sh" "$here/kernel-build.list"
src_tar=$(ls /usr/src/linux-source-*.tar.xz 2>/dev/null | sort -V | tail -1 || true)
if [ -z "$src_tar" ]; then
	echo "vm-kernel: no /usr/src/linux-source-*.tar.xz (apt-get install linux-source)" >&2
	exit 1
fi
ver=$(basename "$src_tar" .tar.xz)
build=$CACHE/kbuild
mkdir -p "$build"
if [ ! -d "$build/$ver" ]; then
	echo "vm-kernel: unpacking $src_tar"
	tar -C "$build" -xf "$src_tar"
fi
cd "$build/$ver"
make -s tinyconfig
scripts/kconfig/merge_config.sh -m .config "$here/kernel.config" >/dev/null
make -s olddefconfig
# Every line of the fragment that did not stick is a mistake in the fragment.
missing=0
while IFS= read -r line; do
	case "$line" in CONFIG_*=y) grep -qx "$line" .config || { echo "vm-kernel: not set: $line" >&2; missing=1; } ;; esac
done <"$here/kernel.config"
[ "$missing" = 0 ] || echo "vm-kernel: warning: some options did not apply (see above)" >&2
echo "vm-kernel: building $ver vmlinux with -j$JOBS"
nice -n 19 make -s -j"$JOBS" vmlinux
release=$(make -s kernelrelease)
# no symbols: QEMU reads and sorts an ELF kernel's symbol table at every start
# (-kernel), a restored VM's too (1.9 MB of it here, kept in its memory)
objcopy --strip-all vmlinux "$CACHE/vmlinux.tmp"
chmod 0644 "$CACHE/vmlinux.tmp"
mv "$CACHE/vmlinux.tmp" "$CACHE/vmlinux"
echo "$release" >"$CACHE/vmlinux.release"
echo "vm-kernel: installed $CACHE/vmlinux ($release, $(du -h "$CACHE/vmlinux" | cut -f1))"
