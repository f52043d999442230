/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The monotonic clock in milliseconds: deadlines, timings, sample ticks. */
#pragma once
#include <stdint.h>

int64_t vps_now_ms(void); /* CLOCK_MONOTONIC */
