// SPDX-License-Identifier: GPL-2.0
/*
 * PROBE: MOVCOMPAT_HAVE_SETPAGEMOVABLE_MAPPING
 * __SetPageMovable() takes a struct address_space * (non-LRU movable pages).
 * Added by bda807d44454 ("mm: migrate: support non-lru movable page migration")
 *   in v4.8.
 * Removed by 68f2736a8583 ("mm: Convert all PageMovable users to
 *   movable_operations") in v6.0.
 */
#include <linux/migrate.h>
#include <linux/compaction.h>

void (*movcompat_probe)(struct page *, struct address_space *) = __SetPageMovable;
