// SPDX-License-Identifier: GPL-2.0
/*
 * PROBE: MOVCOMPAT_HAVE_PAGE_ISOLATED
 * PageIsolated() (PG_isolated, set and cleared by the core).
 * Upstream: v4.8 (PG_isolated = PG_reclaim); renamed PG_movable_ops_isolated in v6.17
 */
#include <linux/page-flags.h>

int movcompat_probe(struct page *page) { return PageIsolated(page); }
