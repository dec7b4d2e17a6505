// SPDX-License-Identifier: GPL-2.0
/*
 * PROBE: MOVCOMPAT_HAVE_BLK_MEMCPY_PAGE
 * memcpy_page() and memset_page(): highmem-safe copies with kmap_local.
 * Upstream: Ira Weiny "mm/highmem: Introduce memcpy_page(), memmove_page(),
 *   and memset_page()", v5.12 (commit id unverified)
 */
#include <linux/highmem.h>

void movcompat_probe(struct page *d, struct page *s)
{
	memcpy_page(d, 0, s, 0, 8);
	memset_page(d, 0, 0, 8);
}
