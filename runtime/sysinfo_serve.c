/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The sysinfo server (sysinfo.h): a process of the monitor's that answers
 * the VPS's sysinfo(2) calls from its cgroup. For each notification:
 *   - the answer is the kernel's own for the host (loads), with the memory
 *     the VPS's limit and use (totalram = memory limit, freeram = limit -
 *     use, as lxcfs's MemFree), swap its swap limit and use, uptime the
 *     init's CLOCK_BOOTTIME (its time namespace's offset applied) and procs
 *     its cgroup's task count; without a limit, the host's values;
 *   - the caller's memory is opened (/proc/TID/mem) before the notification
 *     is checked to be still valid (SECCOMP_IOCTL_NOTIF_ID_VALID), so the fd
 *     is the caller's even if the caller died since and its tid was reused
 *     (process_vm_writev by pid cannot say that; pid_max may be small);
 *   - a bad pointer gets EFAULT, as from the kernel: the range must be mapped
 *     and readable by the caller (process_vm_readv) before it is written
 *     (/proc/PID/mem writes even PROT_NONE and read-only private pages, as a
 *     debugger does; a read-only page is written, a copy of the caller's own);
 *     a caller gone meanwhile (killed thread) makes the answer fail with
 *     ENOENT, which is ignored.
 * The server may block in the caller's memory (a userfaultfd or FUSE-backed
 * page): that is why it is not the monitor; the monitor kills it when one
 * answer takes too long (mon_sysinfo.c). */
#include <errno.h>
#include <fcntl.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/sysinfo.h>
#include <time.h>
#include <unistd.h>

#include "cgroups/cgroup.h"
#include "runtime/sysinfo.h"
#include "util/cleanup.h"
#include "util/clock.h"
#include "util/fmt.h"

/* The init's CLOCK_BOOTTIME offset (seconds; 0 without a time namespace). */
static long boottime_offset(pid_t init)
{
	char path[64], line[128];
	long off = 0;
	if (vps_snprintf(path, sizeof(path), "/proc/%d/timens_offsets", (int)init) < 0)
		return 0;
	FILE *f = fopen(path, "re");
	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "boottime %ld", &off) == 1 || sscanf(line, "7 %ld", &off) == 1)
			break;
	if (f)
		fclose(f);
	return off;
}

static unsigned long clamp(uint64_t v, unsigned long host)
{
	return v == UINT64_MAX || v > host ? host : (unsigned long)v;
}

/* limit and use into *total and *free (bytes); without a limit the host's
 * (host_free in units of unit) */
static void part(unsigned long *total, unsigned long *free, uint64_t limit, uint64_t use,
		 unsigned long host, unsigned long unit)
{
	if (limit == UINT64_MAX) {
		*total = host;
		*free *= unit;
		return;
	}
	*total = clamp(limit, host);
	*free = use < *total ? *total - use : 0;
}

static void fill(struct sysinfo *si, const struct vps_cgroup_memfds *cg, long offset)
{
	struct vps_cgroup_memview mv;
	sysinfo(si); /* the host's; this process is not under the filter */
	unsigned long unit = si->mem_unit ? si->mem_unit : 1;
	vps_cgroup_memview_read(cg, &mv);
	part(&si->totalram, &si->freeram, mv.limit, mv.usage, si->totalram * unit, unit);
	part(&si->totalswap, &si->freeswap, mv.swap_limit, mv.swap_usage, si->totalswap * unit,
	     unit);
	/* the host's page cache and shared memory are not the VPS's */
	si->sharedram = mv.limit == UINT64_MAX ? si->sharedram * unit : 0;
	si->bufferram = mv.limit == UINT64_MAX ? si->bufferram * unit : 0;
	if (mv.tasks)
		si->procs = mv.tasks > 0xffff ? 0xffff : (unsigned short)mv.tasks;
	si->totalhigh = si->freehigh = 0;
	si->mem_unit = 1;
	struct timespec ts;
	clock_gettime(CLOCK_BOOTTIME, &ts);
	long up = ts.tv_sec + offset;
	si->uptime = up > 0 ? up : 0;
}

/* Write the answer into the caller; 0 or -errno for the caller. -ENOENT: the
 * notification is no longer valid (nothing to answer). */
static int deliver(int fd, const struct seccomp_notif *req, const struct sysinfo *si)
{
	char path[64];
	if (vps_snprintf(path, sizeof(path), "/proc/%u/mem", req->pid) < 0)
		return -ENOENT;
	int mem = open(path, O_WRONLY | O_CLOEXEC);
	uint64_t id = req->id;
	if (ioctl(fd, SECCOMP_IOCTL_NOTIF_ID_VALID, &id) < 0) {
		if (mem >= 0)
			close(mem);
		return -ENOENT;
	}
	if (mem < 0)
		return -EFAULT;
	ssize_t w = -1;
	struct sysinfo old;
	struct iovec l = {&old, sizeof(old)},
		     r = {(void *)(uintptr_t)req->data.args[0], sizeof(old)};
	if (req->data.args[0] <= (uint64_t)INT64_MAX - sizeof(*si) &&
	    process_vm_readv((pid_t)req->pid, &l, 1, &r, 1, 0) == (ssize_t)sizeof(old))
		w = pwrite(mem, si, sizeof(*si), (off_t)req->data.args[0]);
	close(mem);
	return w == (ssize_t)sizeof(*si) ? 0 : -EFAULT;
}

static void answer(int fd, const struct seccomp_notif *req, struct seccomp_notif_resp *resp,
		   const struct vps_cgroup_memfds *cg, long offset)
{
	struct sysinfo si;
	memset(&si, 0, sizeof(si));
	resp->id = req->id;
	resp->val = 0;
	resp->flags = 0;
	if (req->data.nr != __NR_sysinfo) {
		resp->error = -ENOSYS; /* not ours: the filter sends nothing else */
	} else {
		fill(&si, cg, offset);
		resp->error = deliver(fd, req, &si);
		if (resp->error == -ENOENT)
			return;
	}
	ioctl(fd, SECCOMP_IOCTL_NOTIF_SEND, resp); /* ENOENT: the caller is gone */
}

#ifndef SECCOMP_IOCTL_NOTIF_SET_FLAGS /* Linux 6.6 */
#define SECCOMP_IOCTL_NOTIF_SET_FLAGS SECCOMP_IOW(4, __u64)
#endif
#define SYNC_WAKE_UP 1ULL /* SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP */

/* The caller waits for us and we for it: hand the CPU over directly (Linux
 * 6.6; older kernels refuse the flag, which only costs speed). */
static int sync_wake_up(int fd)
{
	ioctl(fd, SECCOMP_IOCTL_NOTIF_SET_FLAGS, SYNC_WAKE_UP);
	return fd;
}

/* Take one notification from fd and answer it. */
static void serve_one(int fd, struct seccomp_notif *req, size_t reqsz,
		      struct seccomp_notif_resp *resp, const struct vps_cgroup_memfds *cg,
		      long offset, struct vps_si_shared *sh)
{
	memset(req, 0, reqsz);
	if (ioctl(fd, SECCOMP_IOCTL_NOTIF_RECV, req) < 0)
		return; /* ENOENT: the caller went away before we took it */
	sh->id = req->id;
	__atomic_store_n(&sh->since_ms, vps_now_ms(), __ATOMIC_SEQ_CST);
	answer(fd, req, resp, cg, offset);
	__atomic_store_n(&sh->since_ms, 0, __ATOMIC_SEQ_CST);
}

static void *alloc_at_least(size_t kernel, size_t ours)
{
	return calloc(1, kernel > ours ? kernel : ours);
}

_Noreturn void vps_sysinfo_serve(int fd, int lsock, struct vps_cgroup *cg, pid_t init,
				 struct vps_si_shared *sh)
{
	struct seccomp_notif_sizes sz;
	if (syscall(SYS_seccomp, SECCOMP_GET_NOTIF_SIZES, 0, &sz) < 0)
		_exit(2);
	/* the kernel's structs may be larger than our headers' */
	size_t reqsz = sz.seccomp_notif > sizeof(struct seccomp_notif)
			   ? sz.seccomp_notif
			   : sizeof(struct seccomp_notif);
	struct seccomp_notif *req = alloc_at_least(reqsz, 0);
	struct seccomp_notif_resp *resp =
	    alloc_at_least(sz.seccomp_notif_resp, sizeof(struct seccomp_notif_resp));
	if (!req || !resp)
		_exit(2);
	long offset = boottime_offset(init);
	struct vps_cgroup_memfds cgf;
	vps_cgroup_memview_open(cg, &cgf); /* without: the host's values */
	/* [0] lsock, [1] the init's listener, then exec'd processes' */
	struct pollfd p[2 + VPS_SYSINFO_EXEC_MAX] = {{lsock, POLLIN, 0},
						     {sync_wake_up(fd), POLLIN, 0}};
	nfds_t n = 2;
	for (;;) {
		if (poll(p, n, -1) < 0) {
			if (errno == EINTR)
				continue;
			_exit(2);
		}
		if (p[0].revents & POLLIN) {
			int x = vps_sysinfo_accept(lsock);
			if (x >= 0 && n < ARRAY_SIZE(p))
				p[n++] = (struct pollfd){sync_wake_up(x), POLLIN, 0};
			else if (x >= 0)
				close(x); /* too many: its sysinfo fails with ENOSYS */
		}
		for (nfds_t i = 1; i < n; i++) {
			if (p[i].revents & POLLIN)
				serve_one(p[i].fd, req, reqsz, resp, &cgf, offset, sh);
			else if (p[i].revents & (POLLHUP | POLLERR | POLLNVAL)) {
				if (i == 1)
					_exit(0); /* no task uses the init's filter any more */
				close(p[i].fd);	  /* an exec'd process and its children ended */
				p[i--] = p[--n];
			}
		}
	}
}
