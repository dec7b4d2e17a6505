// SPDX-License-Identifier: GPL-2.0
/*
 * PROBE: MOVCOMPAT_HAVE_SET_MOVABLE_OPS
 * set_movable_ops(ops, type) registers movable_ops for a page type.
 * Added by 053c8ebe74f7 ("mm/migrate: fix NULL movable_ops if
 *   CONFIG_ZSMALLOC=m") in v6.17.
 */
#include <linux/migrate.h>

int (*movcompat_probe)(const struct movable_operations *, enum pagetype) = set_movable_ops;
