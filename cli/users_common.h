/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Shared by the account commands (passwd, useradd, userdel, users, groupadd,
 * groupdel): which VPS (a container NAME or --bundle DIR), and passwords. */
#pragma once
#include <stdbool.h>

#include "cli/cli.h"
#include "rootfs/users.h"

/* Open the account files of the VPS named by --bundle DIR (bundle != NULL) or
 * by the next positional argument (a container id, found through the state
 * store). Consumes that argument (optind++). On failure ctx->err is set. */
int cli_users_open(struct vps_ctx *ctx, const char *bundle, int argc, char **argv,
		   struct vps_userdb **db);

/* Read a password: one line from stdin (from_stdin), else twice from the
 * terminal without echo. Never from argv. *out malloc'ed; wipe it with
 * cli_password_free. */
int cli_read_password(struct vps_ctx *ctx, bool from_stdin, char **out);
void cli_password_free(char **pw);

/* Hash pw with method (NULL: the VPS's login.defs ENCRYPT_METHOD, else yescrypt). */
int cli_hash_password(struct vps_ctx *ctx, struct vps_userdb *db, const char *pw,
		      const char *method, char **hash);
