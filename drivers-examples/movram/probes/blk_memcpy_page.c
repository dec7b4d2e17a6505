// SPDX-License-Identifier: GPL-2.0
/*
 * PROBE: MOVCOMPAT_HAVE_BLK_MEMCPY_PAGE
 * The highmem-safe page helpers memcpy_page() and memset_page() exist.
 * Added between v5.10 and v6.1 (commit not verified) by "mm/highmem: Introduce
 *   memcpy_page(), memmove_page(), and memset_page()" (Ira Weiny).
 */
#include <linux/highmem.h>

void movcompat_probe(struct page *d, struct page *s)
{
	memcpy_page(d, 0, s, 0, 8);
	memset_page(d, 0, 0, 8);
}
