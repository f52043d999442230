/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The id-range allocator of the VPS face (see rootfs/userns.h): one record
 * per range in INVENTORY/idranges/BASE.range, chosen under an flock of
 * idranges/.lock so two concurrent `vps bundle` never get the same range. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rootfs/idrange_internal.h"
#include "util/cleanup.h"
#include "util/fileio.h"
#include "util/fmt.h"

#define MAX_RECORDS 100000

struct records {
	uint32_t *base;
	size_t n, cap;
};

/* INVENTORY/idranges opened (made 0700 when missing) and its lock taken. */
static int open_locked(const char *inventory, int *lockfd, vps_err *err)
{
	char dir[PATH_MAX];
	if (vps_snprintf(dir, sizeof(dir), "%s/%s", inventory, VPS_IDRANGE_DIR) < 0)
		return vps_errorx(err, ENAMETOOLONG, "id ranges: %s: path too long", inventory);
	int r = vps_mkdir_p(dir, 0700, err);
	if (r < 0)
		return vps_error_wrap(err, "id ranges");
	int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return vps_error(err, errno, "id ranges: open %s", dir);
	*lockfd = openat(dfd, VPS_IDRANGE_LOCK, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	while (*lockfd >= 0 && flock(*lockfd, LOCK_EX) < 0 && errno == EINTR)
		;
	if (*lockfd < 0 || errno == EINTR) {
		r = vps_error(err, errno, "id ranges: lock %s/%s", dir, VPS_IDRANGE_LOCK);
		close(dfd);
		return r;
	}
	return dfd;
}

/* "1000000.range" -> 1000000; false for other names */
static bool record_base(const char *name, uint32_t *base)
{
	char *end;
	errno = 0;
	unsigned long v = strtoul(name, &end, 10);
	if (errno || end == name || strcmp(end, ".range") || v > UINT32_MAX || name[0] == '0')
		return false;
	*base = (uint32_t)v;
	return true;
}

struct record {
	const char *name, *bundle; /* point into the text */
};

/* Split a record's "key VALUE" lines (in place). */
static void parse_record(char *text, struct record *rec)
{
	*rec = (struct record){0};
	char *save = NULL;
	for (char *l = strtok_r(text, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		if (!strncmp(l, "name ", 5))
			rec->name = l + 5;
		else if (!strncmp(l, "bundle ", 7))
			rec->bundle = l + 7;
	}
}

/* Is the record still in use? Locked by a `vps bundle` still making it, or
 * its bundle still maps root onto it. A stale one is removed. */
static bool record_live(int dfd, const char *name, uint32_t base)
{
	_cleanup_close_ int fd = openat(dfd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return errno != ENOENT;
	if (flock(fd, LOCK_EX | LOCK_NB) < 0)
		return true; /* being made */
	_cleanup_free_ char *text = NULL;
	vps_err e;
	if (vps_read_fd(fd, name, 64 << 10, &text, NULL, &e) < 0)
		return true;
	struct record rec;
	parse_record(text, &rec);
	if (rec.bundle && vps_idrange_bundle_holds(rec.bundle, base))
		return true;
	unlinkat(dfd, name, 0);
	return false;
}

/* Call fn for every record (NAME.range) in dfd, up to MAX_RECORDS. */
static int each_record(int dfd, int (*fn)(int dfd, const char *name, uint32_t base, void *arg),
		       void *arg, vps_err *err)
{
	int fd = dup(dfd);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	if (!d) {
		if (fd >= 0)
			close(fd);
		return vps_error(err, errno, "id ranges: read the records");
	}
	struct dirent *de;
	uint32_t base;
	int r = 0;
	for (int guard = 0; r >= 0 && guard < MAX_RECORDS && (de = readdir(d)); guard++)
		if (record_base(de->d_name, &base))
			r = fn(dfd, de->d_name, base, arg);
	closedir(d);
	return r < 0 ? vps_error(err, -r, "id ranges") : 0;
}

static int add_live(int dfd, const char *name, uint32_t base, void *arg)
{
	struct records *rec = arg;
	if (!record_live(dfd, name, base))
		return 0;
	if (rec->n == rec->cap) {
		size_t cap = rec->cap ? rec->cap * 2 : 64;
		uint32_t *nb = realloc(rec->base, cap * sizeof(*nb));
		if (!nb)
			return -ENOMEM;
		rec->base = nb;
		rec->cap = cap;
	}
	rec->base[rec->n++] = base;
	return 0;
}

static bool taken(const struct records *rec, uint64_t cand)
{
	for (size_t i = 0; i < rec->n; i++)
		if (rec->base[i] < cand + VPS_IDRANGE_SIZE &&
		    cand < rec->base[i] + (uint64_t)VPS_IDRANGE_SIZE)
			return true;
	return false;
}

/* Write the record BASE.range and keep it locked for the caller. */
static int write_record(int dfd, const char *name, const char *bundle, uint32_t base,
			struct vps_idrange *out, vps_err *err)
{
	char file[32], text[PATH_MAX + 256];
	vps_snprintf(file, sizeof(file), "%u.range", base); /* fits: a number in 32 */
	int n = vps_snprintf(text, sizeof(text), "name %s\nbundle %s\nbase %u\nsize %u\n", name,
			     bundle, base, VPS_IDRANGE_SIZE);
	if (n < 0)
		return vps_errorx(err, ENAMETOOLONG, "id ranges: %s: path too long", bundle);
	if (strchr(bundle, '\n'))
		return vps_errorx(err, EINVAL, "id ranges: a bundle path with a newline");
	int r = vps_write_atomic_at(dfd, file, text, (size_t)n, 0600, (uid_t)-1, (gid_t)-1, err);
	if (r < 0)
		return vps_error_wrap(err, "id ranges");
	out->lockfd = openat(dfd, file, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (out->lockfd < 0 || flock(out->lockfd, LOCK_EX) < 0) {
		r = vps_error(err, errno, "id ranges: lock the record %s", file);
		unlinkat(dfd, file, 0);
		return r;
	}
	return 0;
}

int vps_idrange_alloc(const char *inventory, const char *name, const char *bundle,
		      uint32_t area_base, struct vps_idrange *out, vps_err *err)
{
	*out = (struct vps_idrange){.lockfd = -1};
	_cleanup_free_ char *abs = realpath(bundle, NULL);
	if (!abs)
		return vps_error(err, errno, "id ranges: %s", bundle);
	_cleanup_close_ int lockfd = -1;
	_cleanup_close_ int dfd = open_locked(inventory, &lockfd, err);
	if (dfd < 0)
		return dfd;
	struct vps_idarea a;
	struct records rec = {0};
	int r = vps_idrange_area(dfd, area_base, &a, err);
	if (r == 0)
		r = vps_idrange_check_subids(&a, err);
	if (r == 0)
		r = each_record(dfd, add_live, &rec, err);
	uint64_t cand = a.base;
	for (uint32_t i = 0; r == 0 && i < a.count; i++, cand += VPS_IDRANGE_SIZE)
		if (!taken(&rec, cand))
			break;
	free(rec.base);
	if (r < 0)
		return r;
	if (cand >= a.base + (uint64_t)a.count * VPS_IDRANGE_SIZE)
		return vps_errorx(err, ENOSPC,
				  "id ranges: all %u range%s of %u host ids from %u are taken "
				  "(records in %s/%s; a bundle removed frees its range, or raise "
				  "\"count N\" in its settings file)",
				  a.count, a.count == 1 ? "" : "s", VPS_IDRANGE_SIZE, a.base,
				  inventory, VPS_IDRANGE_DIR);
	if ((r = write_record(dfd, name, abs, (uint32_t)cand, out, err)) < 0)
		return r;
	out->base = (uint32_t)cand;
	out->slot = (unsigned)((cand - a.base) / VPS_IDRANGE_SIZE);
	if (asprintf(&out->record, "%s/%s/%u.range", inventory, VPS_IDRANGE_DIR, out->base) < 0)
		out->record = NULL;
	return 0;
}

int vps_idrange_claim(const char *inventory, const char *name, const char *bundle, uint32_t base,
		      bool dry, vps_err *err)
{
	_cleanup_close_ int lockfd = -1;
	_cleanup_close_ int dfd = open_locked(inventory, &lockfd, err);
	if (dfd < 0)
		return dfd;
	struct records rec = {0};
	int r = each_record(dfd, add_live, &rec, err);
	bool busy = r == 0 && taken(&rec, base);
	free(rec.base);
	if (r < 0)
		return r;
	if (busy)
		return vps_errorx(err, EEXIST,
				  "host ids %u-%u are another VPS's here (records in %s/%s)", base,
				  base + VPS_IDRANGE_SIZE - 1, inventory, VPS_IDRANGE_DIR);
	if (dry)
		return 0;
	struct vps_idrange out = {.lockfd = -1};
	if ((r = write_record(dfd, name, bundle, base, &out, err)) < 0)
		return r;
	vps_closep(&out.lockfd);
	return 0;
}

void vps_idrange_done(struct vps_idrange *r, bool keep)
{
	if (!keep && r->record && r->lockfd >= 0)
		unlink(r->record);
	vps_closep(&r->lockfd);
	free(r->record);
	r->record = NULL;
}

struct match {
	const char *name, *bundle; /* bundle NULL: any */
	int freed;
};

static int free_match(int dfd, const char *file, uint32_t base, void *arg)
{
	struct match *m = arg;
	_cleanup_free_ char *text = NULL;
	struct record rec;
	vps_err e;
	(void)base;
	if (vps_read_file_at(dfd, file, 64 << 10, &text, NULL, &e) < 0)
		return 0;
	parse_record(text, &rec);
	if (!rec.name || strcmp(rec.name, m->name) ||
	    (m->bundle && (!rec.bundle || strcmp(rec.bundle, m->bundle))))
		return 0;
	if (unlinkat(dfd, file, 0) == 0)
		m->freed++;
	return 0;
}

int vps_idrange_free(const char *inventory, const char *name, const char *bundle, vps_err *err)
{
	_cleanup_free_ char *abs = bundle ? realpath(bundle, NULL) : NULL;
	_cleanup_close_ int lockfd = -1;
	_cleanup_close_ int dfd = open_locked(inventory, &lockfd, err);
	if (dfd < 0)
		return dfd;
	struct match m = {.name = name, .bundle = abs ? abs : bundle};
	int r = each_record(dfd, free_match, &m, err);
	return r < 0 ? r : m.freed;
}
