// SPDX-License-Identifier: GPL-2.0
/*
 * PROBE: MOVCOMPAT_HAVE_SETPAGEMOVABLE_MAPPING
 * __SetPageMovable(page, struct address_space *) (generic non-LRU movable pages).
 * Upstream: Minchan Kim "mm: migrate: support non-lru movable page migration", v4.8;
 *   replaced in v6.0 by 68f2736a8583
 */
#include <linux/migrate.h>
#include <linux/compaction.h>

void (*movcompat_probe)(struct page *, struct address_space *) = __SetPageMovable;
