// SPDX-License-Identifier: GPL-2.0
/*
 * PROBE: MOVCOMPAT_HAVE_BLAME_ERROR_LINE
 * Fails on its own line (absent).
 */
#include <linux/mm.h>

int movcompat_probe = blame_undeclared_name;
