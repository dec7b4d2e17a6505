// SPDX-License-Identifier: GPL-2.0
/*
 * PROBE: MOVCOMPAT_HAVE_ISOLATE_MOVABLE_PAGE_BOOL
 * isolate_movable_page() returns bool (informational; it is never exported).
 * Upstream: cd7755800eb5 "mm: change to return bool for isolate_movable_page()", v6.3
 */
#include <linux/migrate.h>

bool (*movcompat_probe)(struct page *, isolate_mode_t) = isolate_movable_page;
