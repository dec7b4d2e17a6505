// SPDX-License-Identifier: GPL-2.0
/*
 * PROBE: MOVCOMPAT_HAVE_MEMCPY_TO_PAGE
 * memcpy_to_page() and memcpy_from_page() from <linux/highmem.h>.
 * Added in v5.11 (commit not verified) by "mm/highmem: Lift
 *   memcpy_[to|from]_page to core" (Ira Weiny).
 */
#include <linux/highmem.h>

void movcompat_probe(struct page *page, char *buf)
{
	memcpy_to_page(page, 0, buf, 1);
	memcpy_from_page(buf, page, 0, 1);
}
