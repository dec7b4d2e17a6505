// SPDX-License-Identifier: GPL-2.0
/*
 * PROBE: MOVCOMPAT_HAVE_SETPAGEMOVABLE_OPS
 * __SetPageMovable(page, const struct movable_operations *).
 * Upstream: 68f2736a8583, v6.0;
 *   removed in v6.17 by "mm: stop storing migration_ops in page->mapping" (84caf98838a3)
 */
#include <linux/migrate.h>

void (*movcompat_probe)(struct page *, const struct movable_operations *) = __SetPageMovable;
