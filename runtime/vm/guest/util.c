/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Small I/O helpers of the guest init. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/io.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "runtime/vm/guest/guest.h"

/* Close every fd from `from` up: one close_range (Linux 5.9+; under TCG a
 * thousand close calls cost milliseconds), else one close each below 1024. */
void close_from(int from)
{
	if (syscall(SYS_close_range, (unsigned)from, ~0U, 0) == 0)
		return;
	for (int fd = from; fd < 1024; fd++)
		close(fd);
}

/* Write status to QEMU's isa-debug-exit port (0xf4), which ends QEMU at once:
 * with ioperm where the kernel has it, else through /dev/port (the small
 * kernel has no CONFIG_X86_IOPL_IOPERM; without either the caller powers off,
 * QEMU's slower orderly exit). Returns only when neither worked. */
void debug_exit(int status)
{
	unsigned char v = (unsigned char)(status & 0x7f);
	if (ioperm(0xf4, 1, 1) == 0)
		outb(v, 0xf4);
	int fd = open("/dev/port", O_WRONLY | O_CLOEXEC);
	if (fd >= 0) {
		ssize_t n = pwrite(fd, &v, 1, 0xf4);
		(void)n;
		close(fd);
	}
}

void glog(const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf, sizeof(buf) - 1, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if (n > (int)sizeof(buf) - 2)
		n = (int)sizeof(buf) - 2;
	buf[n++] = '\n';
	int fd = open("/dev/console", O_WRONLY | O_CLOEXEC | O_NOCTTY);
	if (fd >= 0) {
		write_all(fd, "vps-init: ", 10);
		write_all(fd, buf, (size_t)n);
		close(fd);
	}
}

void gmark(const struct gconf *c, const char *what)
{
	struct timespec ts;
	if (!c->debug || clock_gettime(CLOCK_MONOTONIC, &ts) < 0)
		return;
	glog("%lld.%03ld ms %s", (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000,
	     (ts.tv_nsec / 1000) % 1000, what);
}

/* POLLHUP without POLLOUT: no host client, or one the guest was not told of
 * yet (the port-open event comes on another queue than the client's first
 * bytes, and may be handled after them): looked at again every 10 ms. */
int send_to_host(int fd, uint32_t type, const void *data, size_t len)
{
	for (int tries = 0; tries < 100; tries++) {
		struct pollfd p = {.fd = fd, .events = POLLOUT};
		int n = poll(&p, 1, 1000);
		if (n == 1 && (p.revents & POLLOUT))
			return send_msg(fd, type, data, len);
		if (n == 0 || (n < 0 && errno != EINTR))
			return -1;
		poll(NULL, 0, 10);
	}
	return -1;
}

int read_file(const char *path, char **out, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	size_t cap = 4096, n = 0;
	char *buf = malloc(cap + 1);
	for (;;) {
		if (!buf)
			break;
		if (n == cap) {
			char *nb = cap < (64u << 20) ? realloc(buf, cap * 2 + 1) : NULL;
			if (!nb) {
				free(buf);
				buf = NULL;
				break;
			}
			buf = nb;
			cap *= 2;
		}
		ssize_t r = read(fd, buf + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		n += (size_t)r;
	}
	close(fd);
	if (!buf)
		return -1;
	buf[n] = '\0';
	*out = buf;
	*len = n;
	return 0;
}

int status_of(int ws)
{
	if ((ws & 0x7f) == 0)
		return (ws >> 8) & 0xff; /* exited */
	return 128 + (ws & 0x7f);
}
