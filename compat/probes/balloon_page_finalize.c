// SPDX-License-Identifier: GPL-2.0
/*
 * PROBE: MOVCOMPAT_HAVE_BALLOON_PAGE_FINALIZE
 * balloon_page_finalize(), which replaced balloon_page_delete(), is declared.
 * Added by 15504b116300 ("mm/balloon_compaction: convert balloon_page_delete()
 *   to balloon_page_finalize()") in v6.17.
 * Removed in v7.0 (commit not verified): made internal by
 *   "mm/balloon_compaction: move internal helpers to balloon_compaction.c".
 * Stable: backported to 6.1.160 and 6.12.64.
 */
#include <linux/balloon_compaction.h>

void (*movcompat_probe)(struct page *) = balloon_page_finalize;
