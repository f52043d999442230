/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The one parser of sizes and counts that every verb uses (bundle, update, ...):
 * one syntax, one error text per kind. */
#pragma once
#include <stdbool.h>
#include <stdint.h>

#include "util/err.h"

/* A size in bytes: "65536", "512M", "1.5G", "1GiB", "64kb", "2T" (suffixes K M
 * G T P, binary, case-insensitive, optional "i" and "B"); "-1" (unlimited) only
 * when unlimited is meaningful. what names the option in the error
 * ("--memory \"1X\": expected a size ..."). */
int vps_parse_size(const char *what, const char *s, bool unlimited, int64_t *out, vps_err *err);
/* A count (processes, ...): a plain non-negative integer, or "-1" when allowed. */
int vps_parse_count(const char *what, const char *s, bool unlimited, int64_t *out, vps_err *err);
