/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The cgroup driver against this host's real cgroups (v2, v1 or hybrid): create
 * /vps-test-cg-PID in every hierarchy, move a child in, set limits, freeze,
 * kill, destroy; nothing may be left behind. Needs root. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cgroups/internal.h"
#include "tap.h"
#include "util/fileio.h"

static long read_counter(const char *path)
{
	char *txt = NULL;
	vps_err e;
	long v = -1;
	if (vps_read_file_at(AT_FDCWD, path, 64, &txt, NULL, &e) == 0)
		v = atol(txt);
	free(txt);
	return v;
}

static void sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
	nanosleep(&ts, NULL);
}

static bool any_dir_left(struct vps_cgroup *cg)
{
	struct stat st;
	for (size_t i = 0; i < cg->n; i++)
		if (stat(cg->h[i].dir, &st) == 0) {
			printf("# left: %s\n", cg->h[i].dir);
			return true;
		}
	return false;
}

int main(void)
{
	if (geteuid() != 0) {
		printf("1..0 # SKIP needs root to create cgroups\n");
		return 0;
	}
	vps_err err = {0};
	enum vps_cgroup_layout lay;
	ok(vps_cgroup_layout(&lay, &err) == 0, "layout: %s %s", vps_cgroup_layout_name(lay),
	   err.msg);

	char path[64], counter[] = "/tmp/vps-test-cg-counter-XXXXXX";
	snprintf(path, sizeof(path), "/vps-test-cg-%d/c1", (int)getpid());
	int cfd = mkstemp(counter);
	close(cfd);

	struct oci_resources res = {0};
	res.has_memory = true;
	res.memory.limit = (opt_i64){true, 64 << 20};
	res.pids_limit = (opt_i64){true, 20};
	struct vps_cgroup *cg = NULL;
	int r = vps_cgroup_create(path, "c1", false, &res, &cg, &err);
	ok(r == 0, "create %s: %s", path, r ? err.msg : vps_cgroup_path(cg));
	if (r)
		return done_testing();
	is_str(vps_cgroup_path(cg), path, "saved path is the absolute cgroupsPath");
	struct cg_hier *mem = cg_hier_for(cg, "memory"), *pids = cg_hier_for(cg, "pids");
	uint64_t v = 0;
	ok(mem &&
	       cg_read_u64(mem, mem->v2 ? "memory.max" : "memory.limit_in_bytes", &v, &err) == 0 &&
	       v == 64 << 20,
	   "memory limit is 64 MiB in the host's file (%llu)", (unsigned long long)v);
	ok(pids && cg_read_u64(pids, "pids.max", &v, &err) == 0 && v == 20, "pids.max is 20");

	pid_t child = fork();
	if (child == 0) {
		for (long i = 0;; i++) {
			char buf[32];
			int fd = open(counter, O_WRONLY | O_TRUNC);
			int n = snprintf(buf, sizeof(buf), "%ld\n", i);
			if (fd >= 0) {
				if (write(fd, buf, (size_t)n) < 0)
					_exit(1);
				close(fd);
			}
			sleep_ms(5);
		}
	}
	ok(vps_cgroup_enter(cg, child, &err) == 0, "enter child %d: %s", (int)child, err.msg);
	pid_t *list = NULL;
	size_t n = 0;
	ok(vps_cgroup_pids(cg, &list, &n, &err) == 0 && n == 1 && list[0] == child,
	   "pids lists the child (%zu)", n);
	free(list);

	/* reopen from the saved string, as a later `vps pause` would */
	struct vps_cgroup *cg2 = NULL;
	ok(vps_cgroup_open(vps_cgroup_path(cg), &cg2, &err) == 0, "open saved: %s", err.msg);
	bool frozen = true;
	ok(cg2 && vps_cgroup_is_frozen(cg2, &frozen, &err) == 0 && !frozen, "not frozen at first");
	ok(vps_cgroup_freeze(cg2, true, &err) == 0, "freeze: %s", err.msg);
	ok(vps_cgroup_is_frozen(cg2, &frozen, &err) == 0 && frozen, "is_frozen after freeze");
	sleep_ms(50);
	long a = read_counter(counter);
	sleep_ms(200);
	long b = read_counter(counter);
	is_int(b, a, "the counter stops while frozen");
	ok(vps_cgroup_freeze(cg2, false, &err) == 0, "thaw: %s", err.msg);
	long c = b;
	for (int i = 0; i < 1000 && c <= b; i++) { /* bounded: 10 s on a loaded machine */
		sleep_ms(10);
		c = read_counter(counter);
	}
	ok(c > b, "the counter runs again after thaw (%ld -> %ld)", b, c);

	struct oci_resources upd = {0};
	upd.pids_limit = (opt_i64){true, 7};
	ok(vps_cgroup_apply(cg2, &upd, &err) == 0 && cg_read_u64(pids, "pids.max", &v, &err) == 0 &&
	       v == 7,
	   "apply changes pids.max live to 7");

	ok(vps_cgroup_freeze(cg2, true, &err) == 0, "pause again before kill: %s", err.msg);
	ok(vps_cgroup_kill(cg2, SIGKILL, &err) == 0, "kill a paused cgroup: %s", err.msg);
	int st = 0;
	ok(waitpid(child, &st, 0) == child && WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL,
	   "the child died of SIGKILL");
	/* sub-cgroups a container made (two levels) go too: the first rmdir of
	 * the container's dir fails then, and destroy walks the tree */
	int subs = 0;
	for (size_t i = 0; i < cg2->n; i++) {
		char sub[PATH_MAX];
		snprintf(sub, sizeof(sub), "%s/sub", cg2->h[i].dir);
		subs += mkdir(sub, 0755) == 0;
		snprintf(sub, sizeof(sub), "%s/sub/deeper", cg2->h[i].dir);
		subs += mkdir(sub, 0755) == 0;
	}
	ok(subs == (int)(2 * cg2->n), "made 2 sub-cgroups in each of %zu hierarchies", cg2->n);
	ok(vps_cgroup_destroy(cg2, &err) == 0, "destroy: %s", err.msg);
	ok(!any_dir_left(cg2), "no cgroup dir left in any hierarchy");
	ok(vps_cgroup_destroy(cg2, &err) == 0, "destroy again is fine (idempotent)");

	/* bad limit: an error naming the file, nothing left behind */
	struct oci_resources bad = {0};
	bad.has_cpu = true;
	bad.cpu.cpus = "999999";
	struct vps_cgroup *cg3 = NULL;
	snprintf(path, sizeof(path), "/vps-test-cg-%d/c2", (int)getpid());
	r = vps_cgroup_create(path, "c2", false, &bad, &cg3, &err);
	ok(r < 0 && strstr(err.msg, "cpuset.cpus"), "bad cpuset is an error naming the file: %s",
	   err.msg);
	struct vps_cgroup *look = NULL;
	ok(vps_cgroup_lookup(path, "c2", false, &look, &err) == 0 && !any_dir_left(look),
	   "a failed create leaves nothing");
	ok(vps_cgroup_create(path, "c2", true, NULL, &cg3, &err) < 0 && strstr(err.msg, "systemd"),
	   "--systemd-cgroup with a cgroupfs path is refused clearly: %s", err.msg);

	/* remove the parents this test made */
	for (size_t i = 0; look && i < look->n; i++) {
		char *slash = strrchr(look->h[i].dir, '/');
		*slash = '\0';
		rmdir(look->h[i].dir);
	}
	vps_cgroup_free(look);
	vps_cgroup_free(cg2);
	vps_cgroup_free(cg);
	unlink(counter);
	return done_testing();
}
