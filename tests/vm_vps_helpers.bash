# Helpers of the VPS-face VM suites (vm-vps.bats, vm-templates.bats): a VM
# VPS's QEMU (its recorded pid), QEMU's parent (the VPS's monitor), its row in
# `vps list`, a pty for `vps console`. Loaded after helpers.bash.
bats_require_minimum_version 1.5.0

setup_file() {
	vps_setup_file
	export SHELL=/bin/bash # vf_pty.py runs the console under it
}
PTY() { python3 "$VPS_TOP/tests/tools/vf_pty.py" -t "${PTY_TIMEOUT:-30}" "$@"; }
qemu_of() { v state "$1" | jq -r .pid; }
monitor_of() { awk '/^PPid:/ { print $2 }' "/proc/$(qemu_of "$1")/status"; }
listed() { v list | awk -v n="$1" '$1 == n { print $2 }'; }
