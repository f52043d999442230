/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "util/dl.h"

#include <dlfcn.h>
#include <errno.h>

int vps_dl_load(const char *lib, const struct vps_dl_sym *syms, size_t n, const char *what,
		vps_err *err)
{
	void *h = dlopen(lib, RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE);
	if (!h)
		return vps_errorx(err, ENOENT, "%s: cannot load %s: %s", what, lib, dlerror());
	for (size_t i = 0; i < n; i++)
		if (!(*syms[i].fn = dlsym(h, syms[i].name)))
			return vps_errorx(err, ENOENT, "%s: %s: no %s", what, lib, syms[i].name);
	return 0;
}
