/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Namespace names and clone flags. */
#include <sched.h>

#include "specs/spec.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

static const struct {
	const char *name;
	int flag;
} ns[OCI_NS_MAX] = {
    [OCI_NS_PID] = {"pid", CLONE_NEWPID},	   [OCI_NS_NETWORK] = {"network", CLONE_NEWNET},
    [OCI_NS_MOUNT] = {"mount", CLONE_NEWNS},	   [OCI_NS_IPC] = {"ipc", CLONE_NEWIPC},
    [OCI_NS_UTS] = {"uts", CLONE_NEWUTS},	   [OCI_NS_USER] = {"user", CLONE_NEWUSER},
    [OCI_NS_CGROUP] = {"cgroup", CLONE_NEWCGROUP}, [OCI_NS_TIME] = {"time", CLONE_NEWTIME},
};

const char *oci_ns_name(enum oci_ns_type t)
{
	return (unsigned)t < OCI_NS_MAX ? ns[t].name : "unknown";
}

int oci_ns_clone_flag(enum oci_ns_type t)
{
	return (unsigned)t < OCI_NS_MAX ? ns[t].flag : 0;
}
