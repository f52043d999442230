/* SPDX-License-Identifier: GPL-2.0-or-later */
/* config.json .process (also `exec --process FILE`): user, args, env, cwd,
 * console size, rlimits, and the scalar fields. Capabilities, scheduler and
 * ioPriority live in oci_parse_caps.c and parse_sched.c. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "specs/parse_int.h"
#include "util/cleanup.h"

static const char *const rlimit_names[] = {
    [RLIMIT_CPU] = "RLIMIT_CPU",	   [RLIMIT_FSIZE] = "RLIMIT_FSIZE",
    [RLIMIT_DATA] = "RLIMIT_DATA",	   [RLIMIT_STACK] = "RLIMIT_STACK",
    [RLIMIT_CORE] = "RLIMIT_CORE",	   [RLIMIT_RSS] = "RLIMIT_RSS",
    [RLIMIT_NPROC] = "RLIMIT_NPROC",	   [RLIMIT_NOFILE] = "RLIMIT_NOFILE",
    [RLIMIT_MEMLOCK] = "RLIMIT_MEMLOCK",   [RLIMIT_AS] = "RLIMIT_AS",
    [RLIMIT_LOCKS] = "RLIMIT_LOCKS",	   [RLIMIT_SIGPENDING] = "RLIMIT_SIGPENDING",
    [RLIMIT_MSGQUEUE] = "RLIMIT_MSGQUEUE", [RLIMIT_NICE] = "RLIMIT_NICE",
    [RLIMIT_RTPRIO] = "RLIMIT_RTPRIO",	   [RLIMIT_RTTIME] = "RLIMIT_RTTIME",
};

static int parse_rlimit(struct jp *p, json_object *o, void *elem, void *ctx)
{
	struct oci_rlimit *rl = elem;
	(void)ctx;
	if (jp_require(p, o, "type") < 0 || jp_require(p, o, "hard") < 0 ||
	    jp_require(p, o, "soft") < 0 ||
	    jp_enum(p, o, "type", rlimit_names, ARRAY_SIZE(rlimit_names), "rlimit", &rl->resource) <
		0 ||
	    jp_str(p, o, "type", &rl->type) < 0 ||
	    jp_u64(p, o, "hard", UINT64_MAX, &rl->hard) < 0 ||
	    jp_u64(p, o, "soft", UINT64_MAX, &rl->soft) < 0)
		return -EINVAL;
	if (rl->soft > rl->hard)
		return jp_fail(p, "soft limit %llu exceeds hard limit %llu",
			       (unsigned long long)rl->soft, (unsigned long long)rl->hard);
	return 0;
}

static int gid_elem(struct jp *p, json_object *e, size_t i, void *ctx)
{
	uint64_t g = 0;
	int r = jp_v_u64(p, e, UINT32_MAX, &g);
	((uint32_t *)ctx)[i] = (uint32_t)g;
	return r;
}

static int parse_gids(struct jp *p, json_object *o, struct oci_user *u)
{
	json_object *a = NULL;
	size_t n = 0;
	int r = jp_arr(p, o, "additionalGids", &a, &n);
	if (r <= 0)
		return r;
	u->additional_gids = calloc(n ? n : 1, sizeof(uint32_t));
	if (!u->additional_gids)
		return vps_error(p->err, ENOMEM, "%s", p->file);
	u->n_additional_gids = n;
	return jp_each(p, "additionalGids", a, "an integer", gid_elem, u->additional_gids);
}

static int parse_user(struct jp *p, json_object *o, void *elem, void *ctx)
{
	struct oci_user *u = elem;
	(void)ctx;
	if (jp_u32(p, o, "uid", &u->uid) < 0 || jp_u32(p, o, "gid", &u->gid) < 0 ||
	    jp_opt_u64(p, o, "umask", 0777, &u->umask) < 0 || parse_gids(p, o, u) < 0 ||
	    jp_str(p, o, "username", &u->username) < 0)
		return -EINVAL;
	return 0;
}

static int parse_console(struct jp *p, json_object *o, void *elem, void *ctx)
{
	struct oci_process *proc = elem;
	(void)ctx;
	if (jp_require(p, o, "height") < 0 || jp_require(p, o, "width") < 0 ||
	    jp_u32(p, o, "height", &proc->console_height) < 0 ||
	    jp_u32(p, o, "width", &proc->console_width) < 0)
		return -EINVAL;
	return 0;
}

int oci_check_env(struct jp *p, const char *key, char **v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const char *eq = strchr(v[i], '=');
		if (eq && eq != v[i])
			continue;
		return jp_fail_at(p, key, i, "expected KEY=VALUE, got \"%s\"", v[i]);
	}
	return 0;
}

static int check_rlimits_unique(struct jp *p, const struct oci_process *proc)
{
	for (size_t i = 0; i < proc->n_rlimits; i++)
		for (size_t j = 0; j < i; j++)
			if (proc->rlimits[i].resource == proc->rlimits[j].resource) {
				size_t k = jp_push_key(p, "rlimits");
				jp_push_idx(p, i);
				int r =
				    jp_fail(p, "duplicate rlimit \"%s\"", proc->rlimits[i].type);
				jp_pop(p, k);
				return r;
			}
	return 0;
}

int oci_parse_process(struct jp *p, json_object *o, void *process, void *ctx)
{
	struct oci_process *proc = process;
	(void)ctx;
	int r;
	if (jp_bool(p, o, "terminal", &proc->terminal) < 0 ||
	    (r = jp_sub(p, o, "consoleSize", parse_console, proc, NULL)) < 0)
		return -EINVAL;
	proc->has_console_size = r > 0;
	if (jp_sub(p, o, "user", parse_user, &proc->user, NULL) < 0 ||
	    jp_require(p, o, "args") < 0 ||
	    jp_strv(p, o, "args", false, &proc->args, &proc->n_args) < 0)
		return -EINVAL;
	if (proc->n_args == 0) {
		return jp_fail_at(p, "args", JP_NO_IDX, "must not be empty");
	}
	if (jp_strv(p, o, "env", false, &proc->env, &proc->n_env) < 0 ||
	    oci_check_env(p, "env", proc->env, proc->n_env) < 0 || jp_require(p, o, "cwd") < 0 ||
	    jp_abs_path(p, o, "cwd", &proc->cwd) < 0 ||
	    (r = jp_sub(p, o, "capabilities", oci_parse_caps, &proc->caps, NULL)) < 0)
		return -EINVAL;
	proc->has_caps = r > 0;
	if (jp_objv(p, o, "rlimits", sizeof(struct oci_rlimit), &proc->rlimits, &proc->n_rlimits,
		    parse_rlimit, NULL) < 0 ||
	    check_rlimits_unique(p, proc) < 0 ||
	    jp_bool(p, o, "noNewPrivileges", &proc->no_new_privileges) < 0 ||
	    jp_str(p, o, "apparmorProfile", &proc->apparmor_profile) < 0 ||
	    jp_str(p, o, "selinuxLabel", &proc->selinux_label) < 0 ||
	    jp_opt_i64(p, o, "oomScoreAdj", -1000, 1000, &proc->oom_score_adj) < 0)
		return -EINVAL;
	return oci_parse_sched_io(p, o, proc);
}

static void free_proc(void *p)
{
	oci_process_free(p);
}

int oci_process_parse(const char *json, size_t len, struct oci_process **out, vps_err *err)
{
	return jp_parse_as("process.json", json, len, sizeof(**out), oci_parse_process, free_proc,
			   (void **)out, err);
}
