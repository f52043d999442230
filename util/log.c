/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "util/log.h"
#include "util/fmt.h"

#include <fcntl.h>
#include <json-c/json.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static struct {
	int fd;
	int json;
	int debug;
} log_cfg = {.fd = STDERR_FILENO};

int vps_log_init(const char *path, int json, int debug)
{
	log_cfg.json = json;
	log_cfg.debug = debug;
	if (path && *path) {
		int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
		if (fd < 0)
			return -1;
		log_cfg.fd = fd;
	}
	return 0;
}

int vps_log_to_file(void)
{
	return log_cfg.fd != STDERR_FILENO;
}

void vps_log_close(void)
{
	if (log_cfg.fd > STDERR_FILENO)
		close(log_cfg.fd);
	log_cfg.fd = STDERR_FILENO;
}

static const char *level_name(enum vps_log_level l)
{
	static const char *names[] = {"error", "warning", "info", "debug"};
	return names[l];
}

void vps_log(enum vps_log_level level, const char *fmt, ...)
{
	if (level == VPS_LOG_DEBUG && !log_cfg.debug)
		return;
	if (level == VPS_LOG_INFO && !log_cfg.debug && !vps_log_to_file())
		return;
	char msg[2048];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);

	char ts[64];
	struct timespec now;
	struct tm tm;
	clock_gettime(CLOCK_REALTIME, &now);
	gmtime_r(&now.tv_sec, &tm);
	size_t n = strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%S", &tm);
	/* fits: 9 digits in the rest of 64 */
	vps_snprintf(ts + n, sizeof(ts) - n, ".%09ldZ", now.tv_nsec);

	char line[4096];
	if (log_cfg.json) {
		json_object *o = json_object_new_object();
		json_object_object_add(o, "level", json_object_new_string(level_name(level)));
		json_object_object_add(o, "msg", json_object_new_string(msg));
		json_object_object_add(o, "time", json_object_new_string(ts));
		/* snprintf-ok: a log line, cut to fit */
		snprintf(line, sizeof(line), "%s\n",
			 json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
		json_object_put(o);
	} else if (vps_log_to_file()) {
		/* snprintf-ok: a log line, cut to fit */
		snprintf(line, sizeof(line), "%s %s %s\n", ts, level_name(level), msg);
	} else {
		/* snprintf-ok: a log line, cut to fit */
		snprintf(line, sizeof(line), "vps: %s%s\n",
			 level == VPS_LOG_ERROR	 ? ""
			 : level == VPS_LOG_WARN ? "warning: "
						 : "",
			 msg);
	}
	ssize_t w = write(log_cfg.fd, line, strlen(line));
	(void)w;
}
