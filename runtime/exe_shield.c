/* SPDX-License-Identifier: GPL-2.0-or-later */
/* CVE-2019-5736 with CAP_SYS_PTRACE: the processes vps clones into a container
 * (the init until `start`, exec's child until its execve) run the vps image,
 * and a container process that may ptrace them (non-dumpable does not stop
 * CAP_SYS_PTRACE) can hold /proc/PID/exe open and rewrite the host's vps file
 * once vps exits. Before cloning, vps takes every mapping of its own file off
 * the host's mount: the pages nobody wrote (text, rodata) are mapped again,
 * same offsets, from a private read-only bind of the binary (runc 1.2 protects
 * its binary with a read-only bind too, then re-execs it; vps does not need
 * to), the written ones (relro, data) move to anonymous memory with the same
 * bytes. Then (the kernel allows it once the old path is unmapped) the exe
 * link is pointed at an empty, sealed memfd. Children inherit all of it: no
 * /proc/PID/exe leads to the binary, and map_files only to the read-only
 * bind (EROFS). Without the bind (no CAP_SYS_ADMIN), everything is copied.
 * Costs in bench/RESULTS.md. */
#include <errno.h>
#include <fcntl.h>
#include <link.h>
#include <linux/prctl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "runtime/internal.h"
#include "util/cleanup.h"
#include "util/fileio.h"
#include "util/fmt.h"

#ifndef MFD_EXEC
#define MFD_EXEC 0x0010U
#endif

struct region {
	unsigned long start, end, offset;
	int prot;
};
#define MAX_REGIONS 16

/* Page ranges of the main program the loader never writes: PT_LOAD without
 * PF_W, minus pages shared with a writable or RELRO segment. */
struct pristine {
	unsigned long ro[MAX_REGIONS][2], rw[MAX_REGIONS][2];
	size_t n_ro, n_rw;
};

static int textrel(void)
{
	for (const ElfW(Dyn) *d = _DYNAMIC; d && d->d_tag != DT_NULL; d++)
		if (d->d_tag == DT_TEXTREL ||
		    (d->d_tag == DT_FLAGS && (d->d_un.d_val & DF_TEXTREL)))
			return 1;
	return 0;
}

static int main_phdrs(struct dl_phdr_info *info, size_t size, void *data)
{
	(void)size;
	struct pristine *p = data;
	unsigned long pg = (unsigned long)getpagesize();
	for (int i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *h = &info->dlpi_phdr[i];
		if (h->p_type != PT_LOAD && h->p_type != PT_GNU_RELRO)
			continue;
		bool written = h->p_type == PT_GNU_RELRO || (h->p_flags & PF_W);
		unsigned long *r = written ? (p->n_rw < MAX_REGIONS ? p->rw[p->n_rw++] : NULL)
					   : (p->n_ro < MAX_REGIONS ? p->ro[p->n_ro++] : NULL);
		if (!r)
			return 1;
		unsigned long a = info->dlpi_addr + h->p_vaddr;
		r[0] = a & ~(pg - 1);
		r[1] = (a + h->p_memsz + pg - 1) & ~(pg - 1);
	}
	return 1; /* the first object is the main program: stop */
}

static bool is_pristine(const struct pristine *p, const struct region *g)
{
	bool in = false;
	for (size_t i = 0; i < p->n_ro; i++)
		in |= g->start >= p->ro[i][0] && g->end <= p->ro[i][1];
	for (size_t i = 0; i < p->n_rw; i++)
		if (g->start < p->rw[i][1] && g->end > p->rw[i][0])
			return false;
	return in;
}

/* The binary through a private, detached, read-only bind of it. */
static int ro_binary(void)
{
	_cleanup_close_ int tree =
	    open_tree(AT_FDCWD, "/proc/self/exe", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
	if (tree < 0)
		return -errno;
	struct mount_attr a = {.attr_set =
				   MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV};
	if (mount_setattr(tree, "", AT_EMPTY_PATH, &a, sizeof(a)) < 0)
		return -errno;
	struct vps_fdpath p;
	int fd = open(vps_fdpath(&p, tree), O_RDONLY | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

/* An empty memfd, sealed against any change, open read-only (the kernel denies
 * an exe link to a file open for writing). */
static int sealed_empty_fd(vps_err *err)
{
	_cleanup_close_ int mfd = memfd_create("vps", MFD_CLOEXEC | MFD_ALLOW_SEALING | MFD_EXEC);
	if (mfd < 0 && errno == EINVAL) /* before Linux 6.3 */
		mfd = memfd_create("vps", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (mfd < 0)
		return vps_error(err, errno, "exe shield: memfd_create");
	int seals = F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE;
	if (fcntl(mfd, F_ADD_SEALS, seals) < 0)
		return vps_error(err, errno, "exe shield: seal the memfd");
	struct vps_fdpath p;
	int ro = open(vps_fdpath(&p, mfd), O_RDONLY | O_CLOEXEC);
	if (ro < 0)
		return vps_error(err, errno, "exe shield: reopen the memfd read-only");
	return ro;
}

/* The mappings of the running binary (dev and inode of /proc/self/exe). */
static int exe_regions(struct region *reg, size_t *n, vps_err *err)
{
	struct stat ex;
	if (stat("/proc/self/exe", &ex) < 0)
		return vps_error(err, errno, "exe shield: stat /proc/self/exe");
	_cleanup_free_ char *maps = NULL;
	size_t len;
	int r = vps_read_file_at(AT_FDCWD, "/proc/self/maps", 1 << 20, &maps, &len, err);
	if (r < 0)
		return vps_error_wrap(err, "exe shield");
	*n = 0;
	for (char *l = maps, *nl; l && *l; l = nl) {
		if ((nl = strchr(l, '\n')))
			*nl++ = '\0';
		unsigned long s, e, off, ino;
		unsigned maj, min;
		char perm[5];
		if (sscanf(l, "%lx-%lx %4s %lx %x:%x %lu", &s, &e, perm, &off, &maj, &min, &ino) !=
			7 ||
		    ino != ex.st_ino || makedev(maj, min) != ex.st_dev)
			continue;
		if (*n == MAX_REGIONS)
			return vps_errorx(err, E2BIG, "exe shield: more than %d mappings of vps",
					  MAX_REGIONS);
		reg[*n] = (struct region){s, e, off,
					  (perm[0] == 'r' ? PROT_READ : 0) |
					      (perm[1] == 'w' ? PROT_WRITE : 0) |
					      (perm[2] == 'x' ? PROT_EXEC : 0)};
		(*n)++;
	}
	return 0;
}

/* memcpy of a whole mapping of our own image: it spans many globals, which
 * AddressSanitizer would report as overflows (its memcpy interceptor checks
 * ranges whatever the caller), so the copy is a plain word loop it does not
 * instrument; volatile keeps the compiler from turning it into memcpy. */
__attribute__((no_sanitize_address)) static void copy_pages(void *dst, const void *src, size_t len)
{
	volatile unsigned long *d = dst;
	const volatile unsigned long *s = src;
	for (size_t i = 0; i < len / sizeof(*d); i++)
		d[i] = s[i];
}

/* Replace the file mapping by anonymous memory holding the same bytes, at the
 * same address. The code running this may live in the region: mremap swaps
 * the pages atomically and the copy is identical. */
static int move_to_anon(const struct region *g, vps_err *err)
{
	size_t len = g->end - g->start;
	void *a = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	if (a == MAP_FAILED)
		return vps_error(err, errno, "exe shield: mmap %zu bytes", len);
	if (!(g->prot & PROT_READ) && mprotect((void *)g->start, len, PROT_READ) < 0)
		return vps_error(err, errno, "exe shield: make a mapping readable");
	copy_pages(a, (void *)g->start, len); /* len: whole pages */
	if (mprotect(a, len, g->prot) < 0 ||
	    mremap(a, len, len, MREMAP_MAYMOVE | MREMAP_FIXED, (void *)g->start) == MAP_FAILED) {
		int e = errno;
		munmap(a, len);
		return vps_error(err, e, "exe shield: move a mapping of vps to memory");
	}
	return 0;
}

/* PR_SET_MM_MAP with the current layout (from /proc/self/stat) and exe_fd:
 * unlike PR_SET_MM_EXE_FILE it needs CAP_SYS_ADMIN or CAP_CHECKPOINT_RESTORE,
 * not CAP_SYS_RESOURCE (which some hosts withhold). */
static int set_exe(int fd, vps_err *err)
{
	_cleanup_free_ char *stat = NULL;
	size_t len;
	if (vps_read_file_at(AT_FDCWD, "/proc/self/stat", 4096, &stat, &len, err) < 0)
		return vps_error_wrap(err, "exe shield");
	char *p = strrchr(stat, ')');
	unsigned long long f[53] = {0};
	int k = 3; /* fields counted from 1; p + 2 starts field 3 */
	for (p = p ? p + 2 : NULL; p && *p && k < 53; k++) {
		f[k] = strtoull(p, NULL, 10); /* 0 for field 3, the state letter */
		if ((p = strchr(p, ' ')))
			p++;
	}
	if (k < 53)
		return vps_errorx(err, EPROTO, "exe shield: short /proc/self/stat");
	struct prctl_mm_map m = {.start_code = f[26],
				 .end_code = f[27],
				 .start_stack = f[28],
				 .start_data = f[45],
				 .end_data = f[46],
				 .start_brk = f[47],
				 .brk = (uint64_t)syscall(SYS_brk, 0),
				 .arg_start = f[48],
				 .arg_end = f[49],
				 .env_start = f[50],
				 .env_end = f[51],
				 .exe_fd = (uint32_t)fd};
	if (prctl(PR_SET_MM, PR_SET_MM_MAP, &m, sizeof(m), 0) < 0)
		return vps_error(err, errno, "exe shield: point /proc/self/exe at a sealed memfd");
	return 0;
}

/* Map the same file pages again from the read-only bind, in place. */
static int move_to_ro(const struct region *g, int ro, vps_err *err)
{
	if (mmap((void *)g->start, g->end - g->start, g->prot, MAP_PRIVATE | MAP_FIXED, ro,
		 (off_t)g->offset) == MAP_FAILED)
		return vps_error(err, errno, "exe shield: map vps read-only");
	return 0;
}

int vps_exe_shield(vps_err *err)
{
	struct region reg[MAX_REGIONS];
	size_t n = 0;
	int r = exe_regions(reg, &n, err);
	if (r < 0 || n == 0) /* n == 0: done already (exe is the memfd) */
		return r;
	_cleanup_close_ int fd = sealed_empty_fd(err);
	if (fd < 0)
		return fd;
	struct pristine p = {0};
	_cleanup_close_ int ro = textrel() ? -1 : ro_binary();
	if (ro >= 0)
		dl_iterate_phdr(main_phdrs, &p);
	for (size_t i = 0; i < n; i++) {
		if (ro >= 0 && is_pristine(&p, &reg[i]))
			r = move_to_ro(&reg[i], ro, err);
		else
			r = move_to_anon(&reg[i], err);
		if (r < 0)
			return r;
	}
	r = set_exe(fd, err);
	if (r == -EPERM && geteuid() != 0) {
		/* rootless: the container cannot write a file the caller may
		 * not write either */
		vps_err_clear(err);
		return 0;
	}
	return r;
}
