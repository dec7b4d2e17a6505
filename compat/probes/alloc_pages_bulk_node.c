// SPDX-License-Identifier: GPL-2.0
/*
 * PROBE: MOVCOMPAT_HAVE_ALLOC_PAGES_BULK_NODE
 * alloc_pages_bulk_node(gfp, nid, nr_pages, page_array): the bulk page
 * allocator after the list form was dropped and the array form renamed.
 * Upstream: "mm: alloc_pages_bulk: rename API", v6.14
 */
#include <linux/gfp.h>

unsigned long movcompat_probe(struct page **p)
{
	return alloc_pages_bulk_node(GFP_KERNEL, 0, 1, p);
}
