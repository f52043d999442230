/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Why CRIU refused to dump a VPS, in the operator's words: the resource that
 * prevented the live mode (a socket of which process, a namespace, a mount)
 * instead of CRIU's log line. Used by vps migrate before it falls back. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/migrate.h"
#include "util/cleanup.h"
#include "util/fmt.h"

/* The process CRIU was dumping files of when it failed: "NAME (pid N)". */
static void culprit(const char *log, char *out, size_t sz)
{
	_cleanup_fclose_ FILE *f = log ? fopen(log, "re") : NULL;
	char line[512];
	int pid = 0;
	*out = '\0';
	for (int n = 0; f && n < 1000000 && fgets(line, sizeof(line), f); n++) {
		const char *p = strstr(line, "Dumping opened files (pid: ");
		if (p)
			pid = atoi(p + 27);
		if (strstr(line, "Error (") && pid > 0)
			break;
	}
	char path[64], comm[64] = "";
	vps_snprintf(path, sizeof(path), "/proc/%d/comm", pid); /* fits: a pid in 64 */
	_cleanup_fclose_ FILE *c = pid > 0 ? fopen(path, "re") : NULL;
	if (c && fgets(comm, sizeof(comm), c))
		comm[strcspn(comm, "\n")] = '\0';
	if (pid > 0) /* fits: comm is at most 16 bytes */
		vps_snprintf(out, sz, " held by %s (host pid %d)", *comm ? comm : "a process", pid);
}

static const struct {
	const char *criu; /* in CRIU's message */
	const char *what; /* the resource */
} known[] = {
    {"Can't get 1:16 opt", "an INET/INET6 socket (e.g. a listening server): CRIU 4.1.1 "
			   "cannot read its SO_PASSCRED on this kernel"},
    {"/time", "the VPS's time namespace, owned by another user namespace than the VPS's "
	      "own: CRIU needs every namespace of a mapped VPS owned by the VPS's own"},
    {"doesn't have a proper root mount",
     "a mount bound into the VPS from outside it (lxcfs's FUSE files, which procview binds "
     "when the host runs lxcfs: set org.vps.procview=kernel; or a masked path)"},
    {"without correspond master peer", "a terminal opened inside the VPS whose master is "
				       "outside it (a getty on /dev/console: a systemd VPS's "
				       "console-getty)"},
    {"tcp", "an established TCP connection (--tcp-established fails on this kernel)"},
    {"unix", "a UNIX socket connected outside the VPS"},
};

void vps_mig_why(vps_err *err)
{
	const char *log = strstr(err->msg, "(log: ");
	char path[4096] = "", who[128];
	if (log)
		sscanf(log + 6, "%4095[^)]", path);
	culprit(*path ? path : NULL, who, sizeof(who));
	for (size_t i = 0; i < ARRAY_SIZE(known); i++)
		if (strstr(err->msg, known[i].criu)) {
			char m[VPS_ERR_MSG_MAX];
			memcpy(m, err->msg, sizeof(m));
			vps_errorx(err, EOPNOTSUPP,
				   "live migration refused: CRIU cannot dump %s%s; the VPS runs "
				   "on here (use --offline to stop, copy and start it) [%s]",
				   known[i].what, who, m);
			return;
		}
	char m[VPS_ERR_MSG_MAX];
	memcpy(m, err->msg, sizeof(m));
	if (!log) /* refused before CRIU ran: the message names the resource */
		vps_errorx(err, EOPNOTSUPP,
			   "live migration refused: %s; the VPS runs on here (use --offline to "
			   "stop, copy and start it)",
			   m);
	else
		vps_errorx(err, EOPNOTSUPP,
			   "live migration refused (CRIU failed on a resource%s); the VPS runs on "
			   "here (use --offline): %s",
			   who, m);
}
