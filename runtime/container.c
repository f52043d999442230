/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Per-container files next to state.json: a copy of config.json taken at
 * create (so start/exec/delete use the spec the container was made from), the
 * pid file, timestamps. */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "runtime/internal.h"
#include "runtime/store.h"
#include "util/cleanup.h"
#include "util/fileio.h"
#include "util/fmt.h"

#define SPEC_COPY "config.json"
#define SPEC_MAX  (16 * 1024 * 1024)

int vps_container_save_spec(int dirfd, const char *config, size_t len, vps_err *err)
{
	return vps_write_state_at(dirfd, SPEC_COPY, config, len, 0600, (uid_t)-1, (gid_t)-1, err);
}

int vps_container_spec(const char *root, const char *id, struct oci_spec **spec, vps_err *err)
{
	char path[4096];
	_cleanup_free_ char *text = NULL;
	size_t len;
	int r = vps_snprintf(path, sizeof(path), "%s/%s/%s", root, id, SPEC_COPY);
	if (r < 0)
		return vps_error(err, -r, "%s of %s under %s", SPEC_COPY, id, root);
	r = vps_read_file_at(AT_FDCWD, path, SPEC_MAX, &text, &len, err);
	if (r < 0)
		return r;
	return oci_spec_parse(text, len, spec, err);
}

int vps_write_pid_file(const char *path, pid_t pid, vps_err *err)
{
	char buf[32];
	_cleanup_free_ char *d = strdup(path), *b = strdup(path);
	if (!d || !b)
		return vps_error(err, ENOMEM, "--pid-file");
	_cleanup_close_ int dfd = open(dirname(d), O_DIRECTORY | O_RDONLY | O_CLOEXEC);
	if (dfd < 0)
		return vps_error(err, errno, "--pid-file %s", path);
	int n = vps_snprintf(buf, sizeof(buf), "%d", (int)pid);
	int r = n < 0 ? vps_errorx(err, -n, "pid %d", (int)pid)
		      : vps_write_atomic_at(dfd, basename(b), buf, (size_t)n, 0644, (uid_t)-1,
					    (gid_t)-1, err);
	return r < 0 ? vps_error_wrap(err, "--pid-file") : 0;
}

/* RFC 3339 UTC with nanoseconds, as runc writes "created". The date comes from
 * the days since the epoch (H. Hinnant's civil_from_days), not gmtime_r: glibc's
 * reads /etc/localtime on first use, and this runs on every create. TS: at or after the epoch. */
char *vps_rfc3339(struct timespec ts)
{
	long long t = ts.tv_sec, z = t / 86400 + 719468, secs = t % 86400;
	long long era = (z >= 0 ? z : z - 146096) / 146097, doe = z - era * 146097;
	long long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	long long doy = doe - (365 * yoe + yoe / 4 - yoe / 100), mp = (5 * doy + 2) / 153;
	long long d = doy - (153 * mp + 2) / 5 + 1, m = mp < 10 ? mp + 3 : mp - 9;
	long long y = yoe + era * 400 + (m <= 2);
	char *out = NULL;
	if (asprintf(&out, "%04lld-%02lld-%02lldT%02lld:%02lld:%02lld.%09ldZ", y, m, d, secs / 3600,
		     secs / 60 % 60, secs % 60, ts.tv_nsec) < 0)
		return NULL;
	return out;
}

char *vps_now_rfc3339(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return vps_rfc3339(ts);
}

int vps_container_load(const char *root, const char *id, int *dirfd, int *lockfd,
		       struct vps_state **st, vps_err *err)
{
	int r = vps_store_lock(root, id, dirfd, lockfd, err);
	if (r < 0)
		return r;
	r = vps_state_load(root, id, st, err);
	if (r < 0) {
		close(*dirfd);
		close(*lockfd);
		*dirfd = *lockfd = -1;
	}
	return r;
}
