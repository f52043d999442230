/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Password hashing and hash validation through libcrypt (libxcrypt). */
#include <crypt.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "rootfs/internal.h"
#include "rootfs/users.h"
#include "rootfs/users_internal.h"
#include "util/cleanup.h"
#include "util/fileio.h"

static const char *method_prefix(const char *method)
{
	if (strcmp(method, "yescrypt") == 0)
		return "$y$";
	if (strcmp(method, "sha512") == 0)
		return "$6$";
	return NULL;
}

static void crypt_data_freep(struct crypt_data **cd)
{
	if (*cd) {
		explicit_bzero(*cd, sizeof(**cd));
		free(*cd);
	}
}

int vps_password_hash(const char *password, const char *method, char **out, vps_err *err)
{
	const char *prefix = method_prefix(method);
	if (!prefix)
		return vps_errorx(err, EINVAL, "--method %s: expected yescrypt or sha512", method);
	if (strchr(password, '\n'))
		return vps_errorx(err, EINVAL, "password must not contain a newline");
	char salt[CRYPT_GENSALT_OUTPUT_SIZE];
	if (!crypt_gensalt_rn(prefix, 0, NULL, 0, salt, sizeof(salt)))
		return vps_error(err, errno, "make a %s salt", method);
	_cleanup_(crypt_data_freep) struct crypt_data *cd = calloc(1, sizeof(*cd));
	if (!cd)
		return vps_error(err, ENOMEM, "hash password");
	const char *h = crypt_rn(password, salt, cd, sizeof(*cd));
	if (!h || h[0] == '*')
		return vps_error(err, errno ? errno : EINVAL, "hash password with %s", method);
	*out = strdup(h);
	return *out ? 0 : vps_error(err, ENOMEM, "hash password");
}

int vps_hash_validate(const char *hash, vps_err *err)
{
	size_t len = strlen(hash);
	/* Never echo it: a plain password given by mistake would land in logs. */
	if (hash[0] != '$')
		return vps_errorx(err, EINVAL,
				  "--hash: not a crypt(5) hash at all: a hash starts with $ID$ "
				  "($y$... yescrypt, $6$... sha512, e.g. from mkpasswd); to set a "
				  "password, give it on standard input with --stdin");
	if (len == 0 || len > 512 ||
	    strspn(hash, "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz$") !=
		len)
		return vps_errorx(err, EINVAL,
				  "--hash: not a crypt hash (expected e.g. $y$... or $6$..., "
				  "characters [./0-9A-Za-z$])");
	switch (crypt_checksalt(hash)) {
	case CRYPT_SALT_OK:
		break;
	case CRYPT_SALT_METHOD_LEGACY:
	case CRYPT_SALT_TOO_CHEAP:
		return vps_errorx(err, EINVAL,
				  "--hash: a weak legacy method; use yescrypt ($y$) "
				  "or sha512 ($6$)");
	case CRYPT_SALT_METHOD_DISABLED:
		return vps_errorx(err, EINVAL, "--hash: method disabled in libcrypt");
	default:
		return vps_errorx(err, EINVAL, "--hash: unknown or malformed hash method");
	}
	/* Re-hashing with the hash as setting must give a hash of the same shape. */
	_cleanup_(crypt_data_freep) struct crypt_data *cd = calloc(1, sizeof(*cd));
	if (!cd)
		return vps_error(err, ENOMEM, "check hash");
	const char *h = crypt_rn("", hash, cd, sizeof(*cd));
	const char *last = strrchr(hash, '$');
	size_t setting = (size_t)(last - hash);
	if (!h || h[0] == '*' || strlen(h) != len || strncmp(h, hash, setting) != 0)
		return vps_errorx(err, EINVAL, "--hash: malformed (wrong salt or hash length)");
	return 0;
}

const char *vps_userdb_default_method(struct vps_userdb *db)
{
	vps_err e;
	_cleanup_close_ int fd =
	    vps_open_regular_in_root(db->rootfd, "/etc/login.defs", O_RDONLY, NULL, &e);
	_cleanup_free_ char *buf = NULL;
	if (fd < 0 || vps_read_fd(fd, "/etc/login.defs", 1 << 20, &buf, NULL, &e) < 0)
		return NULL;
	const char *found = NULL;
	for (char *save = NULL, *l = strtok_r(buf, "\n", &save); l;
	     l = strtok_r(NULL, "\n", &save)) {
		l += strspn(l, " \t");
		if (strncmp(l, "ENCRYPT_METHOD", 14) != 0 || (l[14] != ' ' && l[14] != '\t'))
			continue;
		l += 14 + strspn(l + 14, " \t");
		if (strncasecmp(l, "YESCRYPT", 8) == 0)
			found = "yescrypt";
		else if (strncasecmp(l, "SHA512", 6) == 0)
			found = "sha512";
	}
	return found;
}
