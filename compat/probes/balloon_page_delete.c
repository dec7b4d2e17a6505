// SPDX-License-Identifier: GPL-2.0
/*
 * PROBE: MOVCOMPAT_HAVE_BALLOON_PAGE_DELETE
 * balloon_page_delete() (removed by the balloon_page_finalize() conversion).
 * Upstream: v3.8 to v6.16 upstream; gone in 6.1.160+ / 6.12.64+ stable
 */
#include <linux/balloon_compaction.h>

void (*movcompat_probe)(struct page *) = balloon_page_delete;
