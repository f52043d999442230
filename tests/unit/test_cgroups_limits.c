/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Limits enforced by the real kernel through the driver, on whatever layout
 * this machine has (hybrid here, pure v2 in the cgroup-v2-vm guest): OOM kill
 * inside the cgroup only (and its notification), a fork bomb stopped at
 * pids.max, CPU throttling, device rules (v1 lists / v2 BPF program), block I/O
 * throttles, unified keys, hugetlb, stats, relative cgroupsPath. Needs root. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cgroups/internal.h"
#include "tap.h"

static int seq;

static struct vps_cgroup *mk(const struct oci_resources *res, vps_err *err)
{
	char path[96];
	snprintf(path, sizeof(path), "/vps-test-cg-%d/t%d", (int)getpid(), ++seq);
	struct vps_cgroup *cg = NULL;
	if (vps_cgroup_create(path, "t", false, res, &cg, err) < 0)
		return NULL;
	return cg;
}

/* fork a child that joins cg and runs fn; returns its pid */
static pid_t spawn(struct vps_cgroup *cg, int (*fn)(void *), void *arg)
{
	pid_t p = fork();
	if (p == 0) {
		vps_err e;
		if (vps_cgroup_enter(cg, getpid(), &e) < 0) {
			printf("# enter: %s\n", e.msg);
			_exit(99);
		}
		_exit(fn(arg));
	}
	return p;
}

static void done(struct vps_cgroup *cg)
{
	vps_err e;
	if (cg && vps_cgroup_destroy(cg, &e) < 0)
		printf("# destroy: %s\n", e.msg);
	vps_cgroup_free(cg);
}

static int hog(void *arg)
{
	(void)arg;
	for (int i = 0; i < 400; i++) { /* up to 400 MiB, touched */
		char *p =
		    mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED)
			return 2;
		memset(p, 1, 1 << 20);
	}
	return 0;
}

static void test_oom(void)
{
	vps_err err = {0};
	struct oci_resources res = {.has_memory = true};
	res.memory.limit = (opt_i64){true, 32 << 20};
	res.memory.swap = (opt_i64){true, 32 << 20};
	struct vps_cgroup *cg = mk(&res, &err);
	ok(cg, "create with memory 32M, swap 0: %s", err.msg);
	if (!cg)
		return;
	struct vps_oom_watch w;
	ok(vps_cgroup_oom_watch(cg, &w, &err) == 0, "OOM watch: %s", err.msg);
	int st = 0;
	pid_t p = spawn(cg, hog, NULL);
	waitpid(p, &st, 0);
	ok(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL,
	   "a 400M hog under 32M is OOM-killed (status %#x)", st);
	struct pollfd pfd = {.fd = w.fd, .events = POLLIN | POLLPRI};
	ok(poll(&pfd, 1, 10000) == 1, "the OOM notification fd wakes up");
	uint64_t kills = 0;
	ok(vps_cgroup_oom_kills(cg, &kills, &err) == 0 && kills >= 1, "oom_kill counter %llu >= 1",
	   (unsigned long long)kills);
	struct vps_cgroup_stats s;
	ok(vps_cgroup_stats(cg, &s, &err) == 0 && s.memory.set && s.memory.oom_kills >= 1 &&
	       s.memory.usage.limit == 32 << 20,
	   "stats: limit 32M, oom_kills %llu", (unsigned long long)s.memory.oom_kills);
	vps_cgroup_stats_free(&s);
	vps_cgroup_oom_unwatch(&w);
	struct oci_resources up = {.has_memory = true};
	up.memory.limit = (opt_i64){true, 64 << 20};
	ok(vps_cgroup_apply(cg, &up, &err) == 0 && vps_cgroup_stats(cg, &s, &err) == 0 &&
	       s.memory.usage.limit == 64 << 20,
	   "raising only the limit of a swapless cgroup works: %s", err.msg);
	vps_cgroup_stats_free(&s);
	done(cg);
}

static int bomb(void *arg)
{
	int *out = arg, n = 0;
	for (int i = 0; i < 200; i++) {
		pid_t c = fork();
		if (c == 0) {
			pause();
			_exit(0);
		}
		if (c < 0)
			break;
		n++;
	}
	if (write(out[1], &n, sizeof(n)) != sizeof(n))
		return 3;
	pause();
	return 0;
}

static void test_pids(void)
{
	vps_err err = {0};
	struct oci_resources res = {.pids_limit = {true, 16}};
	struct vps_cgroup *cg = mk(&res, &err);
	ok(cg, "create with pids 16: %s", err.msg);
	if (!cg)
		return;
	int pfd[2], n = -1;
	if (pipe(pfd) < 0)
		return;
	pid_t p = spawn(cg, bomb, pfd);
	ok(read(pfd[0], &n, sizeof(n)) == sizeof(n) && n == 15,
	   "a fork bomb gets exactly 15 children beside itself (%d)", n);
	struct vps_cgroup_stats s;
	ok(vps_cgroup_stats(cg, &s, &err) == 0 && s.pids.current == 16 && s.pids.limit == 16,
	   "pids.current %llu, limit %llu", (unsigned long long)s.pids.current,
	   (unsigned long long)s.pids.limit);
	vps_cgroup_stats_free(&s);
	pid_t host = fork();
	if (host == 0)
		_exit(0);
	ok(host > 0 && waitpid(host, NULL, 0) == host, "the host can still fork");
	ok(vps_cgroup_kill(cg, SIGKILL, &err) == 0, "kill all: %s", err.msg);
	waitpid(p, NULL, 0);
	pid_t *l = NULL;
	size_t cnt = 9;
	ok(vps_cgroup_pids(cg, &l, &cnt, &err) == 0 && cnt == 0, "empty after kill (%zu)", cnt);
	free(l);
	close(pfd[0]);
	close(pfd[1]);
	done(cg);
}

static int spin(void *arg)
{
	(void)arg;
	for (volatile unsigned long i = 0;; i++)
		;
	return 0;
}

static void test_cpu(void)
{
	vps_err err = {0};
	struct oci_resources res = {.has_cpu = true};
	res.cpu.quota = (opt_i64){true, 5000};
	res.cpu.period = (opt_u64){true, 100000};
	res.cpu.shares = (opt_u64){true, 512};
	struct vps_cgroup *cg = mk(&res, &err);
	ok(cg, "create with cpu quota 5000/100000, shares 512: %s", err.msg);
	if (!cg)
		return;
	struct cg_hier *h = cg_hier_for(cg, "cpu");
	char *txt = NULL;
	if (h->v2) {
		ok(cg_read(h, "cpu.max", &txt, &err) == 0 && strcmp(txt, "5000 100000\n") == 0,
		   "cpu.max reads 5000 100000");
		free(txt);
		uint64_t w = 0;
		ok(cg_read_u64(h, "cpu.weight", &w, &err) == 0 && w == 20,
		   "cpu.weight 20 for shares 512");
	} else {
		uint64_t q = 0, s = 0;
		ok(cg_read_u64(h, "cpu.cfs_quota_us", &q, &err) == 0 && q == 5000,
		   "cfs_quota_us 5000");
		ok(cg_read_u64(h, "cpu.shares", &s, &err) == 0 && s == 512, "cpu.shares 512");
	}
	pid_t p = spawn(cg, spin, NULL);
	struct vps_cgroup_stats s = {0};
	for (int i = 0; i < 200; i++) { /* until the kernel throttles it (bounded) */
		vps_cgroup_stats_free(&s);
		vps_cgroup_stats(cg, &s, &err);
		if (s.cpu.throttled_periods > 0)
			break;
		cg_sleep_ms(50);
	}
	ok(s.cpu.set && s.cpu.throttled_periods > 0 && s.cpu.total > 0,
	   "a busy loop gets throttled (%llu of %llu periods), usage %llu ns",
	   (unsigned long long)s.cpu.throttled_periods, (unsigned long long)s.cpu.periods,
	   (unsigned long long)s.cpu.total);
	vps_cgroup_stats_free(&s);
	kill(p, SIGKILL);
	waitpid(p, NULL, 0);
	done(cg);
}

static int try_open(void *arg)
{
	int fd = open(arg, O_RDONLY | O_NONBLOCK);
	if (fd >= 0)
		return 0;
	return errno == EPERM ? 1 : 2;
}

static int open_in(struct vps_cgroup *cg, const char *dev)
{
	int st = 0;
	pid_t p = spawn(cg, try_open, (void *)dev);
	waitpid(p, &st, 0);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void test_devices(void)
{
	vps_err err = {0};
	struct oci_device_rule rules[] = {{false, 'a', -1, -1, "rwm"}};
	struct oci_resources res = {.devices = rules, .n_devices = 1};
	struct vps_cgroup *cg = mk(&res, &err);
	ok(cg, "create with devices: deny all (+ defaults): %s", err.msg);
	if (!cg)
		return;
	is_int(open_in(cg, "/dev/null"), 0, "/dev/null (a default) opens");
	is_int(open_in(cg, "/dev/kmsg"), 1, "/dev/kmsg is denied (EPERM)");
	struct oci_device_rule more[] = {{false, 'a', -1, -1, "rwm"}, {true, 'c', 1, 11, "r"}};
	struct oci_resources upd = {.devices = more, .n_devices = 2};
	ok(vps_cgroup_apply(cg, &upd, &err) == 0, "update device rules: %s", err.msg);
	is_int(open_in(cg, "/dev/kmsg"), 0, "/dev/kmsg opens after allowing c 1:11 r");
	struct oci_device_rule bad[] = {{true, 'x', 1, 1, "r"}};
	struct oci_resources b = {.devices = bad, .n_devices = 1};
	ok(vps_cgroup_apply(cg, &b, &err) < 0 && strstr(err.msg, "devices[0]"),
	   "a bad rule is refused: %s", err.msg);
	done(cg);
}

static void test_io(void)
{
	vps_err err = {0};
	struct stat sb;
	if (stat("/dev/loop0", &sb) < 0 || !S_ISBLK(sb.st_mode)) {
		ok(1, "# SKIP no /dev/loop0 block device to throttle (modprobe loop)");
		return;
	}
	struct oci_throttle_device t = {major(sb.st_rdev), minor(sb.st_rdev), 1048576};
	struct oci_resources res = {.has_blockio = true};
	res.blockio.throttle_read_bps = &t;
	res.blockio.n_throttle_read_bps = 1;
	struct vps_cgroup *cg = mk(&res, &err);
	ok(cg, "create with a read throttle on loop0: %s", err.msg);
	if (!cg)
		return;
	struct cg_hier *h = cg_hier_for(cg, "blkio");
	if (!h)
		h = cg_hier_for(cg, "io");
	char *txt = NULL, want[64];
	snprintf(want, sizeof(want), h->v2 ? "%u:%u rbps=1048576 " : "%u:%u 1048576",
		 major(sb.st_rdev), minor(sb.st_rdev));
	ok(cg_read(h, h->v2 ? "io.max" : "blkio.throttle.read_bps_device", &txt, &err) == 0 &&
	       strstr(txt, want),
	   "the throttle file holds \"%s\"", want);
	free(txt);
	struct vps_cgroup_stats s;
	ok(vps_cgroup_stats(cg, &s, &err) == 0 && s.blkio.set, "blkio stats readable");
	vps_cgroup_stats_free(&s);
	done(cg);
}

static void test_unified_hugetlb(void)
{
	vps_err err = {0};
	struct oci_kv kv[] = {{"cgroup.max.depth", "5"}};
	struct oci_resources res = {.unified = kv, .n_unified = 1};
	enum vps_cgroup_layout lay = VPS_CG_V2;
	vps_cgroup_layout(&lay, &err);
	struct vps_cgroup *cg = mk(lay == VPS_CG_V1 ? NULL : &res, &err);
	ok(cg, "create: %s", err.msg);
	if (!cg)
		return;
	uint64_t v = 0;
	if (lay == VPS_CG_V1) {
		ok(vps_cgroup_apply(cg, &res, &err) < 0 && strstr(err.msg, "no cgroup v2"),
		   "pure v1: unified is a clear error: %s", err.msg);
	} else {
		ok(cg_read_u64(cg_hier_v2(cg), "cgroup.max.depth", &v, &err) == 0 && v == 5,
		   "unified cgroup.max.depth=5 reads 5");
		struct oci_kv bad[] = {{"../memory.max", "1"}};
		struct oci_resources b = {.unified = bad, .n_unified = 1};
		ok(vps_cgroup_apply(cg, &b, &err) < 0 && strstr(err.msg, "../memory.max"),
		   "a key with a path is refused: %s", err.msg);
		struct oci_kv miss[] = {{"nosuch.file", "1"}};
		b.unified = miss;
		ok(vps_cgroup_apply(cg, &b, &err) < 0 && strstr(err.msg, "does not exist"),
		   "a missing key is an error: %s", err.msg);
	}
	struct oci_hugepage_limit hl = {"2MB", 4 << 20};
	struct oci_resources hr = {.hugepage_limits = &hl, .n_hugepage_limits = 1};
	vps_err_clear(&err);
	int r = vps_cgroup_apply(cg, &hr, &err);
	struct cg_hier *h = cg_hier_for(cg, "hugetlb");
	if (!h)
		ok(r < 0 && strstr(err.msg, "hugetlb"), "no hugetlb: a clear error: %s", err.msg);
	else
		ok(r == 0 &&
		       cg_read_u64(h, h->v2 ? "hugetlb.2MB.max" : "hugetlb.2MB.limit_in_bytes", &v,
				   &err) == 0 &&
		       v == 4 << 20,
		   "hugetlb 2MB limit 4M applied (%s): %s", h->v2 ? "v2" : "v1", err.msg);
	done(cg);
}

static void test_net(void)
{
	vps_err err = {0};
	struct vps_cgroup *cg = mk(NULL, &err);
	ok(cg, "create: %s", err.msg);
	if (!cg)
		return;
	struct oci_net_priority prio = {"lo", 5};
	struct oci_resources res = {
	    .net_class_id = {true, 0x100001}, .net_priorities = &prio, .n_net_priorities = 1};
	int r = vps_cgroup_apply(cg, &res, &err);
	struct cg_hier *cls = cg_hier_for(cg, "net_cls"), *pri = cg_hier_for(cg, "net_prio");
	if (!cls || !pri) {
		ok(r < 0 && strstr(err.msg, "net_"),
		   "no net_cls/net_prio hierarchy: a clear error: %s", err.msg);
	} else {
		uint64_t v = 0;
		char *txt = NULL;
		ok(r == 0 && cg_read_u64(cls, "net_cls.classid", &v, &err) == 0 && v == 0x100001,
		   "net_cls.classid set: %s", err.msg);
		ok(cg_read(pri, "net_prio.ifpriomap", &txt, &err) == 0 && strstr(txt, "lo 5"),
		   "net_prio.ifpriomap has lo 5");
		free(txt);
	}
	done(cg);
}

static void test_relative(void)
{
	vps_err err = {0};
	char rel[64];
	snprintf(rel, sizeof(rel), "vps-test-rel-%d", (int)getpid());
	struct vps_cgroup *cg = NULL;
	ok(vps_cgroup_create(rel, "x", false, NULL, &cg, &err) == 0, "relative cgroupsPath: %s",
	   cg ? vps_cgroup_path(cg) : err.msg);
	if (!cg)
		return;
	struct vps_cgroup *again = NULL;
	ok(vps_cgroup_open(vps_cgroup_path(cg), &again, &err) == 0 && again->n == cg->n,
	   "reopened from the saved string");
	bool same = again != NULL;
	for (size_t i = 0; same && i < cg->n; i++)
		same = strcmp(cg->h[i].dir, again->h[i].dir) == 0;
	ok(same, "same directories after reopening");
	ok(again && vps_cgroup_destroy(again, &err) == 0, "destroy: %s", err.msg);
	struct stat sb;
	bool left = false;
	for (size_t i = 0; i < cg->n; i++)
		left = left || stat(cg->h[i].dir, &sb) == 0;
	ok(!left, "nothing left");
	vps_cgroup_free(again);
	vps_cgroup_free(cg);
}

int main(void)
{
	if (geteuid() != 0) {
		printf("1..0 # SKIP needs root to create cgroups\n");
		return 0;
	}
	setvbuf(stdout, NULL, _IONBF, 0);
	test_oom();
	test_pids();
	test_cpu();
	test_devices();
	test_io();
	test_unified_hugetlb();
	test_net();
	test_relative();
	/* the parent dirs made by mk() */
	struct vps_cgroup *p = NULL;
	vps_err err;
	char path[64];
	snprintf(path, sizeof(path), "/vps-test-cg-%d", (int)getpid());
	if (vps_cgroup_lookup(path, "t", false, &p, &err) == 0)
		vps_cgroup_destroy(p, &err);
	vps_cgroup_free(p);
	return done_testing();
}
