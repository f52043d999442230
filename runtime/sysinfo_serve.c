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
#include "util/fmt.h"

int64_t vps_sysinfo_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

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

static void fill(struct sysinfo *si, struct vps_cgroup *cg, long offset)
{
	struct vps_cgroup_memview mv;
	sysinfo(si); /* the host's; this process is not under the filter */
	unsigned long unit = si->mem_unit ? si->mem_unit : 1;
	unsigned long ram = si->totalram * unit, swap = si->totalswap * unit;
	if (vps_cgroup_memview(cg, &mv) == 0) {
		if (mv.limit != UINT64_MAX) {
			si->totalram = clamp(mv.limit, ram);
			si->freeram = mv.usage < si->totalram ? si->totalram - mv.usage : 0;
			si->sharedram = si->bufferram = 0;
		} else {
			si->totalram = ram;
			si->freeram *= unit;
			si->sharedram *= unit;
			si->bufferram *= unit;
		}
		if (mv.swap_limit != UINT64_MAX) {
			si->totalswap = clamp(mv.swap_limit, swap);
			si->freeswap =
			    mv.swap_usage < si->totalswap ? si->totalswap - mv.swap_usage : 0;
		} else {
			si->totalswap = swap;
			si->freeswap *= unit;
		}
		if (mv.tasks)
			si->procs = mv.tasks > 0xffff ? 0xffff : (unsigned short)mv.tasks;
		si->totalhigh = si->freehigh = 0;
		si->mem_unit = 1;
	}
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
		   struct vps_cgroup *cg, long offset)
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

_Noreturn void vps_sysinfo_serve(int fd, struct vps_cgroup *cg, pid_t init,
				 struct vps_si_shared *sh)
{
	struct seccomp_notif_sizes sz;
	if (syscall(SYS_seccomp, SECCOMP_GET_NOTIF_SIZES, 0, &sz) < 0)
		_exit(2);
	/* the kernel's structs may be larger than our headers' */
	struct seccomp_notif *req =
	    calloc(1, sz.seccomp_notif > sizeof(*req) ? sz.seccomp_notif : sizeof(*req));
	struct seccomp_notif_resp *resp = calloc(
	    1, sz.seccomp_notif_resp > sizeof(*resp) ? sz.seccomp_notif_resp : sizeof(*resp));
	if (!req || !resp)
		_exit(2);
	long offset = boottime_offset(init);
	for (;;) {
		struct pollfd p = {fd, POLLIN, 0};
		if (poll(&p, 1, -1) < 0) {
			if (errno == EINTR)
				continue;
			_exit(2);
		}
		if (!(p.revents & POLLIN) && (p.revents & (POLLHUP | POLLERR | POLLNVAL)))
			_exit(0); /* no task uses the filter any more */
		memset(req, 0, sz.seccomp_notif > sizeof(*req) ? sz.seccomp_notif : sizeof(*req));
		if (ioctl(fd, SECCOMP_IOCTL_NOTIF_RECV, req) < 0) {
			if (errno == EINTR || errno == ENOENT)
				continue; /* the caller went away before we took it */
			_exit(2);
		}
		sh->id = req->id;
		__atomic_store_n(&sh->since_ms, vps_sysinfo_now_ms(), __ATOMIC_SEQ_CST);
		answer(fd, req, resp, cg, offset);
		__atomic_store_n(&sh->since_ms, 0, __ATOMIC_SEQ_CST);
	}
}
