// SPDX-License-Identifier: GPL-2.0
/*
 * PROBE: MOVCOMPAT_HAVE_BLAME_NO_HEADER
 * Includes a header no kernel has (absent).
 */
#include <linux/movcompat_no_such_header.h>

int movcompat_probe;
