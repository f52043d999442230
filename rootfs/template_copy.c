/* dir:PATH and tar:FILE templates: the tree is copied or unpacked as is
 * (numeric owners, modes, xattrs kept) by cp and tar. */
#include <errno.h>
#include <stdio.h>
#include <sys/stat.h>

#include "rootfs/template.h"
#include "util/cleanup.h"

int vps_tmpl_dir(const char *src, const char *rootfs, vps_err *err)
{
	struct stat st;
	if (stat(src, &st) < 0)
		return vps_error(err, errno, "dir:%s", src);
	if (!S_ISDIR(st.st_mode))
		return vps_errorx(err, ENOTDIR, "dir:%s: not a directory", src);
	_cleanup_free_ char *from = NULL;
	if (asprintf(&from, "%s/.", src) < 0)
		return vps_error(err, ENOMEM, "dir:%s", src);
	char *argv[] = {"cp", "-a", "--reflink=auto", "--", from, (char *)rootfs, NULL};
	return vps_tmpl_run(argv, err);
}

int vps_tmpl_tar(const char *file, const char *rootfs, vps_err *err)
{
	struct stat st;
	if (stat(file, &st) < 0)
		return vps_error(err, errno, "tar:%s", file);
	if (!S_ISREG(st.st_mode))
		return vps_errorx(err, EINVAL, "tar:%s: not a regular file", file);
	/* GNU tar refuses members with ".." and strips leading "/" by default. */
	char *argv[] = {
	    "tar",	  "-x", "--numeric-owner", "-p", "--xattrs", "--xattrs-include=*", "-f",
	    (char *)file, "-C", (char *)rootfs,	   NULL};
	return vps_tmpl_run(argv, err);
}
