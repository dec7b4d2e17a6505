// SPDX-License-Identifier: GPL-2.0
/*
 * PROBE: MOVCOMPAT_HAVE_ALLOC_PAGES_BULK_ARRAY_NODE
 * alloc_pages_bulk_array_node(gfp, nid, nr_pages, page_array): the bulk
 * page allocator, array form, on a preferred node.
 * Upstream: "mm/page_alloc: add a bulk page allocator" v5.13, the _node
 *   helper v5.14 ("mm/vmalloc: use batched page requests in bulk-allocator");
 *   renamed alloc_pages_bulk_node() in v6.14 ("mm: alloc_pages_bulk: rename API")
 */
#include <linux/gfp.h>

unsigned long movcompat_probe(struct page **p)
{
	return alloc_pages_bulk_array_node(GFP_KERNEL, 0, 1, p);
}
