// SPDX-License-Identifier: GPL-2.0
/*
 * Already converted (6.0 API): aops_to_mops.cocci must leave this
 * byte-for-byte unchanged.
 */
#include <linux/migrate.h>

static bool done_isolate(struct page *page, isolate_mode_t mode)
{
	return true;
}

static int done_migrate(struct page *dst, struct page *src,
			enum migrate_mode mode)
{
	get_page(dst);
	__SetPageMovable(dst, page_movable_ops(src));
	__ClearPageMovable(src);
	put_page(src);
	return MIGRATEPAGE_SUCCESS;
}

static void done_putback(struct page *page)
{
}

static const struct movable_operations done_mops = {
	.isolate_page = done_isolate,
	.migrate_page = done_migrate,
	.putback_page = done_putback,
};

static void done_mark(struct page *page)
{
	lock_page(page);
	__SetPageMovable(page, &done_mops);
	unlock_page(page);
}
