// SPDX-License-Identifier: GPL-2.0
/*
 * PROBE: MOVCOMPAT_HAVE_PAGE_ISOLATED
 * PageIsolated() tests PG_isolated, which the migration core sets and clears.
 * Added by bda807d44454 ("mm: migrate: support non-lru movable page migration")
 *   in v4.8.
 * Removed by 92f091769fde ("mm: rename PG_isolated to PG_movable_ops_isolated")
 *   in v6.17.
 */
#include <linux/page-flags.h>

int movcompat_probe(struct page *page) { return PageIsolated(page); }
