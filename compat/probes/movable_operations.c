// SPDX-License-Identifier: GPL-2.0
/*
 * PROBE: MOVCOMPAT_HAVE_MOVABLE_OPERATIONS
 * struct movable_operations (split from address_space_operations) exists.
 * Added by 68f2736a8583 ("mm: Convert all PageMovable users to
 *   movable_operations") in v6.0.
 * RHEL 9 (5.14) carries a backport.
 */
#include <linux/migrate.h>

static bool mo_isolate(struct page *page, isolate_mode_t mode) { return false; }
static int mo_migrate(struct page *dst, struct page *src, enum migrate_mode mode) { return 0; }
static void mo_putback(struct page *page) { }
const struct movable_operations movcompat_probe = {
	.isolate_page = mo_isolate,
	.migrate_page = mo_migrate,
	.putback_page = mo_putback,
};
