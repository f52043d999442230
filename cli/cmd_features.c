/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vps features: the OCI features JSON (what this vps and host support). */
#include <errno.h>
#include <limits.h>
#include <stdio.h>

#include "cli/cli.h"
#include "runtime/features.h"
#include "runtime/runtime.h"
#include "util/fmt.h"

int cmd_features(struct vps_ctx *ctx, int argc, char **argv)
{
	int rc;
	if ((rc = cli_args_only(ctx, argc, argv, 0)) >= 0)
		return rc;
	json_object *f = vps_features();
	if (!f) {
		vps_errorx(&ctx->err, ENOMEM, "out of memory");
		return cli_fail(ctx);
	}
	json_object *ann = NULL;
	if (json_object_object_get_ex(f, "annotations", &ann))
		json_object_object_add(ann, "org.vps.version", json_object_new_string(VPS_VERSION));
	char vm[PATH_MAX + 256]; /* the --vm guest kernel and accelerator (runtime/vm) */
	vps_err e = {0};
	if (ann && vps_vm_describe(ctx->root, false, vm, sizeof(vm), &e) == 0)
		json_object_object_add(ann, "org.vps.vm", json_object_new_string(vm));
	/* checkpoint/restore: criu check of the criu vps would run (cached) */
	char ck[600];
	bool criu = ann && vps_checkpoint_probe(ctx->root, ctx->criu, ck, sizeof(ck), &e) == 0;
	/* vps migrate: live needs criu (and rsync, which migrate names when missing) */
	if (ann)
		json_object_object_add(
		    ann, "org.vps.migrate",
		    json_object_new_string(criu ? "live (criu), offline" : "offline"));
	if (criu)
		json_object_object_add(ann, "org.vps.checkpoint", json_object_new_string(ck));
	else if (ann && vps_snprintf(ck, sizeof(ck), "unavailable: %s", e.msg) >= 0)
		json_object_object_add(ann, "org.vps.checkpoint", json_object_new_string(ck));
	puts(json_object_to_json_string_ext(f, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
						   JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(f);
	return 0;
}
