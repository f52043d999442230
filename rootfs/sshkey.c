/* SPDX-License-Identifier: GPL-2.0-or-later */
/* `vps bundle --ssh-key FILE|-`: read and check OpenSSH public keys (a private
 * key is refused as such), then append them to the rootfs's
 * /root/.ssh/authorized_keys, every path resolved inside the rootfs, .ssh
 * 0700 and the file 0600, owned by root. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rootfs/internal.h"
#include "rootfs/template.h"
#include "util/cleanup.h"
#include "util/fileio.h"
#include "util/fmt.h"

#define SSHKEY_MAX  (64 * 1024)
#define SSHKEY_LINE (16 * 1024)
#define SSHKEY_TYPES                                                                               \
	"ssh-ed25519, ssh-rsa, ecdsa-sha2-nistp256/384/521, sk-ssh-ed25519@openssh.com, "          \
	"sk-ecdsa-sha2-nistp256@openssh.com"

static const char *const key_types[] = {"ssh-ed25519",
					"ssh-rsa",
					"ecdsa-sha2-nistp256",
					"ecdsa-sha2-nistp384",
					"ecdsa-sha2-nistp521",
					"sk-ssh-ed25519@openssh.com",
					"sk-ecdsa-sha2-nistp256@openssh.com"};

static int b64_value(char c)
{
	static const char a[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	const char *p = c ? strchr(a, c) : NULL;
	return p ? (int)(p - a) : -1;
}

/* Decode n base64 characters (padded) into out (at least n*3/4 bytes); the
 * decoded length, or -1. */
static long b64_decode(const char *s, size_t n, unsigned char *out)
{
	if (n == 0 || n % 4)
		return -1;
	size_t pad = (s[n - 1] == '=') + (s[n - 2] == '=');
	long o = 0;
	for (size_t i = 0; i < n; i += 4) {
		int v[4];
		for (int k = 0; k < 4; k++) {
			bool padded = i + k >= n - pad;
			v[k] = padded ? 0 : b64_value(s[i + k]);
			if (v[k] < 0)
				return -1;
		}
		unsigned w = (unsigned)v[0] << 18 | (unsigned)v[1] << 12 | (unsigned)v[2] << 6 |
			     (unsigned)v[3];
		out[o++] = (unsigned char)(w >> 16);
		out[o++] = (unsigned char)(w >> 8);
		out[o++] = (unsigned char)w;
	}
	return o - (long)pad;
}

/* The blob of a public key starts with its type as an SSH string. */
static bool blob_names(const char *b64, size_t n, const char *type)
{
	unsigned char *blob = malloc(n / 4 * 3 + 3);
	long len = blob ? b64_decode(b64, n, blob) : -1;
	size_t tl = strlen(type);
	bool ok = len >= (long)(4 + tl + 16) &&
		  ((size_t)blob[0] << 24 | (size_t)blob[1] << 16 | (size_t)blob[2] << 8 |
		   blob[3]) == tl &&
		  memcmp(blob + 4, type, tl) == 0;
	free(blob);
	return ok;
}

/* One line "TYPE BASE64 [comment]" (no options). */
static int check_line(const char *l, size_t n, int lineno, vps_err *err)
{
	size_t tl = strcspn(l, " \t");
	if (tl > n)
		tl = n;
	bool known = false;
	for (size_t i = 0; i < ARRAY_SIZE(key_types); i++)
		known |= strlen(key_types[i]) == tl && memcmp(l, key_types[i], tl) == 0;
	if (!known)
		return vps_errorx(err, EINVAL,
				  "line %d: not an OpenSSH public key (expected TYPE BASE64 "
				  "[COMMENT] with TYPE one of " SSHKEY_TYPES "; no options)",
				  lineno);
	const char *b = l + tl + strspn(l + tl, " \t");
	size_t bl = b < l + n ? strcspn(b, " \t") : 0;
	if (b + bl > l + n)
		bl = (size_t)(l + n - b);
	char type[64]; /* fits: one of key_types */
	vps_snprintf(type, sizeof(type), "%.*s", (int)tl, l);
	if (!blob_names(b, bl, type))
		return vps_errorx(err, EINVAL,
				  "line %d: the %s key's base64 data is damaged or not a %s key",
				  lineno, type, type);
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)l[i] < 0x20 && l[i] != '\t')
			return vps_errorx(err, EINVAL, "line %d: control character 0x%02x", lineno,
					  (unsigned char)l[i]);
	return 0;
}

int vps_sshkey_check(const char *text, vps_err *err)
{
	if (strstr(text, "PRIVATE KEY-----") || strstr(text, "PuTTY-User-Key-File"))
		return vps_errorx(err, EINVAL,
				  "this is a private key: give the public key (the .pub file, "
				  "or ssh-keygen -y -f KEY); the private key never leaves you");
	int lineno = 0, keys = 0;
	for (const char *l = text; *l;) {
		size_t n = strcspn(l, "\n"), len = n;
		lineno++;
		while (len && (l[len - 1] == '\r' || l[len - 1] == ' ' || l[len - 1] == '\t'))
			len--;
		size_t lead = strspn(l, " \t");
		if (len > SSHKEY_LINE)
			return vps_errorx(err, EINVAL, "line %d: longer than %d bytes", lineno,
					  SSHKEY_LINE);
		if (lead < len && l[lead] != '#') {
			int r = check_line(l + lead, len - lead, lineno, err);
			if (r < 0)
				return r;
			keys++;
		}
		l += n + (l[n] == '\n');
	}
	if (!keys)
		return vps_errorx(err, EINVAL, "no public key in it (empty, or only comments)");
	return 0;
}

/* A FIFO (process substitution) or regular file, never a device. */
static int open_key_file(const char *file, vps_err *err)
{
	if (strcmp(file, "-") == 0) {
		int fd = fcntl(0, F_DUPFD_CLOEXEC, 3);
		return fd < 0 ? vps_error(err, errno, "stdin") : fd;
	}
	_cleanup_close_ int fd = open(file, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) < 0)
		return vps_error(err, errno, "open");
	if (!S_ISREG(st.st_mode) && !S_ISFIFO(st.st_mode))
		return vps_errorx(err, EINVAL, "not a regular file or a pipe");
	if (fcntl(fd, F_SETFL, 0) < 0)
		return vps_error(err, errno, "open");
	return take_fd(fd);
}

int vps_sshkey_load(const char *file, char **text, vps_err *err)
{
	_cleanup_close_ int fd = open_key_file(file, err);
	_cleanup_free_ char *buf = NULL;
	size_t len = 0;
	int r = fd < 0 ? fd : vps_read_fd(fd, file, SSHKEY_MAX, &buf, &len, err);
	if (r >= 0 && strlen(buf) != len)
		r = vps_errorx(err, EINVAL, "a NUL byte: not an OpenSSH public key file");
	if (r >= 0)
		r = vps_sshkey_check(buf, err);
	if (r < 0)
		return vps_error_wrap(err, "--ssh-key %s", strcmp(file, "-") ? file : "- (stdin)");
	*text = take_ptr(buf);
	return 0;
}

/* /root/.ssh in the rootfs: made 0700 if missing, never a symlink, root's. */
static int open_ssh_dir(int rootfd, vps_err *err)
{
	const char *base;
	_cleanup_close_ int parent = vps_parent_in_root(rootfd, "/root/.ssh", &base, err);
	if (parent < 0)
		return parent;
	if (mkdirat(parent, base, 0700) < 0 && errno != EEXIST)
		return vps_error(err, errno, "create /root/.ssh");
	_cleanup_close_ int fd =
	    openat(parent, base, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return vps_error(err, errno, "open /root/.ssh (a symlink or not a directory?)");
	if (fchown(fd, 0, 0) < 0 || fchmod(fd, 0700) < 0)
		return vps_error(err, errno, "chmod /root/.ssh");
	return take_fd(fd);
}

/* What authorized_keys holds already (a regular file only), with a final newline. */
static int old_keys(int dirfd, char **out, vps_err *err)
{
	_cleanup_close_ int fd =
	    openat(dirfd, "authorized_keys", O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))
		return (*out = strdup("")) ? 0 : vps_error(err, ENOMEM, "authorized_keys");
	_cleanup_free_ char *t = NULL;
	size_t n = 0;
	int r = vps_read_fd(fd, "/root/.ssh/authorized_keys", SSHKEY_MAX, &t, &n, err);
	if (r < 0)
		return r;
	if (asprintf(out, "%s%s", t, n && t[n - 1] != '\n' ? "\n" : "") < 0)
		return vps_error(err, ENOMEM, "authorized_keys");
	return 0;
}

int vps_tmpl_ssh_key(int rootfd, const struct vps_bundle_opts *o, vps_err *err)
{
	_cleanup_close_ int dir = open_ssh_dir(rootfd, err);
	_cleanup_free_ char *old = NULL, *all = NULL;
	int r = dir < 0 ? dir : old_keys(dir, &old, err);
	if (r < 0)
		return vps_error_wrap(err, "--ssh-key");
	size_t n = strlen(o->ssh_key);
	if (asprintf(&all, "%s%s%s", old, o->ssh_key, n && o->ssh_key[n - 1] != '\n' ? "\n" : "") <
	    0)
		return vps_error(err, ENOMEM, "authorized_keys");
	char *w = all; /* CRLF lines (a key file from Windows) as LF */
	for (const char *c = all; *c; c++)
		if (*c != '\r')
			*w++ = *c;
	*w = '\0';
	r = vps_write_atomic_at(dir, "authorized_keys", all, strlen(all), 0600, 0, 0, err);
	return r < 0 ? vps_error_wrap(err, "--ssh-key: /root/.ssh") : 0;
}
