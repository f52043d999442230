/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The host <-> guest wire format of `--vm`, shared by the host side (runtime/vm)
 * and the static guest init (runtime/vm/guest). Header-only, no libc beyond
 * <stdint.h>, so the musl-built guest can include it.
 *
 * Channels (virtio-serial ports, found in the guest by name):
 *   vps.ctl     host socket ROOT/ID/vm-ctl.sock: one request, one reply (start, kill, ping)
 *   vps.exec    host socket ROOT/ID/vm-exec.sock: one exec session at a time (framed stdio)
 *   vps.in/out/err  the main process's stdin/stdout/stderr (raw bytes, QEMU's own stdio)
 *   vps.tty     the main process's terminal when process.terminal is set (raw bytes)
 *   vps.status  the main process's exit status, "exit N\n", written to ROOT/ID/vm-exit
 *
 * Framed messages: struct vps_vm_hdr then len payload bytes. Configurations
 * (the initramfs's /vps.conf: only the modules of the machine shape; the VM's
 * own configuration in the CONF request; an exec request's payload)
 * are records "key=value\0" in a row; values never contain NUL. */
#pragma once
#include <stdint.h>

struct vps_vm_hdr {
	uint32_t type;
	uint32_t len;
};

#define VPS_VM_MAX_PAYLOAD (1u << 20)

enum {
	/* host -> guest */
	VPS_VM_START = 'S',  /* ctl: release the main process */
	VPS_VM_KILL = 'K',   /* ctl: payload int32 signal for the main process */
	VPS_VM_PING = 'P',   /* ctl: is the agent there ("config": waiting for CONF) */
	VPS_VM_CONF = 'C',   /* ctl: the VM's configuration records (once, at the wait point) */
	VPS_VM_RESIZE = 'R', /* ctl: payload uint16 rows, uint16 cols for the main terminal */
	VPS_VM_EXEC = 'X',   /* exec: payload = conf records for the process */
	VPS_VM_STDIN = 'I',  /* exec: stdin bytes */
	VPS_VM_STDIN_EOF = 'i',
	VPS_VM_WINSIZE = 'W', /* exec: payload uint16 rows, uint16 cols */
	VPS_VM_SIGNAL = 'G',  /* exec: payload int32 signal for the session's process */
	/* guest -> host */
	VPS_VM_OK = 'O',    /* ctl reply */
	VPS_VM_ERROR = 'E', /* reply or exec failure: payload is the message */
	VPS_VM_STDOUT = 'o',
	VPS_VM_STDERR = 'e',
	VPS_VM_EXIT = 'x', /* exec: payload int32 exit status (128+sig for a signal) */
};

#define VPS_VM_PORT_CTL	   "vps.ctl"
#define VPS_VM_PORT_EXEC   "vps.exec"
#define VPS_VM_PORT_IN	   "vps.in"
#define VPS_VM_PORT_OUT	   "vps.out"
#define VPS_VM_PORT_ERR	   "vps.err"
#define VPS_VM_PORT_TTY	   "vps.tty"
#define VPS_VM_PORT_STATUS "vps.status"
