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
 * Only with PG_waiters (added by 62906027091f ("mm: add PageWaiters
 *   indicating tasks are waiting for a page bit") in v4.10, commit not
 *   verified): before it, lock_page() sleepers were not a page flag, and
 *   4.8-4.9 lose no wake-up.
 */
#include <linux/page-flags.h>

unsigned int movcompat_probe_waiters = PG_waiters;

void movcompat_probe(struct page *page) { __SetPageIsolated(page); }
