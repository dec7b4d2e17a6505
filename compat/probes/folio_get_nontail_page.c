// SPDX-License-Identifier: GPL-2.0
/*
 * PROBE: MOVCOMPAT_HAVE_FOLIO_GET_NONTAIL_PAGE
 * folio_get_nontail_page() (reference a page only if it is not a tail page).
 * Upstream: Vishal Moola "mm: add folio_get_nontail_page()", v6.3
 */
#include <linux/mm.h>

struct folio *movcompat_probe(struct page *page) { return folio_get_nontail_page(page); }
