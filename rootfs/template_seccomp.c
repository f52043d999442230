/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The VPS default seccomp profile: everything a system inside a container
 * uses is allowed; what reaches kernel-wide state or is a common kernel attack
 * surface is refused with EPERM (module loading, kexec, keyrings, bpf, perf,
 * userfaultfd, io_uring, clock setting, swap, new mount API, opens by handle,
 * new user namespaces). reboot(2) is allowed: a VPS always has its own pid
 * namespace, where it only ends the VPS's init (SIGHUP: reboot, SIGINT:
 * halt), with CAP_SYS_BOOT. name_to_handle_at is allowed (systemd reads
 * cgroup ids with it); a handle is useless without open_by_handle_at. clone3
 * returns ENOSYS so libc falls back to clone, whose flags can be checked. The
 * capability bounding set is the second line of defence for what is not
 * listed here. */
#include "rootfs/template.h"

const char vps_default_seccomp_json[] =
    "{\"defaultAction\": \"SCMP_ACT_ALLOW\","
    " \"architectures\": [\"SCMP_ARCH_X86_64\", \"SCMP_ARCH_X86\", \"SCMP_ARCH_X32\"],"
    " \"syscalls\": ["
    "  {\"names\": [\"acct\", \"add_key\", \"bpf\", \"clock_adjtime\", \"clock_settime\","
    "    \"create_module\", \"delete_module\", \"finit_module\", \"fanotify_init\","
    "    \"fsconfig\", \"fsmount\", \"fsopen\", \"fspick\", \"get_kernel_syms\","
    "    \"init_module\", \"io_uring_enter\", \"io_uring_register\", \"io_uring_setup\","
    "    \"ioperm\", \"iopl\", \"kcmp\", \"kexec_file_load\", \"kexec_load\", \"keyctl\","
    "    \"lookup_dcookie\", \"mbind\", \"migrate_pages\", \"mount_setattr\", \"move_mount\","
    "    \"move_pages\", \"nfsservctl\", \"open_by_handle_at\","
    "    \"open_tree\", \"perf_event_open\", \"pivot_root\", \"process_vm_readv\","
    "    \"process_vm_writev\", \"query_module\", \"quotactl\", \"quotactl_fd\","
    "    \"request_key\", \"set_mempolicy\", \"settimeofday\", \"stime\", \"swapoff\","
    "    \"swapon\", \"_sysctl\", \"syslog\", \"uselib\", \"userfaultfd\", \"ustat\","
    "    \"vm86\", \"vm86old\"],"
    "   \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 1},"
    "  {\"names\": [\"clone3\"], \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 38},"
    "  {\"names\": [\"unshare\"], \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 1,"
    "   \"args\": [{\"index\": 0, \"value\": 268435456, \"valueTwo\": 268435456,"
    "     \"op\": \"SCMP_CMP_MASKED_EQ\"}]},"
    "  {\"names\": [\"clone\"], \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 1,"
    "   \"args\": [{\"index\": 0, \"value\": 268435456, \"valueTwo\": 268435456,"
    "     \"op\": \"SCMP_CMP_MASKED_EQ\"}]}"
    " ]}";
