// SPDX-License-Identifier: GPL-2.0
/*
 * PROBE: MOVCOMPAT_HAVE_NR_BALLOON_PAGES
 * The NR_BALLOON_PAGES node counter ("Balloon:" in /proc/meminfo) exists.
 * Added between v6.12 and v6.16 (commit not verified) by "meminfo: add a per
 *   node counter for balloon drivers" (Nico Pache, March 2025).
 * The balloon core's enqueue and dequeue keep it up to date.
 */
#include <linux/mmzone.h>

int movcompat_probe(void) { return NR_BALLOON_PAGES; }
