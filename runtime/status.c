/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Live status: compare the saved pid and start time with /proc. */
#include "runtime/status.h"
#include "runtime/live.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "cgroups/cgroup.h"
#include "util/cleanup.h"
#include "util/fileio.h"
#include "util/fmt.h"

/* /proc/PID/stat: "pid (comm) S ppid ..."; comm may hold spaces and ')'. */
static int read_stat(pid_t pid, char *state, uint64_t *start, vps_err *err)
{
	struct vps_procpath path_pp;
	const char *path = vps_procpath(&path_pp, pid, "stat");
	_cleanup_free_ char *buf = NULL;
	int r = vps_read_file_at(AT_FDCWD, path, 4096, &buf, NULL, err);
	if (r < 0)
		return r;
	char *p = strrchr(buf, ')');
	if (!p || p[1] != ' ' || !p[2])
		return vps_errorx(err, EINVAL, "%s: unexpected format", path);
	*state = p[2];
	p += 2; /* at field 3 (state) */
	for (int field = 3; field < 22; field++) {
		p = strchr(p, ' ');
		if (!p)
			return vps_errorx(err, EINVAL, "%s: unexpected format", path);
		p++;
	}
	char *end;
	errno = 0;
	unsigned long long v = strtoull(p, &end, 10);
	if (errno || end == p)
		return vps_errorx(err, EINVAL, "%s: bad starttime", path);
	*start = v;
	return 0;
}

int vps_proc_starttime(pid_t pid, uint64_t *out, vps_err *err)
{
	char state;
	return read_stat(pid, &state, out, err);
}

bool vps_pid_matches(pid_t pid, uint64_t start_time)
{
	char state = 0;
	uint64_t start = 0;
	if (pid <= 0 || read_stat(pid, &state, &start, NULL) < 0)
		return false;
	return start == start_time && state != 'Z' && state != 'X' && state != 'x';
}

/* Is someone (the creator) holding ROOT/ID/.lock right now? */
static bool lock_held(const char *root, const char *id)
{
	char path[4096];
	if (vps_snprintf(path, sizeof(path), "%s/%s/.lock", root, id) < 0)
		return false;
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return false;
	if (flock(fd, LOCK_SH | LOCK_NB) < 0)
		return errno == EWOULDBLOCK;
	flock(fd, LOCK_UN);
	return false;
}

enum vps_status vps_status_live(const char *root, const struct vps_state *st)
{
	if (st->pid <= 0) {
		if (st->status == VPS_CREATING && root && st->id && lock_held(root, st->id))
			return VPS_CREATING;
		return VPS_STOPPED;
	}
	if (!vps_pid_matches(st->pid, st->pid_start))
		return VPS_STOPPED;
	if (st->status == VPS_CREATING || st->status == VPS_CREATED)
		return st->status;
	/* running or paused: the freezer knows which */
	struct vps_cgroup *cg = NULL;
	bool frozen = st->status == VPS_PAUSED;
	if (st->cgroup_path && st->cgroup_path[0] && vps_live_cgroup(st, &cg, NULL) >= 0) {
		if (vps_cgroup_is_frozen(cg, &frozen, NULL) < 0)
			frozen = st->status == VPS_PAUSED;
		vps_cgroup_free(cg);
	}
	return frozen ? VPS_PAUSED : VPS_RUNNING;
}
