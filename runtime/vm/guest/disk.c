/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A disk VM restored from its snapshot (runtime/vm/snapshot.c): the snapshot
 * was taken with the virtio-blk device on an empty placeholder, so the guest's
 * disk has size 0 (nothing read, nothing cached) while QEMU now serves the
 * VPS's own image. Rebinding the driver probes the device again: the disk
 * comes back with the image's size. A cold boot's disk is left alone. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "runtime/vm/guest/guest.h"
#include "util/fmt.h"
#include "util/io.h"

#define VIRTIO_BLK_DRV "/sys/bus/virtio/drivers/virtio_blk"

/* sectors of /sys/block/NAME/size; -1 while there is no such disk */
static long long disk_size(const char *name)
{
	char path[128], *s = NULL;
	size_t len;
	if (vps_snprintf(path, sizeof(path), "/sys/block/%s/size", name) < 0 ||
	    read_file(path, &s, &len) < 0)
		return -1;
	long long v = atoll(s);
	free(s);
	return v;
}

static int drv_write(const char *what, const char *dev)
{
	char path[128];
	/* fits: a short sysfs file name in 128 */
	vps_snprintf(path, sizeof(path), VIRTIO_BLK_DRV "/%s", what);
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	int r = fd < 0 ? -1 : (int)vps_write_all(fd, dev, strlen(dev));
	if (fd >= 0)
		close(fd);
	return r < 0 ? -1 : 0;
}

void disk_reprobe(const char *name)
{
	if (disk_size(name) != 0)
		return;
	char link[128], target[256];
	/* fits: a block device name (DISK_NAME_LEN 32) in 128 */
	vps_snprintf(link, sizeof(link), "/sys/block/%s/device", name);
	ssize_t n = readlink(link, target, sizeof(target) - 1);
	if (n <= 0) {
		glog("disk %s: its virtio device: %s", name, strerror(errno));
		return;
	}
	target[n] = '\0';
	const char *dev = strrchr(target, '/') ? strrchr(target, '/') + 1 : target;
	if (drv_write("unbind", dev) < 0 || drv_write("bind", dev) < 0) {
		glog("disk %s: rebind %s: %s", name, dev, strerror(errno));
		return;
	}
	for (int i = 0; i < 500 && disk_size(name) <= 0; i++) {
		struct timespec ts = {0, 10 * 1000000L};
		nanosleep(&ts, NULL);
	}
}
