// SPDX-License-Identifier: GPL-2.0
/*
 * PROBE: MOVCOMPAT_HAVE_KMAP_LOCAL_PAGE
 * kmap_local_page() and kunmap_local() from <linux/highmem.h>.
 * Added in v5.11 (commit not verified) by "mm/highmem: Provide and use
 *   CONFIG_KMAP_LOCAL" (Thomas Gleixner).
 */
#include <linux/highmem.h>

void movcompat_probe(struct page *page)
{
	kunmap_local(kmap_local_page(page));
}
