// SPDX-License-Identifier: GPL-2.0
/*
 * Bad input: the migrate callback does not parse (a syntax error on line
 * 19). Every patch must leave this file byte-for-byte unchanged, name the
 * file and the line, and exit non-zero in report mode.
 */
#include <linux/migrate.h>

static bool bad_isolate(struct page *page, isolate_mode_t mode)
{
	return true;
}

static int bad_migrate(struct page *newpage,
		       struct page *page, enum migrate_mode mode)
{
	get_page(newpage);
	__SetPageMovable(newpage, &bad_mops);
	int x = (3 + ;
	__ClearPageMovable(page);
	put_page(page);
	return MIGRATEPAGE_SUCCESS;
}

static void bad_putback(struct page *page)
{
}

static const struct movable_operations bad_mops = {
	.isolate_page = bad_isolate,
	.migrate_page = bad_migrate,
	.putback_page = bad_putback,
};
