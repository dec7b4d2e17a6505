// SPDX-License-Identifier: GPL-2.0
/*
 * PROBE: MOVCOMPAT_HAVE_ALLOC_PAGES_BULK_ARRAY_NODE
 * The array-based bulk page allocator alloc_pages_bulk_array_node() exists.
 * Added by a2afc59fb250 ("mm/page_alloc: add an alloc_pages_bulk_array_node()
 *   helper") in v5.14.
 * Removed by 6bf9b5b40af3 ("mm: alloc_pages_bulk: rename API") in v6.14.
 */
#include <linux/gfp.h>

unsigned long movcompat_probe(struct page **p)
{
	return alloc_pages_bulk_array_node(GFP_KERNEL, 0, 1, p);
}
