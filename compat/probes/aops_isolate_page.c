// SPDX-License-Identifier: GPL-2.0
/*
 * PROBE: MOVCOMPAT_HAVE_AOPS_ISOLATE_PAGE
 * address_space_operations has isolate_page, migratepage and putback_page.
 * Added by bda807d44454 ("mm: migrate: support non-lru movable page migration")
 *   in v4.8.
 * Removed by 68f2736a8583 ("mm: Convert all PageMovable users to
 *   movable_operations") in v6.0; ->migratepage itself went with c33b866a9784
 *   ("fs: Remove aops->migratepage()") in v6.0.
 */
#include <linux/fs.h>

static bool ao_isolate(struct page *page, isolate_mode_t mode) { return false; }
static void ao_putback(struct page *page) { }
static int ao_migrate(struct address_space *m, struct page *n,
		      struct page *o, enum migrate_mode mode)
{
	return 0;
}

const struct address_space_operations movcompat_probe = {
	.isolate_page = ao_isolate,
	.migratepage = ao_migrate,
	.putback_page = ao_putback,
};
