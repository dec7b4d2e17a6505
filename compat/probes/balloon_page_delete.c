// SPDX-License-Identifier: GPL-2.0
/*
 * PROBE: MOVCOMPAT_HAVE_BALLOON_PAGE_DELETE
 * The balloon_page_delete() helper is declared in <linux/balloon_compaction.h>.
 * Added by 18468d93e53b ("mm: introduce a common interface for balloon pages
 *   mobility") in v3.8.
 * Removed by 15504b116300 ("mm/balloon_compaction: convert
 *   balloon_page_delete() to balloon_page_finalize()") in v6.17.
 * Stable: also gone in 6.1.160+ and 6.12.64+ (backport of that commit).
 */
#include <linux/balloon_compaction.h>

void (*movcompat_probe)(struct page *) = balloon_page_delete;
