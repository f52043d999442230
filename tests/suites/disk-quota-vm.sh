#!/usr/bin/env bash
# timeout: 900
# tests/disk-dir.bats where project quotas exist. This host's kernel has no
# CONFIG_QUOTA, so there the dir backend's quota cases skip (saying so); here
# the same bats file runs inside the cgroup-v2-vm guest (Debian's kernel, XFS
# and ext4 project quotas on loop devices the test makes), so `make check`
# tests the quota itself: df inside shows it, a write past it fails inside,
# vps set --disk moves it, destroy frees the project id.
set -u -o pipefail
TOP=${VPS_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
# one boot (the pure-v2 one); the v1 boot's opt-in notice is not this suite's
CGVM_GUEST=$TOP/tests/tools/disk-quota-vm.guest CGVM_V1=0 \
	bash "$TOP/tests/suites/cgroup-v2-vm.sh" | grep -v '^SKIP cgroup-v1-vm'
