/* The lease file: load, save (atomic), take, release. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>

#include "netns/lease.h"
#include "util/cleanup.h"
#include "util/fileio.h"

#define MAX_LEASES 65536

static int net_dir(const char *root, char *buf, size_t size, vps_err *err)
{
	if ((size_t)snprintf(buf, size, "%s/" VPS_NET_DIR, root) >= size)
		return vps_errorx(err, ENAMETOOLONG, "state root %s: path too long", root);
	return 0;
}

int vps_lease_lock(const char *root, bool create, vps_err *err)
{
	char dir[4096], lock[4200];
	int r = net_dir(root, dir, sizeof(dir), err);
	if (r < 0)
		return r;
	if (create && (r = vps_mkdir_p(dir, 0700, err)) < 0)
		return r;
	snprintf(lock, sizeof(lock), "%s/lock", dir);
	int fd = open(lock, O_RDWR | O_CLOEXEC | (create ? O_CREAT : 0), 0600);
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

void vps_leases_free(struct vps_leases *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i].id);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

static int push(struct vps_leases *l, const char *id, const char *bridge, const struct vps_ip *ip)
{
	if (l->n >= MAX_LEASES)
		return -E2BIG;
	struct vps_lease *v = realloc(l->v, (l->n + 1) * sizeof(*v));
	if (!v)
		return -ENOMEM;
	l->v = v;
	v[l->n] = (struct vps_lease){.id = strdup(id), .ip = *ip};
	if (!v[l->n].id)
		return -ENOMEM;
	snprintf(v[l->n].bridge, IFNAMSIZ, "%s", bridge);
	l->n++;
	return 0;
}

int vps_leases_load(const char *root, struct vps_leases *l, vps_err *err)
{
	char dir[4096];
	int r = net_dir(root, dir, sizeof(dir), err);
	if (r < 0)
		return r;
	l->v = NULL;
	l->n = 0;
	_cleanup_close_ int dfd = open(dir, O_DIRECTORY | O_RDONLY | O_CLOEXEC);
	_cleanup_free_ char *text = NULL;
	size_t len;
	if (dfd < 0)
		return errno == ENOENT ? 0 : vps_error(err, errno, "open %s", dir);
	r = vps_read_file_at(dfd, "leases", 16 << 20, &text, &len, err);
	if (r == -ENOENT) {
		vps_err_clear(err);
		return 0;
	}
	if (r < 0)
		return r;
	char *save = NULL;
	unsigned lineno = 0;
	for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char id[1100], br[IFNAMSIZ + 1], addr[VPS_IP_STRLEN];
		struct vps_ip ip;
		lineno++;
		if (sscanf(line, "%1099s %16s %63s", id, br, addr) != 3 || strlen(br) >= IFNAMSIZ ||
		    vps_ip_parse(addr, 0, 0, &ip, "lease", err) < 0) {
			vps_leases_free(l);
			return vps_errorx(err, EINVAL, "%s/leases:%u: malformed line", dir, lineno);
		}
		if ((r = push(l, id, br, &ip)) < 0) {
			vps_leases_free(l);
			return vps_error(err, -r, "%s/leases", dir);
		}
	}
	return 0;
}

int vps_leases_save(const char *root, const struct vps_leases *l, vps_err *err)
{
	char dir[4096], a[VPS_IP_STRLEN];
	int r = net_dir(root, dir, sizeof(dir), err);
	if (r < 0)
		return r;
	_cleanup_close_ int dfd = open(dir, O_DIRECTORY | O_RDONLY | O_CLOEXEC);
	if (dfd < 0)
		return vps_error(err, errno, "open %s", dir);
	char *buf = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&buf, &size);
	if (!f)
		return vps_error(err, errno, "leases");
	for (size_t i = 0; i < l->n; i++)
		fprintf(f, "%s %s %s\n", l->v[i].id, l->v[i].bridge,
			vps_ip_str(&l->v[i].ip, true, a));
	if (fclose(f) != 0) {
		free(buf);
		return vps_error(err, ENOMEM, "leases");
	}
	r = vps_write_atomic_at(dfd, "leases", buf, size, 0600, (uid_t)-1, (gid_t)-1, err);
	free(buf);
	return r;
}

static const struct vps_lease *holder(const struct vps_leases *l, const struct vps_ip *ip,
				      const char *except_id)
{
	for (size_t i = 0; i < l->n; i++)
		if (vps_ip_equal(&l->v[i].ip, ip) && strcmp(l->v[i].id, except_id) != 0)
			return &l->v[i];
	return NULL;
}

static void drop(struct vps_leases *l, const char *id, bool *had)
{
	size_t j = 0;
	for (size_t i = 0; i < l->n; i++) {
		if (strcmp(l->v[i].id, id) == 0) {
			free(l->v[i].id);
			*had = true;
		} else {
			l->v[j++] = l->v[i];
		}
	}
	l->n = j;
}

/* The first free host number in gw's subnet (skipping the network address,
 * the gateway and the IPv4 broadcast address). */
static int next_free(const struct vps_leases *l, const char *id, const struct vps_ip *gw,
		     struct vps_ip *got)
{
	uint64_t span = vps_ip_span(gw);
	for (uint64_t n = 1; n + 1 < span && n < MAX_LEASES + 2; n++) {
		if (vps_ip_host(gw, n, got) < 0)
			break;
		if (!vps_ip_equal(got, gw) && !holder(l, got, id))
			return 0;
	}
	return -ENOSPC;
}

int vps_lease_take(const char *root, const char *id, const char *bridge, const struct vps_ip *want,
		   const struct vps_ip *gw, struct vps_ip *got, vps_err *err)
{
	struct vps_leases l;
	char a[VPS_IP_STRLEN];
	int r = vps_leases_load(root, &l, err);
	if (r < 0)
		return r;
	const struct vps_lease *h;
	if (want->family) {
		*got = *want;
		if ((h = holder(&l, want, id))) {
			r = vps_errorx(err, EADDRINUSE, "address %s is already leased to %s",
				       vps_ip_str(want, false, a), h->id);
			goto out;
		}
	} else if (next_free(&l, id, gw, got) < 0) {
		r = vps_errorx(err, ENOSPC, "no free address left in %s", vps_ip_str(gw, true, a));
		goto out;
	}
	bool had = false;
	drop(&l, id, &had);
	if ((r = push(&l, id, bridge, got)) < 0) {
		vps_error(err, -r, "lease");
		goto out;
	}
	r = vps_leases_save(root, &l, err);
out:
	vps_leases_free(&l);
	return r;
}

int vps_lease_release(const char *root, const char *id, bool *had, vps_err *err)
{
	struct vps_leases l;
	*had = false;
	int r = vps_leases_load(root, &l, err);
	if (r < 0)
		return r;
	drop(&l, id, had);
	if (*had)
		r = vps_leases_save(root, &l, err);
	vps_leases_free(&l);
	return r;
}
