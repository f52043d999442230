/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Scope-bound cleanup (GCC/clang cleanup attribute) and explicit ownership moves. */
#pragma once
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

/* Each helper releases what the variable holds and resets the variable (NULL, -1),
 * so it can also be called by hand to release early: the scope's cleanup then
 * finds nothing left to release. errno is kept across close and fclose. */
static inline void vps_freep(void *p)
{
	free(*(void **)p);
	*(void **)p = NULL;
}
static inline void vps_closep(int *fd)
{
	if (*fd >= 0) {
		int saved = errno;
		close(*fd);
		errno = saved;
	}
	*fd = -1;
}
static inline void vps_fclosep(FILE **f)
{
	if (*f) {
		int saved = errno;
		fclose(*f);
		errno = saved;
	}
	*f = NULL;
}
static inline void vps_strv_free(char **v)
{
	if (!v)
		return;
	for (char **p = v; *p; p++)
		free(*p);
	free(v);
}
static inline void vps_strv_freep(char ***v)
{
	vps_strv_free(*v);
	*v = NULL;
}

#define _cleanup_(f)	 __attribute__((cleanup(f)))
#define _cleanup_free_	 _cleanup_(vps_freep)
#define _cleanup_close_	 _cleanup_(vps_closep)
#define _cleanup_fclose_ _cleanup_(vps_fclosep)
#define _cleanup_strv_	 _cleanup_(vps_strv_freep)

/* Move ownership out of a cleanup variable. */
static inline int vps_take_fd(int *fd)
{
	int r = *fd;
	*fd = -1;
	return r;
}
static inline void *vps_take_ptr_(void **p)
{
	void *r = *p;
	*p = NULL;
	return r;
}
#define take_fd(fd) vps_take_fd(&(fd))
#define take_ptr(p) vps_take_ptr_((void **)&(p))

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
