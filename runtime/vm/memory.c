/* SPDX-License-Identifier: GPL-2.0-or-later */
/* How much RAM the guest gets. QEMU runs in the VPS's cgroup, so the memory
 * limit has to hold the guest's RAM plus QEMU's own overhead: under TCG that is
 * its heap and its translation cache, bounded at VPS_VM_TCG_TB_MIB (qemu.c),
 * whatever the guest's size (measured with a busybox guest of 96, 128 and 256
 * MiB: QEMU's anonymous memory 156, 162, 164 MiB at a peak cgroup use of
 * 158-165 MiB; with the debian templates booted, sysvinit and systemd, and
 * the cache bounded: about 90 MiB of QEMU's anonymous memory beside the
 * guest's, 63 MiB of it the full cache, and both boot with a 96 MiB guest).
 * The guest
 * gets the limit minus VM_OVERHEAD_MIB; with the small or Debian kernel and its
 * initramfs it needs VM_MIN_GUEST_MIB to boot (64 MiB does not). A limit that
 * leaves less is refused before QEMU starts, and a QEMU the OOM killer ends is
 * named as such. The KVM overhead is an estimate (KVM cannot run here). */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>

#include "cgroups/cgroup.h"
#include "runtime/vm/vm.h"
#include "util/fmt.h"

#define VM_MIN_GUEST_MIB     96
#define VM_DEFAULT_GUEST_MIB 256

static uint64_t default_overhead(enum vps_vm_accel a)
{
	return a == VPS_VM_KVM ? 64 : 128;
}

/* $VPS_VM_OVERHEAD_MIB overrides the estimate (a host whose QEMU needs more). */
static uint64_t overhead_mib(enum vps_vm_accel a)
{
	const char *s = getenv("VPS_VM_OVERHEAD_MIB");
	char *end;
	unsigned long long v = s && *s ? strtoull(s, &end, 10) : 0;
	if (s && *s && !*end && v < (1ULL << 20))
		return v;
	return default_overhead(a);
}

static int64_t limit_of(const struct oci_spec *spec)
{
	const struct oci_resources *r =
	    spec->has_linux && spec->lx.has_resources ? &spec->lx.resources : NULL;
	return r && r->has_memory && r->memory.limit.set ? r->memory.limit.v : -1;
}

uint64_t vps_vm_min_limit_mib(enum vps_vm_accel a)
{
	return VM_MIN_GUEST_MIB + overhead_mib(a);
}

int vps_vm_ram_mib(const struct oci_spec *spec, enum vps_vm_accel a, uint64_t *mib, vps_err *err)
{
	int64_t lim = limit_of(spec);
	if (lim <= 0) {
		*mib = VM_DEFAULT_GUEST_MIB;
		return 0;
	}
	uint64_t l = (uint64_t)lim >> 20, min = vps_vm_min_limit_mib(a);
	if (l < min)
		return vps_errorx(err, EINVAL,
				  "vm: memory limit %" PRIu64 "M is too small for a VM: QEMU needs "
				  "about %" PRIu64 " MiB (%s) beside the guest, and the guest at "
				  "least %d MiB; use at least %" PRIu64 "M",
				  l, overhead_mib(a), vps_vm_accel_name(a), VM_MIN_GUEST_MIB, min);
	*mib = l - overhead_mib(a);
	return 0;
}

int vps_vm_oom_explain(struct vps_cgroup *cg, const struct oci_spec *spec, enum vps_vm_accel a,
		       vps_err *err)
{
	uint64_t kills = 0;
	vps_err e = {0};
	if (!cg || vps_cgroup_oom_kills(cg, &kills, &e) < 0 || kills == 0)
		return 0;
	int64_t lim = limit_of(spec);
	return vps_errorx(err, ENOMEM,
			  "the VM was killed by the OOM killer (memory limit %" PRId64
			  "M; the guest needs at least %" PRIu64 "M here, more as its "
			  "processes grow)",
			  lim > 0 ? lim >> 20 : -1, VM_MIN_GUEST_MIB + default_overhead(a));
}

bool vps_vm_oom_ended(struct vps_cgroup *cg, char *buf, size_t cap)
{
	struct vps_cgroup_stats st = {0};
	vps_err e = {0};
	if (!cg || vps_cgroup_stats(cg, &st, &e) < 0)
		return false;
	uint64_t kills = st.memory.set ? st.memory.oom_kills : 0, lim = st.memory.usage.limit;
	vps_cgroup_stats_free(&st);
	if (kills == 0)
		return false;
	if (lim && lim != UINT64_MAX)
		vps_snprintf(buf, cap, /* fits: about 70 bytes in callers' 128 */
			     "the VM was killed by the OOM killer (memory limit %" PRIu64 "M)",
			     lim >> 20);
	else
		/* fits: a constant message */
		vps_snprintf(buf, cap, "the VM was killed by the OOM killer");
	return true;
}
