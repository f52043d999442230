/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Each VPS's own ssh host keys. The template cache is shared by every VPS
 * bundled from it, so it never holds host keys (template_pkgs.c leaves them
 * out); a bundle whose rootfs has an sshd gets new ones here: made by the
 * host's ssh-keygen in a private temp dir, then written into the rootfs
 * in-root (private 0600, public 0644, owned by root). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rootfs/internal.h"
#include "rootfs/template.h"
#include "util/cleanup.h"
#include "util/fileio.h"
#include "util/fmt.h"

static const char *const key_types[] = {"rsa", "ecdsa", "ed25519"};

/* ssh-keygen TYPE into tmp/TYPE{,.pub}, then both into /etc/ssh of the rootfs. */
static int one_key(int rootfd, const char *tmp, const char *type, const char *comment, vps_err *err)
{
	char file[128], in_root[128];
	if (vps_snprintf(file, sizeof(file), "%s/%s", tmp, type) < 0)
		return vps_errorx(err, ENAMETOOLONG, "%s/%s: too long", tmp, type);
	char *argv[] = {"ssh-keygen",	 "-q", "-t", (char *)type, "-N", "", "-C",
			(char *)comment, "-f", file, NULL};
	int r = vps_tmpl_run(argv, err);
	for (int pub = 0; r >= 0 && pub < 2; pub++) {
		_cleanup_free_ char *text = NULL;
		char made[160];
		/* fits: (both) tmp is a mkdtemp name, type one of key_types */
		vps_snprintf(made, sizeof(made), "%s%s", file, pub ? ".pub" : "");
		vps_snprintf(in_root, sizeof(in_root), "/etc/ssh/ssh_host_%s_key%s", type,
			     pub ? ".pub" : ""); /* fits: as above */
		r = vps_read_file_at(AT_FDCWD, made, 64 * 1024, &text, NULL, err);
		if (r >= 0)
			r = vps_tmpl_write(rootfd, in_root, text, pub ? 0644 : 0600, err);
	}
	return r;
}

int vps_tmpl_ssh_hostkeys(int rootfd, const struct vps_bundle_opts *o, vps_err *err)
{
	vps_err none = {0};
	_cleanup_close_ int sshd = vps_path_in_root(rootfd, "/usr/sbin/sshd", &none);
	if (sshd < 0)
		return 0; /* no sshd: nothing to key */
	vps_tmpl_progress(o, "generating ssh host keys for %s", o->name);
	_cleanup_free_ char *comment = NULL;
	int r = asprintf(&comment, "root@%s", o->hostname ? o->hostname : o->name);
	if (r < 0)
		return vps_error(err, ENOMEM, "ssh host keys");
	char tmp[] = "/tmp/vps-hostkeys.XXXXXX";
	if (!mkdtemp(tmp))
		return vps_error(err, errno, "ssh host keys: mkdtemp");
	for (size_t i = 0; r >= 0 && i < ARRAY_SIZE(key_types); i++)
		r = one_key(rootfd, tmp, key_types[i], comment, err);
	vps_rm_tree_at(AT_FDCWD, tmp);
	return r < 0 ? vps_error_wrap(err, "ssh host keys") : 0;
}
