// SPDX-License-Identifier: GPL-2.0
/*
 * Bad input: the balloon migrate callback does not parse (a syntax error
 * on line 17).
 */
#include <linux/balloon_compaction.h>

static int bad_migratepage(struct balloon_dev_info *b_dev_info,
			   struct page *newpage, struct page *page,
			   enum migrate_mode mode)
{
	unsigned long flags;

	get_page(newpage);
	spin_lock_irqsave(&b_dev_info->pages_lock, flags);
	balloon_page_insert(b_dev_info, newpage);
	b_dev_info->isolated_pages-- +;
	spin_unlock_irqrestore(&b_dev_info->pages_lock, flags);
	balloon_page_delete(page);
	put_page(page);
	return MIGRATEPAGE_SUCCESS;
}

static void bad_setup(struct balloon_dev_info *b)
{
	balloon_devinfo_init(b);
	b->migratepage = bad_migratepage;
}
