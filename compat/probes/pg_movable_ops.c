// SPDX-License-Identifier: GPL-2.0
/*
 * PROBE: MOVCOMPAT_HAVE_PG_MOVABLE_OPS
 * The PG_movable_ops and PG_movable_ops_isolated page flags exist.
 * Added by 3d388584d599 ("mm: convert "movable" flag in page->mapping to a page
 *   flag") in v6.17; PageMovableOpsIsolated() came with 92f091769fde ("mm:
 *   rename PG_isolated to PG_movable_ops_isolated"), also in v6.17.
 */
#include <linux/page-flags.h>

int movcompat_probe(struct page *page)
{
	SetPageMovableOps(page);
	return PageMovableOps(page) + PG_movable_ops + PageMovableOpsIsolated(page);
}
