/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Syscalls newer than the profile's libseccomp knows get ENOSYS, not the
 * default action (runc patches its filters the same way): a profile written
 * before a syscall existed cannot list it, and glibc falls back to the older
 * call on ENOSYS only (clone3 -> clone, faccessat2 -> faccessat...). A short
 * program is put in front of libseccomp's: for each architecture of the
 * filter whose numbers are dense, a number above the highest one libseccomp
 * knows returns ENOSYS; everything else falls through to the filter. */
#include <errno.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/seccomp_internal.h"
#include "util/cleanup.h"

#define X32_SYSCALL_BIT 0x40000000U
#define SCAN_MAX	4096 /* dense tables end far below this */
#define STUB_MAX	32

/* Architectures whose syscall numbers are one dense range from 0 (ARM's
 * private calls at 0xf0000 and MIPS's offsets would need more care). */
static const uint32_t dense_arches[] = {SCMP_ARCH_X86_64, SCMP_ARCH_X86, SCMP_ARCH_AARCH64,
					SCMP_ARCH_RISCV64};

static int highest_known(uint32_t arch)
{
	int max = -1;
	for (int nr = 0; nr < SCAN_MAX; nr++) {
		char *name = seccomp_syscall_resolve_num_arch(arch, nr);
		if (name)
			max = nr;
		free(name);
	}
	return max;
}

/* One architecture's block: if arch matches and nr > max (and is no x32
 * call), return ENOSYS; else go on to the next block. *n grows by its length. */
static void add_block(struct sock_filter *p, size_t *n, uint32_t arch, uint32_t max)
{
	bool x64 = arch == SCMP_ARCH_X86_64;
	uint8_t len = x64 ? 6 : 5, i = 0;
	struct sock_filter *b = p + *n;
	b[i++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, arch, 0, len - 1);
	b[i++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
					      offsetof(struct seccomp_data, nr));
	if (x64) /* to the block's last instruction: the jump to libseccomp's */
		b[i++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, X32_SYSCALL_BIT,
						      len - 4, 0);
	b[i++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JGT | BPF_K, max, 0, 1);
	b[i++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | ENOSYS);
	b[i++] = (struct sock_filter)BPF_STMT(BPF_JMP | BPF_JA | BPF_K, 0); /* k set below */
	*n += len;
}

int vps_seccomp_enosys(void *ctx, struct vps_seccomp *s, vps_err *err)
{
	struct sock_filter stub[STUB_MAX];
	size_t n = 0, blocks[ARRAY_SIZE(dense_arches)], nb = 0;
	stub[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
						 offsetof(struct seccomp_data, arch));
	for (size_t i = 0; i < ARRAY_SIZE(dense_arches); i++) {
		if (seccomp_arch_exist(ctx, dense_arches[i]) != 0)
			continue;
		int max = highest_known(dense_arches[i]);
		if (max < 0)
			continue;
		add_block(stub, &n, dense_arches[i], (uint32_t)max);
		blocks[nb++] = n - 1;
	}
	if (!nb)
		return 0;
	for (size_t i = 0; i < nb; i++) /* each block's last jump: past the stub */
		stub[blocks[i]].k = (uint32_t)(n - blocks[i] - 1);
	if (s->n_insns + n > BPF_MAXINSNS)
		return vps_errorx(err, E2BIG, "seccomp: the filter has more than %d instructions",
				  BPF_MAXINSNS);
	struct sock_filter *all = malloc((s->n_insns + n) * sizeof(*all));
	if (!all)
		return vps_error(err, ENOMEM, "seccomp");
	memcpy(all, stub, n * sizeof(*all));
	memcpy(all + n, s->insns, s->n_insns * sizeof(*all));
	free(s->insns);
	s->insns = all;
	s->n_insns += n;
	return 0;
}
