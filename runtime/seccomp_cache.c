/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The compiled-BPF cache. The key is the canonical text of the profile plus
 * the libseccomp version and native arch; the file name is a hash of it, and
 * the file stores the key itself, so a hash collision or a stale file is
 * detected (the whole key must match) and never yields a wrong filter.
 * Files are 0600, written atomically, opened O_NOFOLLOW and only trusted when
 * owned by us in a directory nobody else can write. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <seccomp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "runtime/seccomp_internal.h"
#include "util/cleanup.h"
#include "util/fileio.h"
#include "util/fmt.h"
#include "util/log.h"

#define MAGIC	  "VPSBPF1\n"
#define MAX_CACHE (1 << 22)
#define MAX_FILES 64 /* more distinct profiles than this: start the cache afresh */

int vps_buf_printf(struct vps_buf *b, const char *fmt, ...)
{
	for (int tries = 0; tries < 2; tries++) {
		va_list ap;
		va_start(ap, fmt);
		size_t room = b->cap - b->len;
		int n = vsnprintf(b->s ? b->s + b->len : NULL, room, fmt, ap);
		va_end(ap);
		if (n < 0)
			return -EINVAL;
		if ((size_t)n < room) {
			b->len += (size_t)n;
			return 0;
		}
		size_t cap = (b->cap + (size_t)n + 1) * 2;
		char *s = realloc(b->s, cap);
		if (!s)
			return -ENOMEM;
		b->s = s;
		b->cap = cap;
	}
	return -EINVAL;
}

int vps_seccomp_key(const struct oci_seccomp *sc, unsigned flags, struct vps_buf *key, vps_err *err)
{
	const struct scmp_version *v = seccomp_version();
	/* The API level says which kernel features libseccomp used. */
	int r = vps_buf_printf(
	    key, "enosys-stub libseccomp %u.%u.%u api %u native %u flags %u default %d/%d/%llu\n",
	    v->major, v->minor, v->micro, seccomp_api_get(), seccomp_arch_native(), flags,
	    (int)sc->default_action, sc->default_errno_ret.set,
	    (unsigned long long)sc->default_errno_ret.v);
	for (size_t i = 0; r == 0 && i < sc->n_architectures; i++)
		r = vps_buf_printf(key, "arch %s\n", sc->architectures[i]);
	for (size_t i = 0; r == 0 && i < sc->n_syscalls; i++) {
		const struct oci_seccomp_rule *s = &sc->syscalls[i];
		r = vps_buf_printf(key, "rule %d %d/%llu", (int)s->action, s->errno_ret.set,
				   (unsigned long long)s->errno_ret.v);
		for (size_t k = 0; r == 0 && k < s->n_names; k++)
			r = vps_buf_printf(key, " %s", s->names[k]);
		for (size_t k = 0; r == 0 && k < s->n_args; k++)
			r = vps_buf_printf(key, " [%u %d %llu %llu]", s->args[k].index,
					   (int)s->args[k].op, (unsigned long long)s->args[k].value,
					   (unsigned long long)s->args[k].value_two);
		if (r == 0)
			r = vps_buf_printf(key, "\n");
	}
	if (r < 0)
		return vps_error(err, -r, "seccomp: cache key");
	return 0;
}

static void file_name(const struct vps_buf *key, char name[32])
{
	uint64_t h = 0xcbf29ce484222325ULL; /* FNV-1a: only names the file */
	for (size_t i = 0; i < key->len; i++)
		h = (h ^ (unsigned char)key->s[i]) * 0x100000001b3ULL;
	/* fits: 16 hex digits and .bpf in 32 */
	vps_snprintf(name, 32, "%016llx.bpf", (unsigned long long)h);
}

/* The cache directory, created 0700 if missing; -1 if it is not safe to use. */
static int open_dir(const char *dir)
{
	vps_err e;
	if (vps_mkdir_p(dir, 0700, &e) < 0)
		return -1;
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) < 0 || st.st_uid != geteuid() || (st.st_mode & 022)) {
		if (fd >= 0) {
			log_warn("seccomp cache %s: not owned by us or writable by others; unused",
				 dir);
			close(fd);
		}
		return -1;
	}
	return fd;
}

struct hdr {
	uint32_t key_len, flags, notify, n_insns;
};

int vps_seccomp_cache_load(const char *dir, const struct vps_buf *key, struct vps_seccomp *s,
			   vps_err *err)
{
	(void)err;
	_cleanup_close_ int d = open_dir(dir);
	if (d < 0)
		return 0;
	char name[32];
	file_name(key, name);
	_cleanup_close_ int fd = openat(d, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return 0;
	struct stat st;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_uid != geteuid() ||
	    (st.st_mode & 077) || st.st_size > MAX_CACHE)
		return 0;
	size_t len = (size_t)st.st_size;
	_cleanup_free_ char *buf = malloc(len ? len : 1);
	if (!buf || read(fd, buf, len) != (ssize_t)len)
		return 0;
	struct hdr h;
	size_t off = strlen(MAGIC);
	if (len < off + sizeof(h) || memcmp(buf, MAGIC, off))
		return 0;
	memcpy(&h, buf + off, sizeof(h));
	off += sizeof(h);
	if (h.key_len != key->len || h.n_insns == 0 || h.n_insns > BPF_MAXINSNS ||
	    len != off + h.key_len + (size_t)h.n_insns * sizeof(struct sock_filter) ||
	    memcmp(buf + off, key->s, key->len) || h.flags != s->flags)
		return 0;
	off += h.key_len;
	s->insns = malloc((size_t)h.n_insns * sizeof(struct sock_filter));
	if (!s->insns)
		return 0;
	memcpy(s->insns, buf + off, (size_t)h.n_insns * sizeof(struct sock_filter));
	s->n_insns = h.n_insns;
	s->notify = h.notify;
	return 1;
}

/* Keep the cache bounded: past MAX_FILES entries, drop them all. */
static void trim(int d)
{
	int fd = dup(d);
	DIR *dir = fd >= 0 ? fdopendir(fd) : NULL;
	if (!dir) {
		if (fd >= 0)
			close(fd);
		return;
	}
	size_t n = 0;
	struct dirent *e;
	while ((e = readdir(dir)))
		n += strstr(e->d_name, ".bpf") != NULL;
	if (n >= MAX_FILES) {
		rewinddir(dir);
		while ((e = readdir(dir)))
			if (strstr(e->d_name, ".bpf") && e->d_name[0] != '.')
				unlinkat(d, e->d_name, 0);
	}
	closedir(dir);
}

void vps_seccomp_cache_store(const char *dir, const struct vps_buf *key,
			     const struct vps_seccomp *s)
{
	_cleanup_close_ int d = open_dir(dir);
	if (d < 0)
		return;
	struct hdr h = {(uint32_t)key->len, s->flags, s->notify, (uint32_t)s->n_insns};
	size_t ilen = s->n_insns * sizeof(struct sock_filter), m = strlen(MAGIC);
	size_t len = m + sizeof(h) + key->len + ilen;
	_cleanup_free_ char *buf = malloc(len);
	if (!buf)
		return;
	memcpy(buf, MAGIC, m);
	memcpy(buf + m, &h, sizeof(h));
	memcpy(buf + m + sizeof(h), key->s, key->len);
	memcpy(buf + m + sizeof(h) + key->len, s->insns, ilen);
	char name[32];
	file_name(key, name);
	trim(d);
	vps_err e = {0};
	if (vps_write_atomic_at(d, name, buf, len, 0600, (uid_t)-1, (gid_t)-1, &e) < 0)
		log_warn("seccomp cache: %s", e.msg);
}
