// SPDX-License-Identifier: GPL-2.0
/*
 * PROBE: MOVCOMPAT_HAVE_NONATOMIC_PG_ISOLATED
 * PG_isolated is changed non-atomically, so lock_page() wake-ups can be lost.
 * PG_isolated is set and cleared with the non-atomic __SetPageIsolated()/
 * __ClearPageIsolated() under the page lock, which can erase the
 * PG_waiters bit of a task sleeping in lock_page() on that page (a lost
 * wake-up: the task sleeps until the next unlock, possibly forever).
 * Added by bda807d44454 ("mm: migrate: support non-lru movable page migration")
 *   in v4.8.
 * Removed by 356ea3865687 ("mm/migrate: fix race between lock page and clear
 *   PG_Isolated") between v5.15 and v5.19 (release not verified), which made
 *   them atomic; not in 5.10.y (Debian 5.10.223 has it non-atomic).
 */
#include <linux/page-flags.h>

void movcompat_probe(struct page *page) { __SetPageIsolated(page); }
