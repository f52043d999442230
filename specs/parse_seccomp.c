/* SPDX-License-Identifier: GPL-2.0-or-later */
/* config.json .linux.seccomp: actions, architectures, flags, syscall rules,
 * listenerPath. Syscall names are checked by the seccomp loader (unknown
 * names are skipped there, as runc does), not here. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "specs/parse_int.h"
#include "util/cleanup.h"

static const char *const actions[] = {
    [OCI_SCMP_KILL] = "SCMP_ACT_KILL",
    [OCI_SCMP_KILL_PROCESS] = "SCMP_ACT_KILL_PROCESS",
    [OCI_SCMP_KILL_THREAD] = "SCMP_ACT_KILL_THREAD",
    [OCI_SCMP_TRAP] = "SCMP_ACT_TRAP",
    [OCI_SCMP_ERRNO] = "SCMP_ACT_ERRNO",
    [OCI_SCMP_TRACE] = "SCMP_ACT_TRACE",
    [OCI_SCMP_ALLOW] = "SCMP_ACT_ALLOW",
    [OCI_SCMP_LOG] = "SCMP_ACT_LOG",
    [OCI_SCMP_NOTIFY] = "SCMP_ACT_NOTIFY",
};

static const char *const ops[] = {
    [OCI_SCMP_CMP_NE] = "SCMP_CMP_NE",
    [OCI_SCMP_CMP_LT] = "SCMP_CMP_LT",
    [OCI_SCMP_CMP_LE] = "SCMP_CMP_LE",
    [OCI_SCMP_CMP_EQ] = "SCMP_CMP_EQ",
    [OCI_SCMP_CMP_GE] = "SCMP_CMP_GE",
    [OCI_SCMP_CMP_GT] = "SCMP_CMP_GT",
    [OCI_SCMP_CMP_MASKED_EQ] = "SCMP_CMP_MASKED_EQ",
};

static const char *const arches[] = {
    "SCMP_ARCH_X86",	 "SCMP_ARCH_X86_64",   "SCMP_ARCH_X32",		"SCMP_ARCH_ARM",
    "SCMP_ARCH_AARCH64", "SCMP_ARCH_MIPS",     "SCMP_ARCH_MIPS64",	"SCMP_ARCH_MIPS64N32",
    "SCMP_ARCH_MIPSEL",	 "SCMP_ARCH_MIPSEL64", "SCMP_ARCH_MIPSEL64N32", "SCMP_ARCH_PPC",
    "SCMP_ARCH_PPC64",	 "SCMP_ARCH_PPC64LE",  "SCMP_ARCH_S390",	"SCMP_ARCH_S390X",
    "SCMP_ARCH_PARISC",	 "SCMP_ARCH_PARISC64", "SCMP_ARCH_RISCV64",
};

static const char *const filter_flags[] = {
    "SECCOMP_FILTER_FLAG_TSYNC",
    "SECCOMP_FILTER_FLAG_LOG",
    "SECCOMP_FILTER_FLAG_SPEC_ALLOW",
    "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV",
};

/* Every entry of o[key] must be one of names[]. */
static int check_names(struct jp *p, const char *key, char **v, size_t n, const char *const *names,
		       size_t nn, const char *what)
{
	for (size_t i = 0; i < n; i++) {
		if (jp_lookup(names, nn, v[i]) >= 0)
			continue;
		return jp_fail_at(p, key, i, "unknown %s \"%s\"", what, v[i]);
	}
	return 0;
}

const char *const *oci_seccomp_names(enum oci_seccomp_table t, size_t *n)
{
	switch (t) {
	case OCI_SECCOMP_ACTIONS:
		*n = ARRAY_SIZE(actions);
		return actions;
	case OCI_SECCOMP_OPS:
		*n = ARRAY_SIZE(ops);
		return ops;
	case OCI_SECCOMP_ARCHES:
		*n = ARRAY_SIZE(arches);
		return arches;
	default:
		*n = ARRAY_SIZE(filter_flags);
		return filter_flags;
	}
}

static int parse_arg(struct jp *p, json_object *o, void *elem, void *ctx)
{
	struct oci_seccomp_arg *a = elem;
	int op = 0;
	(void)ctx;
	if (jp_require(p, o, "index") < 0 || jp_require(p, o, "value") < 0 ||
	    jp_require(p, o, "op") < 0 || jp_u32(p, o, "index", &a->index) < 0 ||
	    jp_u64(p, o, "value", UINT64_MAX, &a->value) < 0 ||
	    jp_u64(p, o, "valueTwo", UINT64_MAX, &a->value_two) < 0 ||
	    jp_enum(p, o, "op", ops, ARRAY_SIZE(ops), "seccomp operator", &op) < 0)
		return -EINVAL;
	a->op = (enum oci_seccomp_op)op;
	if (a->index > 5)
		return jp_fail_at(p, "index", JP_NO_IDX, "%s",
				  "syscall argument index must be 0..5");
	return 0;
}

static bool takes_errno(enum oci_seccomp_action a)
{
	return a == OCI_SCMP_ERRNO || a == OCI_SCMP_TRACE;
}

static int parse_rule(struct jp *p, json_object *o, void *elem, void *ctx)
{
	struct oci_seccomp_rule *r = elem;
	int act = 0;
	(void)ctx;
	if (jp_require(p, o, "names") < 0 ||
	    jp_strv(p, o, "names", false, &r->names, &r->n_names) < 0 ||
	    jp_require(p, o, "action") < 0 ||
	    jp_enum(p, o, "action", actions, ARRAY_SIZE(actions), "seccomp action", &act) < 0 ||
	    jp_opt_u64(p, o, "errnoRet", UINT32_MAX, &r->errno_ret) < 0 ||
	    jp_objv(p, o, "args", sizeof(struct oci_seccomp_arg), &r->args, &r->n_args, parse_arg,
		    NULL) < 0)
		return -EINVAL;
	r->action = (enum oci_seccomp_action)act;
	if (r->n_names == 0)
		return jp_fail_at(p, "names", JP_NO_IDX, "%s", "must not be empty");
	for (size_t i = 0; i < r->n_names; i++) {
		if (!r->names[i][0])
			return jp_fail_at(p, "names", JP_NO_IDX, "%s", "empty syscall name");
		if (r->action == OCI_SCMP_NOTIFY && strcmp(r->names[i], "write") == 0)
			return jp_fail_at(p, "action", JP_NO_IDX, "%s",
					  "SCMP_ACT_NOTIFY cannot be used for write");
	}
	if (r->errno_ret.set && !takes_errno(r->action))
		return jp_fail_at(p, "errnoRet", JP_NO_IDX, "%s",
				  "only valid with SCMP_ACT_ERRNO or SCMP_ACT_TRACE");
	return 0;
}

int oci_parse_seccomp(struct jp *p, json_object *o, void *elem, void *ctx)
{
	struct oci_seccomp *s = elem;
	int act = 0;
	(void)ctx;
	if (jp_require(p, o, "defaultAction") < 0 ||
	    jp_enum(p, o, "defaultAction", actions, ARRAY_SIZE(actions), "seccomp action", &act) <
		0 ||
	    jp_opt_u64(p, o, "defaultErrnoRet", UINT32_MAX, &s->default_errno_ret) < 0 ||
	    jp_strv(p, o, "architectures", false, &s->architectures, &s->n_architectures) < 0 ||
	    check_names(p, "architectures", s->architectures, s->n_architectures, arches,
			ARRAY_SIZE(arches), "seccomp architecture") < 0 ||
	    jp_strv(p, o, "flags", false, &s->flags, &s->n_flags) < 0 ||
	    check_names(p, "flags", s->flags, s->n_flags, filter_flags, ARRAY_SIZE(filter_flags),
			"seccomp flag") < 0 ||
	    jp_abs_path(p, o, "listenerPath", &s->listener_path) < 0 ||
	    jp_str(p, o, "listenerMetadata", &s->listener_metadata) < 0 ||
	    jp_objv(p, o, "syscalls", sizeof(struct oci_seccomp_rule), &s->syscalls, &s->n_syscalls,
		    parse_rule, NULL) < 0)
		return -EINVAL;
	s->default_action = (enum oci_seccomp_action)act;
	if (s->default_action == OCI_SCMP_NOTIFY)
		return jp_fail_at(p, "defaultAction", JP_NO_IDX, "%s",
				  "SCMP_ACT_NOTIFY cannot be the default action");
	if (s->default_errno_ret.set && !takes_errno(s->default_action))
		return jp_fail_at(p, "defaultErrnoRet", JP_NO_IDX, "%s",
				  "only valid with SCMP_ACT_ERRNO or SCMP_ACT_TRACE");
	bool notify = false;
	for (size_t i = 0; i < s->n_syscalls; i++)
		notify |= s->syscalls[i].action == OCI_SCMP_NOTIFY;
	if (notify && !s->listener_path)
		return jp_fail_at(p, "listenerPath", JP_NO_IDX, "%s",
				  "required when a rule uses SCMP_ACT_NOTIFY");
	return 0;
}
