// SPDX-License-Identifier: GPL-2.0
/*
 * PROBE: MOVCOMPAT_HAVE_BALLOON_PAGE_FINALIZE
 * balloon_page_finalize() (replaces balloon_page_delete()).
 * Upstream: "mm/balloon_compaction: convert balloon_page_delete() to balloon_page_finalize()",
 *   v6.17; stable 6.1.160, 6.12.64
 */
#include <linux/balloon_compaction.h>

void (*movcompat_probe)(struct page *) = balloon_page_finalize;
