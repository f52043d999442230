/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Signal names and numbers for kill ("TERM", "SIGTERM", "sigterm", "15",
 * "RTMIN+3"). */
#include <ctype.h>
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "runtime/runtime.h"

static const struct {
	const char *name;
	int sig;
} sigs[] = {
    {"ABRT", SIGABRT}, {"ALRM", SIGALRM},     {"BUS", SIGBUS},	     {"CHLD", SIGCHLD},
    {"CONT", SIGCONT}, {"FPE", SIGFPE},	      {"HUP", SIGHUP},	     {"ILL", SIGILL},
    {"INT", SIGINT},   {"IO", SIGIO},	      {"IOT", SIGIOT},	     {"KILL", SIGKILL},
    {"PIPE", SIGPIPE}, {"POLL", SIGPOLL},     {"PROF", SIGPROF},     {"PWR", SIGPWR},
    {"QUIT", SIGQUIT}, {"SEGV", SIGSEGV},     {"STKFLT", SIGSTKFLT}, {"STOP", SIGSTOP},
    {"SYS", SIGSYS},   {"TERM", SIGTERM},     {"TRAP", SIGTRAP},     {"TSTP", SIGTSTP},
    {"TTIN", SIGTTIN}, {"TTOU", SIGTTOU},     {"URG", SIGURG},	     {"USR1", SIGUSR1},
    {"USR2", SIGUSR2}, {"VTALRM", SIGVTALRM}, {"WINCH", SIGWINCH},   {"XCPU", SIGXCPU},
    {"XFSZ", SIGXFSZ},
};

static int parse_num(const char *s, int *out)
{
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < 0 || v > 1000)
		return -1;
	*out = (int)v;
	return 0;
}

int vps_signal_parse(const char *s, int *sig, vps_err *err)
{
	const char *n = s;
	int v;
	if (isdigit((unsigned char)*s)) {
		if (parse_num(s, &v) == 0 && v >= 0 && v <= SIGRTMAX) { /* 0: alive? */
			*sig = v;
			return 0;
		}
		return vps_errorx(err, EINVAL, "invalid signal \"%s\"", s);
	}
	if (strncasecmp(n, "SIG", 3) == 0)
		n += 3;
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		if (strcasecmp(n, sigs[i].name) == 0) {
			*sig = sigs[i].sig;
			return 0;
		}
	if (strncasecmp(n, "RTMIN", 5) == 0 || strncasecmp(n, "RTMAX", 5) == 0) {
		bool min = strncasecmp(n, "RTMIN", 5) == 0;
		int off = 0;
		if (n[5] && ((n[5] != '+' && n[5] != '-') || parse_num(n + 6, &off) < 0))
			return vps_errorx(err, EINVAL, "invalid signal \"%s\"", s);
		v = (min ? SIGRTMIN : SIGRTMAX) + (n[5] == '-' ? -off : off);
		if (v >= SIGRTMIN && v <= SIGRTMAX) {
			*sig = v;
			return 0;
		}
	}
	return vps_errorx(err, EINVAL, "invalid signal \"%s\"", s);
}
