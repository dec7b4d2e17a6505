// SPDX-License-Identifier: GPL-2.0
/*
 * PROBE: MOVCOMPAT_HAVE_BLAME_CLASH_A
 * Compiles; its helper has the same name as blame_clash_b's (present).
 */
#include <linux/mm.h>

static int blame_helper(void) { return PAGE_SIZE; }
int movcompat_probe(void) { return blame_helper(); }
