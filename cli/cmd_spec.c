/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vps spec: write a default config.json. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "specs/spec.h"
#include "util/cleanup.h"

int cmd_spec(struct vps_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {{"bundle", required_argument, NULL, 'b'},
					     {"rootless", no_argument, NULL, 'r'},
					     {"help", no_argument, NULL, 'h'},
					     {0}};
	const char *bundle = ".";
	bool rootless = false;
	int opt, rc;
	while ((opt = cli_getopt(ctx, argc, argv, "b:h", opts)) != -1) {
		if (opt == 'b')
			bundle = optarg;
		else if (opt == 'r')
			rootless = true;
		else if ((rc = cli_opt_common(ctx, opt)) >= 0)
			return rc;
	}
	if ((rc = cli_positional(ctx, argc, argv, 0)))
		return rc;
	_cleanup_close_ int dfd = open(bundle, O_DIRECTORY | O_RDONLY | O_CLOEXEC);
	if (dfd < 0) {
		vps_error(&ctx->err, errno, "bundle %s", bundle);
		return cli_fail(ctx);
	}
	_cleanup_free_ char *json = oci_spec_default_json(rootless);
	_cleanup_close_ int fd =
	    openat(dfd, "config.json", O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (fd < 0) {
		if (errno == EEXIST)
			vps_errorx(&ctx->err, EEXIST,
				   "%s/config.json: file exists, not overwriting", bundle);
		else
			vps_error(&ctx->err, errno, "create %s/config.json", bundle);
		return cli_fail(ctx);
	}
	size_t len = strlen(json);
	if (write(fd, json, len) != (ssize_t)len || fsync(fd) < 0) {
		vps_error(&ctx->err, errno, "write %s/config.json", bundle);
		unlinkat(dfd, "config.json", 0);
		return cli_fail(ctx);
	}
	return 0;
}
