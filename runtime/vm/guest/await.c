/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The generic guest's wait point: the initramfs holds only what every VM of one
 * machine shape shares (the modules), so the boot up to here is the same for
 * all of them and can be saved as a snapshot (runtime/vm/snapshot.c). Here the
 * guest answers PING with "config" until the host sends its configuration
 * (CONF; answered by init.c once the VM is set up), then mixes the host's fresh random bytes into
 * the kernel's RNG and reseeds it, so VMs restored from one snapshot never share random state,
 * and sets its clock to the host's.
 * Nothing random (boot_id, keys) may be generated before this point. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "runtime/vm/guest/guest.h"

/* linux/random.h (the guest builds with musl alone) */
#define G_RNDADDENTROPY _IOW('R', 0x03, int[2])
#define G_RNDRESEEDCRNG _IO('R', 0x07)
#define G_SEED_MAX	64

static int hexval(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	return -1;
}

/* Credit the host's bytes (getrandom on the host) and reseed the CRNG now. */
static void reseed(char *hex)
{
	struct {
		int entropy_count, buf_size;
		unsigned char buf[G_SEED_MAX];
	} e = {0};
	size_t n = 0;
	for (; n < G_SEED_MAX && hexval(hex[2 * n]) >= 0 && hexval(hex[2 * n + 1]) >= 0; n++)
		e.buf[n] = (unsigned char)(hexval(hex[2 * n]) << 4 | hexval(hex[2 * n + 1]));
	memset(hex, 'x', strlen(hex));
	e.buf_size = (int)n, e.entropy_count = (int)n * 8;
	int fd = open("/dev/urandom", O_RDWR | O_CLOEXEC);
	if (fd < 0 || ioctl(fd, G_RNDADDENTROPY, &e) < 0 || ioctl(fd, G_RNDRESEEDCRNG) < 0)
		glog("reseed the RNG: %s", strerror(errno));
	if (fd >= 0)
		close(fd);
	memset(&e, 0, sizeof(e));
}

/* The host's wall clock: a VM restored from a snapshot wakes with the
 * snapshot's time (its clock stood still meanwhile), a cold boot with the RTC's. */
static void set_clock(const char *v)
{
	char *end;
	struct timespec ts = {.tv_sec = (time_t)strtoll(v, &end, 10)};
	if (*end == '.')
		ts.tv_nsec = strtol(end + 1, &end, 10);
	if (*end || ts.tv_sec <= 0 || ts.tv_nsec < 0 || ts.tv_nsec > 999999999 ||
	    clock_settime(CLOCK_REALTIME, &ts) < 0)
		glog("set the clock to the host's %s: %s", v, *end ? "malformed" : strerror(errno));
}

void await_config(int ctl, struct gconf *c)
{
	bool live = true; /* false: no host client (HUP) until SIGIO says one came */
	ports_notify(ctl);
	for (;;) {
		struct pollfd p = {.fd = live ? ctl : -1, .events = POLLIN};
		int n = ports_poll(&p, 1, 1000);
		if (n <= 0 || !(p.revents & POLLIN)) {
			live = n <= 0; /* SIGIO or the fallback tick: look again */
			continue;
		}
		struct vps_vm_hdr h;
		char *m = NULL;
		if (recv_msg(ctl, &h, &m) != 1) {
			live = false;
			continue;
		}
		if (h.type == VPS_VM_PING) {
			send_to_host(ctl, VPS_VM_OK, "config", 6);
		} else if (h.type != VPS_VM_CONF) {
			send_to_host(ctl, VPS_VM_ERROR, "not configured yet", 18);
		} else if (gconf_parse(m, h.len, c) < 0) {
			send_to_host(ctl, VPS_VM_ERROR, "bad configuration", 17);
		} else {
			if (c->seed)
				reseed((char *)c->seed);
			if (c->time)
				set_clock(c->time);
			return; /* m stays: c points into it */
		}
		free(m);
	}
}
