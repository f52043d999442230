/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The one foreground loop of run, exec, the VM and `vps console` (runtime/
 * and runtime/vm/ private): signals taken through a signalfd and handed to
 * the caller, our terminal raw meanwhile, the caller's fds polled and relayed
 * by its callbacks, a child reaped (none for the VM's exec and the console:
 * ready() ends them). What differs between them is in the callbacks. */
#pragma once
#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "util/err.h"

#define VPS_FG_MAX_FDS 4

struct vps_fg {
	const int *signals; /* blocked meanwhile, read through a signalfd, given to on_signal */
	size_t n_signals;
	bool raw;  /* our terminal (if stdin is one) raw meanwhile, restored after */
	pid_t pid; /* a child of ours to reap (0: none): the loop ends once it exited */
	int pidfd; /* its pidfd; -1: reap at once (blocking) */
	void *ctx; /* handed to the callbacks */
	void (*on_signal)(void *ctx, int sig);
	/* the fds to poll this round (up to VPS_FG_MAX_FDS; fd -1: not now): how many */
	size_t (*fill)(void *ctx, struct pollfd *p);
	/* what fill gave, with revents: 1 done (no child to wait for), 0 go on, < 0 error */
	int (*ready)(void *ctx, const struct pollfd *p, vps_err *err);
	/* after the child was reaped: copy out what it left behind (a pty, a socket) */
	void (*drain)(void *ctx);
};

/* Loop until the child is reaped (*wstatus: its wait status; untouched when it
 * was not ours to reap; wstatus may be NULL without a child) or ready() says
 * done: 0; < 0 on an error (err set).
 * The signal mask and the terminal are restored either way. */
int vps_foreground(const struct vps_fg *fg, int *wstatus, vps_err *err);

/* A wait status as a shell's exit code: the exit code, 128+N if killed by signal N. */
int vps_exit_code(int wstatus);
