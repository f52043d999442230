/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cgroup v2 device control: a BPF_PROG_TYPE_CGROUP_DEVICE program built from
 * the rules (last matching rule decides, as v1's list does; no match: deny),
 * loaded with bpf(2) and attached to the container's cgroup. */
#include <errno.h>
#include <linux/bpf.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cgroups/devices.h"
#include "util/cleanup.h"

#define INSN(c, d, s, o, i)                                                                        \
	((struct bpf_insn){.code = (c), .dst_reg = (d), .src_reg = (s), .off = (o), .imm = (i)})

static int emit(struct bpf_insn *p, size_t max, size_t *n, struct bpf_insn in)
{
	if (*n >= max)
		return -E2BIG;
	p[(*n)++] = in;
	return 0;
}

static int access_bits(const char *a)
{
	int b = 0;
	for (; *a; a++)
		b |= *a == 'm'	 ? BPF_DEVCG_ACC_MKNOD
		     : *a == 'r' ? BPF_DEVCG_ACC_READ
				 : BPF_DEVCG_ACC_WRITE;
	return b;
}

/* One rule: each test jumps to the block's end when it fails. */
static int rule_block(const struct oci_device_rule *d, struct bpf_insn *p, size_t max, size_t *n)
{
	struct bpf_insn blk[8];
	size_t k = 0;
	int acc = access_bits(d->access),
	    all = BPF_DEVCG_ACC_MKNOD | BPF_DEVCG_ACC_READ | BPF_DEVCG_ACC_WRITE;
	if (d->type != 'a') {
		int t = d->type == 'b' ? BPF_DEVCG_DEV_BLOCK : BPF_DEVCG_DEV_CHAR;
		blk[k++] = INSN(BPF_JMP | BPF_JNE | BPF_K, 2, 0, 0, t);
		if ((acc & all) != all) { /* requested access must be within the rule's */
			blk[k++] = INSN(BPF_ALU64 | BPF_MOV | BPF_X, 1, 3, 0, 0);
			blk[k++] = INSN(BPF_ALU64 | BPF_AND | BPF_K, 1, 0, 0, ~acc & all);
			blk[k++] = INSN(BPF_JMP | BPF_JNE | BPF_K, 1, 0, 0, 0);
		}
		if (d->major >= 0)
			blk[k++] = INSN(BPF_JMP | BPF_JNE | BPF_K, 4, 0, 0, (int32_t)d->major);
		if (d->minor >= 0)
			blk[k++] = INSN(BPF_JMP | BPF_JNE | BPF_K, 5, 0, 0, (int32_t)d->minor);
	}
	blk[k++] = INSN(BPF_ALU64 | BPF_MOV | BPF_K, 0, 0, 0, d->allow ? 1 : 0);
	blk[k++] = INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
	for (size_t i = 0; i + 2 < k; i++) /* the tests: jump past the block's end */
		if (blk[i].code == (BPF_JMP | BPF_JNE | BPF_K))
			blk[i].off = (int16_t)(k - i - 1);
	for (size_t i = 0; i < k; i++)
		if (emit(p, max, n, blk[i]) < 0)
			return -E2BIG;
	return 0;
}

int cg_devices_bpf_build(const struct oci_device_rule *rules, size_t n, struct bpf_insn *p,
			 size_t max, size_t *len)
{
	size_t k = 0;
	int r = 0;
	/* r2 = type, r3 = access, r4 = major, r5 = minor */
	r |= emit(p, max, &k, INSN(BPF_LDX | BPF_MEM | BPF_W, 2, 1, 0, 0));
	r |= emit(p, max, &k, INSN(BPF_ALU64 | BPF_AND | BPF_K, 2, 0, 0, 0xffff));
	r |= emit(p, max, &k, INSN(BPF_LDX | BPF_MEM | BPF_W, 3, 1, 0, 0));
	r |= emit(p, max, &k, INSN(BPF_ALU64 | BPF_RSH | BPF_K, 3, 0, 0, 16));
	r |= emit(p, max, &k, INSN(BPF_LDX | BPF_MEM | BPF_W, 4, 1, 4, 0));
	r |= emit(p, max, &k, INSN(BPF_LDX | BPF_MEM | BPF_W, 5, 1, 8, 0));
	/* newest rule first (the defaults come after the spec's rules); an 'a'
	 * rule matches everything, so nothing after it is reachable (the
	 * verifier refuses unreachable code) */
	bool end = false;
	for (size_t i = cg_n_default_devices + n; r == 0 && !end && i > 0; i--) {
		const struct oci_device_rule *d =
		    i > n ? &cg_default_devices[i - 1 - n] : &rules[i - 1];
		r = rule_block(d, p, max, &k);
		end = d->type == 'a';
	}
	if (!end) { /* no rule matched: deny */
		r |= emit(p, max, &k, INSN(BPF_ALU64 | BPF_MOV | BPF_K, 0, 0, 0, 0));
		r |= emit(p, max, &k, INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0));
	}
	if (r)
		return -E2BIG;
	*len = k;
	return 0;
}

static int sys_bpf(int cmd, union bpf_attr *a)
{
	return (int)syscall(SYS_bpf, cmd, a, sizeof(*a));
}

/* ids of the device programs attached to cgroup fd now */
static int query(int cgfd, uint32_t *ids, uint32_t *n)
{
	union bpf_attr a = {0};
	a.query.target_fd = (uint32_t)cgfd;
	a.query.attach_type = BPF_CGROUP_DEVICE;
	a.query.prog_ids = (uint64_t)(uintptr_t)ids;
	a.query.prog_cnt = *n;
	if (sys_bpf(BPF_PROG_QUERY, &a) < 0)
		return -errno;
	*n = a.query.prog_cnt;
	return 0;
}

static int load(const struct bpf_insn *insns, size_t len, char *log, size_t logsz)
{
	union bpf_attr a = {0};
	a.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
	a.insns = (uint64_t)(uintptr_t)insns;
	a.insn_cnt = (uint32_t)len;
	a.license = (uint64_t)(uintptr_t) "MIT";
	if (log) {
		a.log_buf = (uint64_t)(uintptr_t)log;
		a.log_size = (uint32_t)logsz;
		a.log_level = 1;
	}
	return sys_bpf(BPF_PROG_LOAD, &a);
}

/* the verifier's verdict is its last non-empty line */
static const char *last_line(char *log)
{
	size_t l = strlen(log);
	while (l && log[l - 1] == '\n')
		log[--l] = '\0';
	char *nl = strrchr(log, '\n');
	return nl ? nl + 1 : log;
}

int cg_devices_bpf_load(const struct oci_device_rule *rules, size_t n, int *fd, vps_err *err)
{
	size_t max = 64 + (n + cg_n_default_devices) * 8, len = 0;
	_cleanup_free_ struct bpf_insn *insns = calloc(max, sizeof(*insns));
	if (!insns)
		return vps_error(err, ENOMEM, "devices program");
	if (cg_devices_bpf_build(rules, n, insns, max, &len) < 0)
		return vps_errorx(err, E2BIG, "devices: program too large");
	*fd = load(insns, len, NULL, 0);
	if (*fd < 0) { /* again with the verifier's log, for the error message */
		int saved = errno;
		_cleanup_free_ char *log = calloc(1, 1 << 16);
		if (log) {
			int again = load(insns, len, log, 1 << 16);
			if (again >= 0)
				close(again);
		}
		return vps_error(err, saved, "devices: load the BPF device program (%zu insns)%s%s",
				 len, log && *log ? ", verifier: " : "", log ? last_line(log) : "");
	}
	return 0;
}

int cg_devices_bpf_attach(struct cg_hier *h, const struct oci_device_rule *rules, size_t n,
			  vps_err *err)
{
	int r = cg_open_dir(h, err);
	if (r < 0)
		return r;
	uint32_t old[64], n_old = ARRAY_SIZE(old);
	if (query(h->dirfd, old, &n_old) < 0)
		n_old = 0;
	_cleanup_close_ int prog = -1;
	if ((r = cg_devices_bpf_load(rules, n, &prog, err)) < 0)
		return r;
	union bpf_attr a;
	memset(&a, 0, sizeof(a));
	a.target_fd = (uint32_t)h->dirfd;
	a.attach_bpf_fd = (uint32_t)prog;
	a.attach_type = BPF_CGROUP_DEVICE;
	a.attach_flags = BPF_F_ALLOW_MULTI;
	if (sys_bpf(BPF_PROG_ATTACH, &a) < 0)
		return vps_error(err, errno, "devices: attach the BPF device program to %s",
				 h->dir);
	/* then drop what was there before (update), so the new rules alone decide */
	for (uint32_t i = 0; i < n_old; i++) {
		memset(&a, 0, sizeof(a));
		a.prog_id = old[i];
		_cleanup_close_ int ofd = sys_bpf(BPF_PROG_GET_FD_BY_ID, &a);
		if (ofd < 0)
			continue;
		memset(&a, 0, sizeof(a));
		a.target_fd = (uint32_t)h->dirfd;
		a.attach_bpf_fd = (uint32_t)ofd;
		a.attach_type = BPF_CGROUP_DEVICE;
		if (sys_bpf(BPF_PROG_DETACH, &a) < 0)
			return vps_error(err, errno,
					 "devices: detach the previous device program "
					 "from %s",
					 h->dir);
	}
	return 0;
}
