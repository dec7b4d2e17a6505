// SPDX-License-Identifier: GPL-2.0
/*
 * PROBE: MOVCOMPAT_HAVE_NR_BALLOON_PAGES
 * The NR_BALLOON_PAGES node counter ("Balloon:" in /proc/meminfo), which
 * the balloon core's enqueue and dequeue keep.
 * Upstream: "mm: add a NR_BALLOON_PAGES vmstat counter" (v6.15)
 */
#include <linux/mmzone.h>

int movcompat_probe(void) { return NR_BALLOON_PAGES; }
