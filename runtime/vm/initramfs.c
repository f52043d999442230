/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The guest's initramfs, written into the container's state dir: our static
 * init (embedded in vps), /vps.conf, and for a Debian kernel the virtio, 9p
 * and virtio_console modules in dependency order (NOTES: virtio_ring ... 9p,
 * virtio_console). Nothing is read from or written into the bundle. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "runtime/vm/cpio.h"
#include "runtime/vm/vm.h"
#include "util/cleanup.h"
#include "util/fmt.h"

static const char *const debian_modules[] = {
    "drivers/virtio/virtio_ring.ko",
    "drivers/virtio/virtio.ko",
    "drivers/virtio/virtio_pci_legacy_dev.ko",
    "drivers/virtio/virtio_pci_modern_dev.ko",
    "drivers/virtio/virtio_pci.ko",
    "drivers/virtio/virtio_mmio.ko",
    "net/9p/9pnet.ko",
    "net/9p/9pnet_virtio.ko",
    "fs/netfs/netfs.ko",
    "fs/fscache/fscache.ko",
    "fs/9p/9p.ko",
    "drivers/char/virtio_console.ko",
    /* a disk VPS's root (virtio-blk, ext4): loaded only then */
    "drivers/block/virtio_blk.ko",
    "lib/crc16.ko",
    "crypto/crc32c_generic.ko",
    "fs/mbcache.ko",
    "fs/jbd2/jbd2.ko",
    "fs/ext4/ext4.ko",
};
#define DISK_MODULES 6

const char *const *vps_vm_modules(const struct vps_vm_kernel *k, bool disk, size_t *n)
{
	*n = !k->moddir[0] ? 0 : ARRAY_SIZE(debian_modules) - (disk ? 0 : DISK_MODULES);
	return debian_modules;
}

static int add_modules(struct vps_cpio *c, const struct vps_vm_kernel *k, bool disk, vps_err *err)
{
	size_t n;
	const char *const *mods = vps_vm_modules(k, disk, &n);
	int r = n ? vps_cpio_dir(c, "modules", 0755, err) : 0;
	for (size_t i = 0; r == 0 && i < n; i++) {
		char src[PATH_MAX + 128], dst[128];
		if (vps_snprintf(src, sizeof(src), "%s/%s", k->moddir, mods[i]) < 0 ||
		    vps_snprintf(dst, sizeof(dst), "modules/%s", strrchr(mods[i], '/') + 1) < 0)
			return vps_errorx(err, ENAMETOOLONG,
					  "vm: guest kernel module %s: name too long", mods[i]);
		_cleanup_close_ int fd = open(src, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return vps_error(err, errno, "vm: guest kernel module %s", src);
		r = vps_cpio_copy_fd(c, dst, 0644, fd, err);
	}
	return r;
}

int vps_vm_initramfs(int dirfd, const struct vps_vm_kernel *k, bool disk, const char *conf,
		     size_t conf_len, vps_err *err)
{
	_cleanup_close_ int fd = openat(
	    dirfd, "vm-initramfs", O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return vps_error(err, errno, "vm: create initramfs");
	struct vps_cpio c;
	vps_cpio_init(&c, fd);
	size_t init_len = (size_t)(vps_vm_guest_init_end - vps_vm_guest_init);
	static const char *const dirs[] = {"dev", "proc", "sys", "newroot"};
	int r = 0;
	for (size_t i = 0; r == 0 && i < ARRAY_SIZE(dirs); i++)
		r = vps_cpio_dir(&c, dirs[i], 0755, err);
	if (r == 0)
		r = vps_cpio_node(&c, "dev/console", S_IFCHR | 0600, 5, 1, err);
	if (r == 0)
		r = vps_cpio_file(&c, "init", 0755, vps_vm_guest_init, init_len, err);
	if (r == 0)
		r = vps_cpio_file(&c, "vps.conf", 0600, conf, conf_len, err);
	if (r == 0)
		r = add_modules(&c, k, disk, err);
	if (r == 0)
		r = vps_cpio_finish(&c, err);
	return r;
}
