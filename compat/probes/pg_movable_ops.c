// SPDX-License-Identifier: GPL-2.0
/*
 * PROBE: MOVCOMPAT_HAVE_PG_MOVABLE_OPS
 * PG_movable_ops page flag (movable_ops marked per page, not in page->mapping).
 * Upstream: 3d388584d599 "mm: convert "movable" flag in page->mapping to a page flag", v6.17
 */
#include <linux/page-flags.h>

int movcompat_probe(struct page *page)
{
	SetPageMovableOps(page);
	return PageMovableOps(page) + PG_movable_ops + PageMovableOpsIsolated(page);
}
