// SPDX-License-Identifier: GPL-2.0
/*
 * PROBE: MOVCOMPAT_HAVE_SET_MOVABLE_OPS
 * set_movable_ops(ops, enum pagetype): page-type based movable_ops registration.
 * Upstream: Huacai Chen "mm/migrate: Fix NULL movable_ops if CONFIG_ZSMALLOC=m" (Fixes:
 *   84caf98838a3), v6.17
 */
#include <linux/migrate.h>

int (*movcompat_probe)(const struct movable_operations *, enum pagetype) = set_movable_ops;
