/* SPDX-License-Identifier: GPL-2.0-or-later */
/* seccomp: compile an OCI profile with libseccomp in the parent (once; cached
 * as BPF), install the raw BPF with seccomp(2) in the child. runc semantics:
 * unknown syscall names are skipped, rules whose action is the default action
 * are skipped, several conditions on one argument index become one rule per
 * condition (OR), errnoRet defaults to EPERM. Large profiles get libseccomp's
 * binary-tree filter (SCMP_FLTATR_CTL_OPTIMIZE=2). */
#include <ctype.h>
#include <errno.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "runtime/seccomp_internal.h"
#include "util/cleanup.h"
#include "util/log.h"

/* With this many rules or more the filter is a binary tree over syscall
 * numbers instead of a linear list. Never with zero rules (libseccomp cannot
 * build a tree without any). */
#define TREE_MIN_RULES 8

static uint32_t action(enum oci_seccomp_action a, opt_u64 ret)
{
	uint16_t e = ret.set ? (uint16_t)ret.v : EPERM;
	switch (a) {
	case OCI_SCMP_KILL:
	case OCI_SCMP_KILL_THREAD:
		return SCMP_ACT_KILL_THREAD;
	case OCI_SCMP_KILL_PROCESS:
		return SCMP_ACT_KILL_PROCESS;
	case OCI_SCMP_TRAP:
		return SCMP_ACT_TRAP;
	case OCI_SCMP_ERRNO:
		return SCMP_ACT_ERRNO(e);
	case OCI_SCMP_TRACE:
		return SCMP_ACT_TRACE(e);
	case OCI_SCMP_LOG:
		return SCMP_ACT_LOG;
	case OCI_SCMP_NOTIFY:
		return SCMP_ACT_NOTIFY;
	case OCI_SCMP_ALLOW:
		break;
	}
	return SCMP_ACT_ALLOW;
}

static const struct {
	const char *name;
	unsigned flag;
} flag_names[] = {
    {"SECCOMP_FILTER_FLAG_TSYNC", SECCOMP_FILTER_FLAG_TSYNC},
    {"SECCOMP_FILTER_FLAG_LOG", SECCOMP_FILTER_FLAG_LOG},
    {"SECCOMP_FILTER_FLAG_SPEC_ALLOW", SECCOMP_FILTER_FLAG_SPEC_ALLOW},
    {"SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV", 1U << 5},
};

/* The kernel answers EFAULT (bad program pointer) for a flag it knows and
 * EINVAL for one it does not: the probe libseccomp uses too. */
static bool flag_supported(unsigned flag)
{
	return syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flag, NULL) < 0 && errno == EFAULT;
}

static int parse_flags(const struct oci_seccomp *sc, unsigned *flags, vps_err *err)
{
	*flags = 0;
	for (size_t i = 0; i < sc->n_flags; i++) {
		size_t k = 0;
		while (k < ARRAY_SIZE(flag_names) && strcmp(flag_names[k].name, sc->flags[i]))
			k++;
		if (k == ARRAY_SIZE(flag_names))
			return vps_errorx(err, EINVAL, "seccomp: unknown flag %s", sc->flags[i]);
		unsigned f = flag_names[k].flag;
		/* WAIT_KILLABLE_RECV only means something with a listener. */
		if (!flag_supported(f | (f == (1U << 5) ? SECCOMP_FILTER_FLAG_NEW_LISTENER : 0)))
			return vps_errorx(err, EOPNOTSUPP,
					  "seccomp: flag %s is not supported by this kernel",
					  sc->flags[i]);
		*flags |= f;
	}
	return 0;
}

static int add_arches(scmp_filter_ctx ctx, const struct oci_seccomp *sc, vps_err *err)
{
	for (size_t i = 0; i < sc->n_architectures; i++) {
		const char *n = sc->architectures[i];
		char name[32];
		if (strncmp(n, "SCMP_ARCH_", 10) || strlen(n + 10) >= sizeof(name))
			return vps_errorx(err, EINVAL, "seccomp: unknown architecture %s", n);
		size_t k = 0;
		for (; n[10 + k]; k++)
			name[k] = (char)tolower((unsigned char)n[10 + k]);
		name[k] = '\0';
		uint32_t arch = seccomp_arch_resolve_name(name);
		if (!arch)
			return vps_errorx(err, EINVAL, "seccomp: unknown architecture %s", n);
		int r = seccomp_arch_add(ctx, arch);
		if (r < 0 && r != -EEXIST)
			return vps_error(err, -r, "seccomp: add architecture %s", n);
	}
	return 0;
}

static const enum scmp_compare ops[] = {
    [OCI_SCMP_CMP_NE] = SCMP_CMP_NE,
    [OCI_SCMP_CMP_LT] = SCMP_CMP_LT,
    [OCI_SCMP_CMP_LE] = SCMP_CMP_LE,
    [OCI_SCMP_CMP_EQ] = SCMP_CMP_EQ,
    [OCI_SCMP_CMP_GE] = SCMP_CMP_GE,
    [OCI_SCMP_CMP_GT] = SCMP_CMP_GT,
    [OCI_SCMP_CMP_MASKED_EQ] = SCMP_CMP_MASKED_EQ,
};

#define MAX_ARGS 6

static int add_rule(scmp_filter_ctx ctx, const struct oci_seccomp_rule *r, uint32_t act,
		    size_t *added, vps_err *err)
{
	struct scmp_arg_cmp c[MAX_ARGS];
	unsigned count[MAX_ARGS] = {0};
	bool split = false;
	if (r->n_args > MAX_ARGS)
		return vps_errorx(err, EINVAL, "seccomp: more than %d argument conditions",
				  MAX_ARGS);
	for (size_t i = 0; i < r->n_args; i++) {
		const struct oci_seccomp_arg *a = &r->args[i];
		if (a->index >= MAX_ARGS)
			return vps_errorx(err, EINVAL, "seccomp: argument index %u out of range",
					  a->index);
		c[i] = (struct scmp_arg_cmp){a->index, ops[a->op], a->value, a->value_two};
		split |= ++count[a->index] > 1;
	}
	for (size_t k = 0; k < r->n_names; k++) {
		int nr = seccomp_syscall_resolve_name(r->names[k]);
		if (nr == __NR_SCMP_ERROR) {
			log_debug("seccomp: unknown syscall %s ignored", r->names[k]);
			continue;
		}
		int e = 0;
		if (split) /* runc: one rule per condition when an index repeats */
			for (size_t i = 0; !e && i < r->n_args; i++)
				e = seccomp_rule_add_array(ctx, act, nr, 1, &c[i]);
		else
			e = seccomp_rule_add_array(ctx, act, nr, (unsigned)r->n_args, c);
		if (e < 0)
			return vps_error(err, -e, "seccomp: add rule for %s", r->names[k]);
		(*added)++;
	}
	return 0;
}

static int export_bpf(scmp_filter_ctx ctx, struct vps_seccomp *s, vps_err *err)
{
	_cleanup_close_ int fd = memfd_create("vps-seccomp", MFD_CLOEXEC);
	if (fd < 0)
		return vps_error(err, errno, "seccomp: memfd");
	int r = seccomp_export_bpf(ctx, fd);
	if (r < 0)
		return vps_error(err, -r, "seccomp: export BPF");
	struct stat st;
	if (fstat(fd, &st) < 0)
		return vps_error(err, errno, "seccomp: stat BPF");
	size_t len = (size_t)st.st_size;
	if (!len || len % sizeof(struct sock_filter) ||
	    len > BPF_MAXINSNS * sizeof(struct sock_filter))
		return vps_errorx(err, E2BIG,
				  "seccomp: the filter has %zu bytes (at most %d instructions)",
				  len, BPF_MAXINSNS);
	s->insns = malloc(len);
	if (!s->insns)
		return vps_error(err, ENOMEM, "seccomp");
	if (pread(fd, s->insns, len, 0) != (ssize_t)len)
		return vps_error(err, errno ? errno : EIO, "seccomp: read BPF");
	s->n_insns = len / sizeof(struct sock_filter);
	return 0;
}

static bool notifies_write(const struct oci_seccomp_rule *r)
{
	for (size_t i = 0; i < r->n_names; i++)
		if (!strcmp(r->names[i], "write"))
			return true;
	return false;
}

static int compile(const struct oci_seccomp *sc, struct vps_seccomp *s, vps_err *err)
{
	uint32_t def = action(sc->default_action, sc->default_errno_ret);
	if (def == SCMP_ACT_NOTIFY)
		return vps_errorx(err, EINVAL,
				  "seccomp: SCMP_ACT_NOTIFY cannot be the default action");
	scmp_filter_ctx ctx = seccomp_init(def);
	if (!ctx)
		return vps_errorx(err, EINVAL, "seccomp: cannot initialise libseccomp");
	int r = add_arches(ctx, sc, err);
	size_t added = 0;
	s->notify = def == SCMP_ACT_NOTIFY;
	for (size_t i = 0; r == 0 && i < sc->n_syscalls; i++) {
		const struct oci_seccomp_rule *rule = &sc->syscalls[i];
		uint32_t act = action(rule->action, rule->errno_ret);
		if (act == def)
			continue; /* libseccomp refuses it; it changes nothing */
		if (act == SCMP_ACT_NOTIFY && notifies_write(rule)) {
			r = vps_errorx(err, EINVAL,
				       "seccomp: SCMP_ACT_NOTIFY cannot be used for write (the "
				       "runtime needs it before the agent answers)");
			break;
		}
		s->notify |= act == SCMP_ACT_NOTIFY;
		r = add_rule(ctx, rule, act, &added, err);
	}
	if (r == 0 && added >= TREE_MIN_RULES) {
		int e = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2);
		if (e < 0)
			log_debug("seccomp: no binary tree: %s", strerror(-e));
	}
	if (r == 0)
		r = export_bpf(ctx, s, err);
	/* an allowed or logged unknown syscall needs no ENOSYS */
	if (r == 0 && def != SCMP_ACT_ALLOW && def != SCMP_ACT_LOG)
		r = vps_seccomp_enosys(ctx, s, err);
	seccomp_release(ctx);
	return r;
}

int vps_seccomp_prepare(const struct oci_seccomp *sc, const char *cache_dir,
			struct vps_seccomp **out, vps_err *err)
{
	*out = NULL;
	if (!sc)
		return 0;
	struct vps_seccomp *s = calloc(1, sizeof(*s));
	struct vps_buf key = {0};
	if (!s)
		return vps_error(err, ENOMEM, "seccomp");
	int r = parse_flags(sc, &s->flags, err);
	if (r == 0)
		r = vps_seccomp_key(sc, s->flags, &key, err);
	if (r == 0 && cache_dir)
		r = vps_seccomp_cache_load(cache_dir, &key, s, err); /* 1: cached */
	if (r == 0) {
		r = compile(sc, s, err);
		if (r == 0 && cache_dir)
			vps_seccomp_cache_store(cache_dir, &key, s);
	}
	if (r > 0)
		r = 0;
	free(key.s);
	if (r < 0) {
		vps_seccomp_free(s);
		return r;
	}
	*out = s;
	return 0;
}

int vps_seccomp_install(const struct vps_seccomp *s, int *listener_fd, vps_err *err)
{
	*listener_fd = -1;
	if (!s)
		return 0;
	struct sock_fprog prog = {.len = (unsigned short)s->n_insns, .filter = s->insns};
	unsigned flags = s->flags;
	if (s->notify) {
		flags |= SECCOMP_FILTER_FLAG_NEW_LISTENER;
		if (flags & SECCOMP_FILTER_FLAG_TSYNC)
			flags |=
			    SECCOMP_FILTER_FLAG_TSYNC_ESRCH; /* else the fd cannot be returned */
	}
	long r = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, &prog);
	if (r < 0)
		return vps_error(err, errno, "seccomp: install the filter");
	if (s->notify)
		*listener_fd = (int)r;
	return 0;
}

bool vps_seccomp_notifies(const struct vps_seccomp *s)
{
	return s && s->notify;
}

void vps_seccomp_free(struct vps_seccomp *s)
{
	if (!s)
		return;
	free(s->insns);
	free(s);
}
