// SPDX-License-Identifier: GPL-2.0
/*
 * PROBE: MOVCOMPAT_HAVE_ISOLATE_MOVABLE_PAGE_BOOL
 * isolate_movable_page() returns bool (informational; it is never exported).
 * Added by cd7755800eb5 ("mm: change to return bool for
 *   isolate_movable_page()") in v6.3.
 * Removed by 6ef0c1976b8f ("mm/migrate: rename isolate_movable_page() to
 *   isolate_movable_ops_page()") in v6.17.
 * It was also bool in v4.8-v4.11 (int 0/-EBUSY from v4.12 to v6.2).
 */
#include <linux/migrate.h>

bool (*movcompat_probe)(struct page *, isolate_mode_t) = isolate_movable_page;
