/* Scope-bound cleanup (GCC/clang cleanup attribute) and explicit ownership moves. */
#pragma once
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static inline void vps_freep(void *p)
{
	free(*(void **)p);
}
static inline void vps_closep(int *fd)
{
	if (*fd >= 0) {
		int saved = errno;
		close(*fd);
		errno = saved;
	}
}
static inline void vps_fclosep(FILE **f)
{
	if (*f)
		fclose(*f);
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
