/* SPDX-License-Identifier: GPL-2.0-or-later */
/* runtime/vm/cpio.c: the newc archive the guest kernel unpacks, read back. */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "runtime/vm/cpio.h"
#include "tests/unit/tap.h"

static unsigned hex8(const char *p)
{
	char b[9];
	memcpy(b, p, 8);
	b[8] = '\0';
	return (unsigned)strtoul(b, NULL, 16);
}

struct ent {
	char name[64];
	unsigned mode, size, rmaj, rmin;
	const char *data;
};

/* Parse the entry at *off; returns 0 at the end or on a malformed header. */
static int next(const char *buf, size_t len, size_t *off, struct ent *e)
{
	const char *h = buf + *off;
	if (*off + 110 > len || memcmp(h, "070701", 6) != 0)
		return 0;
	e->mode = hex8(h + 14);
	e->size = hex8(h + 54);
	e->rmaj = hex8(h + 78);
	e->rmin = hex8(h + 86);
	unsigned namesize = hex8(h + 94);
	snprintf(e->name, sizeof(e->name), "%.*s", (int)namesize - 1, h + 110);
	size_t data = (*off + 110 + namesize + 3) & ~(size_t)3;
	e->data = buf + data;
	*off = (data + e->size + 3) & ~(size_t)3;
	return *off <= len;
}

int main(void)
{
	int fd = memfd_create("cpio", 0);
	struct vps_cpio c;
	vps_err err = {0};
	vps_cpio_init(&c, fd);
	ok(vps_cpio_dir(&c, "dev", 0755, &err) == 0, "dir");
	ok(vps_cpio_node(&c, "dev/console", S_IFCHR | 0600, 5, 1, &err) == 0, "char device");
	ok(vps_cpio_file(&c, "init", 0755, "abcde", 5, &err) == 0, "file");
	ok(vps_cpio_file(&c, "vps.conf", 0600, "arg=x\0", 6, &err) == 0, "second file");
	ok(vps_cpio_finish(&c, &err) == 0, "trailer");
	off_t len = lseek(fd, 0, SEEK_END);
	is_int(len % 4, 0, "archive length is 4-byte aligned");
	char *buf = mmap(NULL, (size_t)len, PROT_READ, MAP_PRIVATE, fd, 0);
	size_t off = 0;
	struct ent e;
	ok(next(buf, (size_t)len, &off, &e) && !strcmp(e.name, "dev") && S_ISDIR(e.mode) &&
	       (e.mode & 07777) == 0755,
	   "dev is a 0755 directory");
	ok(next(buf, (size_t)len, &off, &e) && !strcmp(e.name, "dev/console") && S_ISCHR(e.mode) &&
	       e.rmaj == 5 && e.rmin == 1,
	   "dev/console is char 5:1");
	ok(next(buf, (size_t)len, &off, &e) && !strcmp(e.name, "init") && S_ISREG(e.mode) &&
	       e.size == 5 && !memcmp(e.data, "abcde", 5),
	   "init holds its 5 bytes (then padding)");
	ok(next(buf, (size_t)len, &off, &e) && !strcmp(e.name, "vps.conf") && e.size == 6 &&
	       !memcmp(e.data, "arg=x\0", 6),
	   "vps.conf holds its records");
	ok(next(buf, (size_t)len, &off, &e) && !strcmp(e.name, "TRAILER!!!"),
	   "ends with the trailer");
	is_int((long long)off, (long long)len, "nothing after the trailer");
	int bad = open("/dev/null", O_RDONLY);
	ok(vps_cpio_copy_fd(&c, "x", 0644, bad, &err) < 0 && strstr(err.msg, "not a regular file"),
	   "copying a non-regular file is refused: %s", err.msg);
	return done_testing();
}
