/* SPDX-License-Identifier: GPL-2.0-or-later */
/* start: release the exec barrier of a created container, record it running,
 * run the poststart hooks (their failure only warns, per the spec). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "runtime/internal.h"
#include "runtime/store.h"
#include "runtime/vm/vm.h"
#include "util/cleanup.h"
#include "util/fmt.h"

/* The container's lock is held and it is created. */
static int start_locked(const char *root, int dirfd, struct vps_state *st,
			const struct oci_spec *spec, vps_err *err)
{
	char dir[4096];
	int r = vps_snprintf(dir, sizeof(dir), "%s/%s", root, st->id);
	if (r < 0)
		return vps_error(err, -r, "container dir of %s under %s", st->id, root);
	r = vps_vm_state(st) ? vps_vm_start(dir, err) : vps_barrier_release(dir, err);
	if (r < 0)
		return r;
	unlinkat(dirfd, "exec.sock", 0);
	st->status = VPS_RUNNING;
	if ((r = vps_state_save_at(dirfd, st, err)) < 0)
		return r;
	char *js = vps_state_oci_json(st);
	vps_hooks_run_warn(&spec->hooks, OCI_HOOK_POSTSTART, js);
	free(js);
	return 0;
}

int vps_start(const char *root, const char *id, vps_err *err)
{
	int dirfd = -1, lockfd = -1, r;
	struct vps_state *st = NULL;
	struct oci_spec *spec = NULL;
	if ((r = vps_container_load(root, id, &dirfd, &lockfd, &st, err)) < 0)
		return r;
	enum vps_status s = vps_status_live(root, st);
	if (s != VPS_CREATED) {
		r = vps_errorx(err, EINVAL, "cannot start a container that is %s",
			       vps_status_name(s));
		goto out;
	}
	if ((r = vps_container_spec(root, id, &spec, err)) < 0)
		goto out;
	r = start_locked(root, dirfd, st, spec, err);
out:
	oci_spec_free(spec);
	vps_state_free(st);
	close(dirfd);
	close(lockfd);
	return r;
}

/* run: create still holds the lock, so nobody acted on the container since */
int vps_start_held(const char *root, struct vps_held *h, vps_err *err)
{
	int r = start_locked(root, h->dirfd, h->st, h->spec, err);
	close(h->lockfd);
	h->lockfd = -1;
	return r;
}
