/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The process an `exec` runs: the container's own process object (caps,
 * rlimits, user, env, no_new_privs...) with the command line's overrides, or a
 * whole process object from -p FILE. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/exec_process.h"
#include "util/cleanup.h"
#include "util/fileio.h"

void vps_exec_process_free(struct vps_exec_process *ep)
{
	free(ep->args);
	free(ep->env);
	free(ep->gids);
	oci_process_free(ep->owned);
	memset(ep, 0, sizeof(*ep));
}

static size_t strv_len(char **v)
{
	size_t n = 0;
	while (v && v[n])
		n++;
	return n;
}

/* --env adds to the process's env; the child passes a name once, its last
 * value (vps_child_exec), so an --env VAR overrides the config's VAR. */
static int merge_env(struct vps_exec_process *ep, char **base, size_t n_base, char **add)
{
	size_t n_add = strv_len(add);
	ep->env = calloc(n_base + n_add + 1, sizeof(char *));
	if (!ep->env)
		return -ENOMEM;
	if (n_base)
		memcpy(ep->env, base, n_base * sizeof(char *));
	if (n_add)
		memcpy(ep->env + n_base, add, n_add * sizeof(char *));
	ep->proc.env = ep->env;
	ep->proc.n_env = n_base + n_add;
	return 0;
}

static int apply_flags(struct vps_exec_process *ep, const struct vps_exec_opts *o, vps_err *err)
{
	struct oci_process *p = &ep->proc;
	if (o->args && o->args[0]) {
		p->args = o->args;
		p->n_args = strv_len(o->args);
	}
	if (!p->n_args)
		return vps_errorx(err, EINVAL, "exec: no command given");
	if (o->tty_set || !o->process_json)
		p->terminal = o->tty;
	if (o->cwd)
		p->cwd = (char *)o->cwd;
	if (o->has_user) {
		p->user.uid = o->uid;
		p->user.gid = o->has_gid ? o->gid : 0;
		p->user.n_additional_gids = 0;
	}
	if (o->n_additional_gids) {
		p->user.additional_gids = o->additional_gids;
		p->user.n_additional_gids = o->n_additional_gids;
	}
	if (o->no_new_privs)
		p->no_new_privileges = true;
	for (char **c = o->caps; c && *c; c++) {
		int cap, r = vps_cap_from_name(*c, &cap, err);
		if (r < 0)
			return vps_error_wrap(err, "--cap");
		uint64_t bit = 1ULL << cap;
		p->has_caps = true;
		p->caps.bounding |= bit;
		p->caps.effective |= bit;
		p->caps.permitted |= bit;
		/* as runc: ambient too when the process has inheritable caps,
		 * which an ambient cap needs */
		if (p->caps.inheritable)
			p->caps.ambient |= bit;
	}
	if (merge_env(ep, p->env, p->n_env, o->env) < 0)
		return vps_error(err, ENOMEM, "exec env");
	return 0;
}

int vps_exec_process_build(const struct oci_spec *spec, const struct vps_exec_opts *o,
			   struct vps_exec_process *ep, vps_err *err)
{
	memset(ep, 0, sizeof(*ep));
	if (o->process_json) {
		_cleanup_free_ char *text = NULL;
		size_t len;
		int r = vps_read_file_at(AT_FDCWD, o->process_json, 1 << 20, &text, &len, err);
		if (r < 0 || (r = oci_process_parse(text, len, &ep->owned, err)) < 0)
			return vps_error_wrap(err, "--process %s", o->process_json);
		ep->proc = *ep->owned;
	} else if (spec->process)
		ep->proc = *spec->process;
	else
		return vps_errorx(err, EINVAL, "config.json has no process to base exec on");
	return apply_flags(ep, o, err);
}
