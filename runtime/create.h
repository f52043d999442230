/* The create steps (create.c drives them; create_steps.c implements them). */
#pragma once
#include <limits.h>

#include "cgroups/cgroup.h"
#include "runtime/internal.h"

struct cctx {
	const struct vps_create_opts *o;
	struct oci_spec *spec;
	struct vps_state *st;
	struct vps_cgroup *cg;
	struct vps_seccomp *sc;
	char bundle[PATH_MAX], rootfs[PATH_MAX], dir[PATH_MAX];
	char *config; /* the config.json bytes spec was parsed from (specs/bundle.h) */
	size_t config_len;
	int dirfd, lockfd, barrier, sync[2], ns_fds[OCI_NS_MAX];
	uint64_t clone_flags;
	bool stored;
	bool for_run; /* run starts it at once: no "created" save (start saves "running") */
	pid_t pid;
	int pidfd, pty;
};

/* state.json (creating), the config copy, the cgroup */
int vps_create_record(struct cctx *c, vps_err *err);
/* barrier, sync socket, the clone */
int vps_create_spawn(struct cctx *c, vps_err *err);
/* id maps, cgroup, GO, hooks, pty, until the init reports READY */
int vps_create_drive(struct cctx *c, bool keep_pty, vps_err *err);
/* state created, pid file */
int vps_create_finish(struct cctx *c, vps_err *err);
