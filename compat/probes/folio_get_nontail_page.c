// SPDX-License-Identifier: GPL-2.0
/*
 * PROBE: MOVCOMPAT_HAVE_FOLIO_GET_NONTAIL_PAGE
 * folio_get_nontail_page() (get a reference unless it is a tail page) exists.
 * Added between v6.1 and v6.3 (commit not verified): absent in Debian 6.1.192,
 *   present in a v6.3.8 tree.
 */
#include <linux/mm.h>

struct folio *movcompat_probe(struct page *page) { return folio_get_nontail_page(page); }
