/* SPDX-License-Identifier: GPL-2.0-or-later */
/* util/cleanup.h: the helpers release what the variable holds and reset it
 * (as LXC's __do_close/__do_free do), keep errno, and take_* move ownership. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>

#include "tests/unit/tap.h"
#include "util/cleanup.h"

static int open_null(void)
{
	return open("/dev/null", O_RDONLY | O_CLOEXEC);
}

static void test_close(void)
{
	int fd = open_null(), probe = fd;
	errno = ENOENT;
	vps_closep(&fd);
	is_int(fd, -1, "vps_closep resets the variable to -1");
	is_int(errno, ENOENT, "vps_closep keeps errno");
	ok(fcntl(probe, F_GETFD) < 0 && errno == EBADF, "vps_closep closed the fd");
	vps_closep(&fd);
	is_int(fd, -1, "a second vps_closep is harmless");
	{
		_cleanup_close_ int scoped = open_null();
		probe = scoped;
	}
	ok(fcntl(probe, F_GETFD) < 0 && errno == EBADF, "_cleanup_close_ closes at scope exit");
	{
		_cleanup_close_ int early = open_null();
		probe = early;
		vps_closep(&early);	  /* released by hand: the scope's cleanup sees -1 */
		int reused = open_null(); /* the kernel hands the same number out again */
		is_int(reused, probe, "the number is reused after an early close");
		ok(early == -1, "the early-closed variable is -1");
		probe = reused;
	}
	ok(fcntl(probe, F_GETFD) >= 0, "the scope's cleanup did not close the reused number");
	close(probe);
}

static void test_free(void)
{
	char *p = strdup("x");
	vps_freep(&p);
	ok(p == NULL, "vps_freep resets the pointer to NULL");
	vps_freep(&p);
	ok(p == NULL, "a second vps_freep is harmless");
	FILE *f = fopen("/dev/null", "r");
	errno = EPERM;
	vps_fclosep(&f);
	ok(f == NULL, "vps_fclosep resets the FILE * to NULL");
	is_int(errno, EPERM, "vps_fclosep keeps errno");
	char **v = calloc(3, sizeof(*v));
	v[0] = strdup("a"), v[1] = strdup("b");
	vps_strv_freep(&v);
	ok(v == NULL, "vps_strv_freep resets the vector to NULL");
}

static void test_take(void)
{
	_cleanup_close_ int fd = open_null();
	int kept = take_fd(fd);
	is_int(fd, -1, "take_fd leaves -1 behind");
	ok(fcntl(kept, F_GETFD) >= 0, "the taken fd is open");
	close(kept);
	_cleanup_free_ char *p = strdup("y");
	char *q = take_ptr(p);
	ok(p == NULL && q && *q == 'y', "take_ptr leaves NULL behind");
	free(q);
}

int main(void)
{
	test_close();
	test_free();
	test_take();
	return done_testing();
}
