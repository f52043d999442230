/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Logging: the only global mutable state vps has. Settings come from the CLI's
 * --log / --log-format / --debug. Library code logs; it never prints errors itself. */
#pragma once

enum vps_log_level { VPS_LOG_ERROR, VPS_LOG_WARN, VPS_LOG_INFO, VPS_LOG_DEBUG };

/* path NULL: stderr. json: runc-style {"level":..,"msg":..,"time":..} lines. */
int vps_log_init(const char *path, int json, int debug);
void vps_log(enum vps_log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* True when the log goes to a file (not stderr). */
int vps_log_to_file(void);
/* Close the log fd (called in children before exec). */
void vps_log_close(void);

#define log_error(...) vps_log(VPS_LOG_ERROR, __VA_ARGS__)
#define log_warn(...)  vps_log(VPS_LOG_WARN, __VA_ARGS__)
#define log_info(...)  vps_log(VPS_LOG_INFO, __VA_ARGS__)
#define log_debug(...) vps_log(VPS_LOG_DEBUG, __VA_ARGS__)
