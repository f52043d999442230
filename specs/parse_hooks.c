/* SPDX-License-Identifier: GPL-2.0-or-later */
/* config.json .hooks: six lists of {path, args, env, timeout}. */
#include <errno.h>
#include <stdlib.h>

#include "specs/parse_int.h"

static int parse_hook(struct jp *p, json_object *o, void *elem, void *ctx)
{
	struct oci_hook *h = elem;
	(void)ctx;
	if (jp_require(p, o, "path") < 0 || jp_abs_path(p, o, "path", &h->path) < 0 ||
	    jp_strv(p, o, "args", false, &h->args, &h->n_args) < 0 ||
	    jp_strv(p, o, "env", false, &h->env, &h->n_env) < 0 ||
	    oci_check_env(p, "env", h->env, h->n_env) < 0 ||
	    jp_opt_i64(p, o, "timeout", 1, INT32_MAX, &h->timeout) < 0)
		return -EINVAL;
	return 0;
}

int oci_parse_hooks(struct jp *p, json_object *o, void *hooks, void *ctx)
{
	static const char *const names[OCI_HOOK_MAX] = {
	    [OCI_HOOK_PRESTART] = "prestart",
	    [OCI_HOOK_CREATE_RUNTIME] = "createRuntime",
	    [OCI_HOOK_CREATE_CONTAINER] = "createContainer",
	    [OCI_HOOK_START_CONTAINER] = "startContainer",
	    [OCI_HOOK_POSTSTART] = "poststart",
	    [OCI_HOOK_POSTSTOP] = "poststop",
	};
	struct oci_hooks *h = hooks;
	(void)ctx;
	for (int k = 0; k < OCI_HOOK_MAX; k++)
		if (jp_objv(p, o, names[k], sizeof(struct oci_hook), &h->list[k], &h->n[k],
			    parse_hook, NULL) < 0)
			return -EINVAL;
	return 0;
}
