// SPDX-License-Identifier: GPL-2.0
/*
 * PROBE: MOVCOMPAT_HAVE_BLAME_ZZ_PRESENT
 * Compiles, after the failing ones (present).
 */
#include <linux/mm.h>

unsigned long movcompat_probe = PAGE_SIZE;
