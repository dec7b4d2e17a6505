// SPDX-License-Identifier: GPL-2.0
/*
 * PROBE: MOVCOMPAT_HAVE_NONATOMIC_PG_ISOLATED
 * PG_isolated is set and cleared with the non-atomic __SetPageIsolated()/
 * __ClearPageIsolated() under the page lock, which can erase the
 * PG_waiters bit of a task sleeping in lock_page() on that page (a lost
 * wake-up: the task sleeps until the next unlock, possibly forever).
 * Upstream: v4.8 ("mm: migrate: support non-lru movable page migration");
 * fixed in v5.18 by 356ea3865687 ("mm/migrate: fix race between lock page
 * and clear PG_Isolated"), which made them atomic; not in 5.10.y (Debian
 * 5.10.223 has it non-atomic).
 */
#include <linux/page-flags.h>

void movcompat_probe(struct page *page) { __SetPageIsolated(page); }
