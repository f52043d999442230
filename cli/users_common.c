/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Account commands: finding the VPS's rootfs, reading passwords. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "cli/users_common.h"
#include "runtime/inventory.h"
#include "runtime/runtime.h"
#include "specs/bundle.h"
#include "util/cleanup.h"
#include "util/fileio.h"
#include "util/fmt.h"

#define PASSWORD_MAX 4096

/* DIR's rootfs, under the one rule for root.path (specs/bundle.h). */
static int bundle_rootfs(struct vps_ctx *ctx, const char *bundle, char **out, int *hold)
{
	struct oci_bundle *b;
	int r = oci_bundle_open(bundle, &b, &ctx->err);
	if (r < 0)
		return r;
	char disk[64];
	r = vps_disk_root_stopped(b->dir, b->spec, disk, sizeof(disk), hold, &ctx->err);
	if (r >= 0 && !(*out = strdup(disk[0] ? disk : b->rootfs)))
		r = vps_error(&ctx->err, ENOMEM, "bundle %s", bundle);
	oci_bundle_free(b);
	return r;
}

/* The rootfs recorded in the container's state (created or running), else
 * that of the registered VPS's bundle. */
static int state_rootfs(struct vps_ctx *ctx, const char *id, char **out, int *hold)
{
	struct vps_state *st = NULL;
	int r = vps_state_load(ctx->root, id, &st, &ctx->err);
	struct vps_inv_entry *e = NULL;
	vps_err e2 = {0};
	if (r == -ENOENT && vps_inv_load(ctx->inventory, id, &e, &e2) == 0) {
		/* a registered VPS that is not running: its bundle */
		r = bundle_rootfs(ctx, e->bundle, out, hold);
		vps_inv_free(e);
		return r;
	}
	if (r == -ENOENT) {
		char msg[sizeof(ctx->err.msg)];
		/* fits: a copy of the same size */
		vps_snprintf(msg, sizeof(msg), "%s", ctx->err.msg);
		vps_errorx(&ctx->err, ENOENT, "%.900s (for a stopped VPS, use --bundle DIR)", msg);
	}
	if (r >= 0 && !st->rootfs)
		r = vps_errorx(&ctx->err, EINVAL, "state.json has no rootfs");
	char disk[64] = "";
	if (r >= 0)
		r = vps_disk_root_running(st, disk, sizeof(disk), hold, &ctx->err);
	if (r >= 0 && !(*out = strdup(disk[0] ? disk : st->rootfs)))
		r = vps_error(&ctx->err, ENOMEM, "state");
	vps_state_free(st);
	return r;
}

int cli_users_open(struct vps_ctx *ctx, const char *bundle, int argc, char **argv,
		   struct vps_userdb **db)
{
	_cleanup_free_ char *rootfs = NULL;
	/* a disk VPS's root (runtime.h): the db holds its own fd of it once open */
	_cleanup_close_ int hold = -1;
	int r;
	if (bundle) {
		ctx->id = bundle;
		r = bundle_rootfs(ctx, bundle, &rootfs, &hold);
	} else {
		if (optind >= argc)
			return vps_errorx(&ctx->err, EINVAL, "missing NAME (or --bundle DIR)");
		ctx->id = argv[optind++];
		r = state_rootfs(ctx, ctx->id, &rootfs, &hold);
	}
	if (r < 0)
		return r;
	return vps_userdb_open(rootfs, db, &ctx->err);
}

static int read_line(int fd, char *buf, size_t len)
{
	size_t n = 0;
	for (;;) {
		char c;
		ssize_t r = read(fd, &c, 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -errno;
		if (r == 0 || c == '\n')
			break;
		if (n + 1 >= len)
			return -E2BIG;
		buf[n++] = c;
	}
	if (n && buf[n - 1] == '\r')
		n--;
	buf[n] = '\0';
	return 0;
}

static int ask(int tty, const char *prompt, char *buf, size_t len)
{
	struct termios old, noecho;
	if (write(tty, prompt, strlen(prompt)) < 0 || tcgetattr(tty, &old) < 0)
		return -errno;
	noecho = old;
	noecho.c_lflag &= ~(tcflag_t)(ECHO | ECHOE | ECHOK | ECHONL);
	if (tcsetattr(tty, TCSAFLUSH, &noecho) < 0)
		return -errno;
	int r = read_line(tty, buf, len);
	tcsetattr(tty, TCSAFLUSH, &old);
	if (write(tty, "\n", 1) < 0)
		return -errno;
	return r;
}

int cli_read_password(struct vps_ctx *ctx, bool from_stdin, char **out)
{
	char *a = calloc(2, PASSWORD_MAX), *b = a ? a + PASSWORD_MAX : NULL;
	if (!a)
		return vps_error(&ctx->err, ENOMEM, "password");
	int r;
	if (from_stdin) {
		r = read_line(STDIN_FILENO, a, PASSWORD_MAX);
		if (r < 0)
			vps_error(&ctx->err, -r, "read password from stdin");
	} else {
		_cleanup_close_ int tty = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
		r = tty < 0 ? -errno : ask(tty, "New password: ", a, PASSWORD_MAX);
		if (r >= 0)
			r = ask(tty, "Retype new password: ", b, PASSWORD_MAX);
		if (r < 0)
			vps_error(&ctx->err, -r,
				  "read password from the terminal (or use --stdin)");
		else if (strcmp(a, b) != 0)
			r = vps_errorx(&ctx->err, EINVAL, "the passwords do not match");
	}
	if (r >= 0 && !a[0])
		r = vps_errorx(&ctx->err, EINVAL, "empty password refused");
	if (r < 0) {
		explicit_bzero(a, 2 * PASSWORD_MAX);
		free(a);
		return r;
	}
	explicit_bzero(b, PASSWORD_MAX);
	*out = a;
	return 0;
}

void cli_password_free(char **pw)
{
	if (*pw) {
		explicit_bzero(*pw, strlen(*pw));
		free(*pw);
		*pw = NULL;
	}
}

int cli_hash_password(struct vps_ctx *ctx, struct vps_userdb *db, const char *pw,
		      const char *method, char **hash)
{
	if (!method)
		method = vps_userdb_default_method(db);
	return vps_password_hash(pw, method ? method : "yescrypt", hash, &ctx->err);
}
