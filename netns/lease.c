/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The host-wide lease file: lock, load, save (atomic). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "netns/lease.h"
#include "util/cleanup.h"
#include "util/fileio.h"
#include "util/fmt.h"

#define MAX_LEASES 65536

int vps_lease_lock(bool create, vps_err *err)
{
	const char *lock = VPS_NET_LEASE_DIR "/lock";
	int r;
	if (create && (r = vps_mkdir_p(VPS_NET_LEASE_DIR, 0700, err)) < 0)
		return r;
	int fd = open(lock, O_RDWR | O_CLOEXEC | O_NOFOLLOW | (create ? O_CREAT : 0), 0600);
	if (fd < 0)
		return errno == ENOENT && !create ? -ENOENT
						  : vps_error(err, errno, "open %s", lock);
	if (flock(fd, LOCK_EX) < 0) {
		r = vps_error(err, errno, "lock %s", lock);
		close(fd);
		return r;
	}
	return fd;
}

/* "leases-INODE" of the current network namespace. */
static int file_name(char *buf, size_t size, vps_err *err)
{
	struct stat st;
	if (stat("/proc/self/ns/net", &st) < 0)
		return vps_error(err, errno, "stat /proc/self/ns/net");
	vps_snprintf(buf, size, "leases-%llu", (unsigned long long)st.st_ino); /* fits: a number */
	return 0;
}

void vps_leases_free(struct vps_leases *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->v[i].id);
		free(l->v[i].root);
	}
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

void vps_lease_owner_init(struct vps_lease_owner *o, char *buf, const char *root, const char *id)
{
	o->root = realpath(root, buf) && !strchr(buf, '\n') ? buf : root;
	o->id = id;
}

bool vps_lease_owned(const struct vps_lease *e, const struct vps_lease_owner *o)
{
	return strcmp(e->id, o->id) == 0 && strcmp(e->root, o->root) == 0;
}

void vps_lease_holder_str(const struct vps_lease *e, const struct vps_lease_owner *o, char *buf,
			  size_t size)
{
	if (strcmp(e->root, o->root) == 0)
		/* fits: a lease id is read into 1100 bytes, callers' buffers hold 1200 */
		vps_snprintf(buf, size, "%s", e->id);
	else
		/* snprintf-ok: names the holder in a message */
		snprintf(buf, size, "%s (state root %s)", e->id, e->root);
}

/* "PORT/tcp" or an address into e. */
static int parse_what(const char *s, struct vps_lease *e)
{
	unsigned port;
	char proto[4], extra;
	if (sscanf(s, "%5u/%3s%c", &port, proto, &extra) == 2 && port > 0 && port < 65536 &&
	    (!strcmp(proto, "tcp") || !strcmp(proto, "udp"))) {
		e->port = (uint16_t)port;
		e->udp = proto[0] == 'u';
		return 0;
	}
	vps_err ignored = {0};
	return vps_ip_parse(s, 0, 0, &e->ip, "lease", &ignored);
}

static int parse_line(char *line, struct vps_lease *e)
{
	char id[1100], br[IFNAMSIZ + 1], what[VPS_IP_STRLEN];
	int root_at = 0;
	*e = (struct vps_lease){0};
	if (sscanf(line, "%1099s %16s %63s %n", id, br, what, &root_at) != 3 || !root_at ||
	    !line[root_at] || strlen(br) >= IFNAMSIZ || parse_what(what, e) < 0)
		return -EINVAL;
	memcpy(e->bridge, br, strlen(br) + 1); /* < IFNAMSIZ, checked above */
	e->id = strdup(id);
	e->root = strdup(line + root_at);
	return e->id && e->root ? 0 : -ENOMEM;
}

static int push_parsed(struct vps_leases *l, char *line)
{
	if (l->n >= MAX_LEASES)
		return -E2BIG;
	struct vps_lease *v = realloc(l->v, (l->n + 1) * sizeof(*v));
	if (!v)
		return -ENOMEM;
	l->v = v;
	int r = parse_line(line, &v[l->n]);
	if (r < 0) {
		free(v[l->n].id);
		free(v[l->n].root);
		return r;
	}
	l->n++;
	return 0;
}

int vps_leases_load(struct vps_leases *l, vps_err *err)
{
	char name[64];
	int r = file_name(name, sizeof(name), err);
	if (r < 0)
		return r;
	l->v = NULL;
	l->n = 0;
	_cleanup_close_ int dfd = open(VPS_NET_LEASE_DIR, O_DIRECTORY | O_RDONLY | O_CLOEXEC);
	_cleanup_free_ char *text = NULL;
	size_t len;
	if (dfd < 0)
		return errno == ENOENT ? 0 : vps_error(err, errno, "open " VPS_NET_LEASE_DIR);
	r = vps_read_file_at(dfd, name, 16 << 20, &text, &len, err);
	if (r == -ENOENT) {
		vps_err_clear(err);
		return 0;
	}
	if (r < 0)
		return r;
	char *save = NULL;
	unsigned lineno = 0;
	for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		lineno++;
		if ((r = push_parsed(l, line)) < 0) {
			vps_leases_free(l);
			return r == -EINVAL ? vps_errorx(err, EINVAL,
							 VPS_NET_LEASE_DIR "/%s:%u: malformed line",
							 name, lineno)
					    : vps_error(err, -r, VPS_NET_LEASE_DIR "/%s", name);
		}
	}
	return 0;
}

static void put_line(FILE *f, const struct vps_lease *e)
{
	char a[VPS_IP_STRLEN];
	if (e->port)
		/* fits: a port and a protocol in 64 */
		vps_snprintf(a, sizeof(a), "%u/%s", e->port, e->udp ? "udp" : "tcp");
	else
		vps_ip_str(&e->ip, true, a);
	fprintf(f, "%s %s %s %s\n", e->id, e->port ? "-" : e->bridge, a, e->root);
}

int vps_leases_save(const struct vps_leases *l, vps_err *err)
{
	char name[64];
	int r = file_name(name, sizeof(name), err);
	if (r < 0)
		return r;
	_cleanup_close_ int dfd = open(VPS_NET_LEASE_DIR, O_DIRECTORY | O_RDONLY | O_CLOEXEC);
	if (dfd < 0)
		return vps_error(err, errno, "open " VPS_NET_LEASE_DIR);
	if (l->n == 0) /* nothing held in this netns: no file left behind */
		return unlinkat(dfd, name, 0) < 0 && errno != ENOENT
			   ? vps_error(err, errno, "remove " VPS_NET_LEASE_DIR "/%s", name)
			   : 0;
	char *buf = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&buf, &size);
	if (!f)
		return vps_error(err, errno, "leases");
	for (size_t i = 0; i < l->n; i++)
		put_line(f, &l->v[i]);
	if (fclose(f) != 0) {
		free(buf);
		return vps_error(err, ENOMEM, "leases");
	}
	r = vps_write_atomic_at(dfd, name, buf, size, 0600, (uid_t)-1, (gid_t)-1, err);
	free(buf);
	return r;
}
