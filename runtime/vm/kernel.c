/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Guest kernel discovery. In order: $VPS_VM_KERNEL (an ELF vmlinux), the small
 * kernel `make vm-kernel` installed ($CACHE/vmlinux), else the host's newest
 * Debian kernel: its vmlinuz's xz payload is the ELF vmlinux (PVH-bootable),
 * extracted once with liblzma into $CACHE/vmlinux-RELEASE; that kernel needs
 * its virtio/9p modules in the initramfs. $CACHE: $VPS_VM_CACHE or /var/cache/vps. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <lzma.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "runtime/vm/vm.h"
#include "util/cleanup.h"
#include "util/io.h"
#include "util/dl.h"
#include "util/fileio.h"
#include "util/fmt.h"

static void vps_closedirp(DIR **d)
{
	if (*d)
		closedir(*d);
}

const char *vps_vm_cache_dir(void)
{
	const char *c = getenv("VPS_VM_CACHE");
	return c && *c ? c : "/var/cache/vps";
}

static bool is_elf(const char *path)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
	char m[4];
	return fd >= 0 && read(fd, m, 4) == 4 && memcmp(m, "\177ELF", 4) == 0;
}

static int newest_debian(char *rel, size_t cap)
{
	_cleanup_(vps_closedirp) DIR *d = opendir("/boot");
	struct dirent *e;
	rel[0] = '\0';
	while (d && (e = readdir(d))) {
		if (strncmp(e->d_name, "vmlinuz-", 8) != 0)
			continue;
		const char *r = e->d_name + 8;
		char mod[PATH_MAX];
		if (vps_snprintf(mod, sizeof(mod), "/lib/modules/%s/kernel/fs/9p/9p.ko", r) >= 0 &&
		    access(mod, R_OK) == 0 && strverscmp(r, rel) > 0 && strlen(r) < cap)
			vps_snprintf(rel, cap, "%s", r); /* fits: checked: strlen(r) < cap */
	}
	return rel[0] ? 0 : -ENOENT;
}

/* liblzma, loaded only here (util/dl.h): linked in, its start-up code (CRC
 * function selection) would run on every vps start for this rare extraction. */
struct xz_api {
	__typeof__(lzma_stream_decoder) *stream_decoder;
	__typeof__(lzma_code) *code;
	__typeof__(lzma_end) *end;
};

static int xz_load(struct xz_api *a, vps_err *err)
{
	const struct vps_dl_sym syms[] = {
	    {(void **)&a->stream_decoder, "lzma_stream_decoder"},
	    {(void **)&a->code, "lzma_code"},
	    {(void **)&a->end, "lzma_end"},
	};
	return vps_dl_load("liblzma.so.5", syms, sizeof(syms) / sizeof(syms[0]),
			   "extract the kernel", err);
}

/* Decode the xz stream starting at the magic inside vmlinuz into out_fd. */
static int unxz(const uint8_t *in, size_t len, int out_fd, vps_err *err)
{
	static const uint8_t magic[6] = {0xfd, '7', 'z', 'X', 'Z', 0};
	const uint8_t *p = memmem(in, len, magic, sizeof(magic));
	if (!p)
		return vps_errorx(err, ENOEXEC,
				  "no xz payload (only xz-compressed kernels are supported)");
	struct xz_api x;
	int lr = xz_load(&x, err);
	if (lr < 0)
		return lr;
	lzma_stream s = LZMA_STREAM_INIT;
	if (x.stream_decoder(&s, UINT64_MAX, 0) != LZMA_OK)
		return vps_errorx(err, ENOMEM, "xz decoder");
	_cleanup_free_ uint8_t *buf = malloc(1 << 20);
	if (!buf) {
		x.end(&s);
		return vps_error(err, ENOMEM, "xz decoder");
	}
	s.next_in = p;
	s.avail_in = len - (size_t)(p - in);
	lzma_ret r = LZMA_OK;
	while (r == LZMA_OK) {
		s.next_out = buf;
		s.avail_out = 1 << 20;
		r = x.code(&s, LZMA_FINISH);
		size_t n = (1 << 20) - s.avail_out;
		int w = vps_write_all(out_fd, buf, n);
		if (w < 0) {
			x.end(&s);
			return vps_error(err, -w, "write vmlinux");
		}
	}
	x.end(&s);
	if (r != LZMA_STREAM_END)
		return vps_errorx(err, EIO, "xz payload is corrupt (lzma error %d)", (int)r);
	return 0;
}

static int extract(const char *vmlinuz, const char *out, vps_err *err)
{
	_cleanup_free_ char *img = NULL;
	size_t len = 0;
	int r = vps_read_file_at(AT_FDCWD, vmlinuz, 256u << 20, &img, &len, err);
	if (r < 0)
		return r;
	r = vps_mkdir_p(vps_vm_cache_dir(), 0755, err);
	if (r < 0)
		return r;
	char tmp[PATH_MAX + 16];
	if (vps_snprintf(tmp, sizeof(tmp), "%s.XXXXXX", out) < 0)
		return vps_errorx(err, ENAMETOOLONG, "%s: path too long", out);
	_cleanup_close_ int fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0)
		return vps_error(err, errno, "create %s", tmp);
	r = unxz((const uint8_t *)img, len, fd, err);
	if (r == 0 && (fchmod(fd, 0644) < 0 || fsync(fd) < 0 || rename(tmp, out) < 0))
		r = vps_error(err, errno, "install %s", out);
	if (r < 0)
		unlink(tmp);
	if (r == 0 && !is_elf(out))
		r = vps_errorx(err, ENOEXEC, "%s: the payload is not an ELF vmlinux", vmlinuz);
	return r < 0 ? vps_error_wrap(err, "extract vmlinux from %s", vmlinuz) : 0;
}

static void read_release(const char *path, char *rel, size_t cap)
{
	_cleanup_free_ char *s = NULL;
	if (vps_read_file_at(AT_FDCWD, path, 256, &s, NULL, NULL) == 0) {
		s[strcspn(s, "\n")] = '\0';
		if (vps_snprintf(rel, cap, "%s", s) >= 0)
			return;
	}
	vps_snprintf(rel, cap, "unknown"); /* fits: "unknown" */
}

int vps_vm_kernel_locate(struct vps_vm_kernel *k, vps_err *err)
{
	memset(k, 0, sizeof(*k));
	const char *env = getenv("VPS_VM_KERNEL");
	if (env && *env) {
		if (!is_elf(env))
			return vps_errorx(err, ENOEXEC, "VPS_VM_KERNEL=%s: not an ELF vmlinux",
					  env);
		if (vps_snprintf(k->path, sizeof(k->path), "%s", env) < 0)
			return vps_errorx(err, ENAMETOOLONG, "VPS_VM_KERNEL: path too long");
		vps_snprintf(k->kind, sizeof(k->kind), "custom");	 /* fits: "custom" in 16 */
		vps_snprintf(k->release, sizeof(k->release), "unknown"); /* fits: "unknown" */
		return 0;
	}
	char p[PATH_MAX + 32];
	const char *cache = vps_vm_cache_dir();
	if (vps_snprintf(p, sizeof(p), "%s/vmlinux.release", cache) < 0 ||
	    vps_snprintf(k->path, sizeof(k->path), "%s/vmlinux", cache) < 0)
		return vps_errorx(err, ENAMETOOLONG, "vm: kernel cache dir %s: path too long",
				  cache);
	if (is_elf(k->path)) {
		vps_snprintf(k->kind, sizeof(k->kind), "vps"); /* fits: "vps" in 16 */
		read_release(p, k->release, sizeof(k->release));
		return 0;
	}
	if (newest_debian(k->release, sizeof(k->release)) < 0)
		return vps_errorx(
		    err, ENOENT,
		    "no guest kernel: run `make vm-kernel`, or install linux-image-amd64 "
		    "(a /boot/vmlinuz-* with its modules)");
	vps_snprintf(k->kind, sizeof(k->kind), "debian"); /* fits: "debian" in 16 */
	if (vps_snprintf(k->moddir, sizeof(k->moddir), "/lib/modules/%s/kernel", k->release) < 0 ||
	    vps_snprintf(k->path, sizeof(k->path), "%s/vmlinux-%s", cache, k->release) < 0)
		return vps_errorx(err, ENAMETOOLONG, "vm: kernel %s under %s: path too long",
				  k->release, cache);
	return 0;
}

int vps_vm_kernel_find(struct vps_vm_kernel *k, vps_err *err)
{
	int r = vps_vm_kernel_locate(k, err);
	if (r < 0 || strcmp(k->kind, "debian") != 0)
		return r;
	char z[PATH_MAX];
	if ((r = vps_snprintf(z, sizeof(z), "/boot/vmlinuz-%s", k->release)) < 0)
		return vps_error(err, -r, "vm: kernel /boot/vmlinuz-%s", k->release);
	struct stat sz, sx;
	if (stat(k->path, &sx) == 0 && stat(z, &sz) == 0 && sx.st_mtime >= sz.st_mtime &&
	    is_elf(k->path))
		return 0;
	return extract(z, k->path, err);
}
