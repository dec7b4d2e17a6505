// SPDX-License-Identifier: GPL-2.0
/*
 * PROBE: MOVCOMPAT_HAVE_SETPAGEMOVABLE_OPS
 * __SetPageMovable() takes a const struct movable_operations *.
 * Added by 68f2736a8583 ("mm: Convert all PageMovable users to
 *   movable_operations") in v6.0.
 * Removed in v6.17 by the movable_ops rework (commit not verified; 84caf98838a3
 *   ("mm: stop storing migration_ops in page->mapping") is the likely one).
 */
#include <linux/migrate.h>

void (*movcompat_probe)(struct page *, const struct movable_operations *) = __SetPageMovable;
