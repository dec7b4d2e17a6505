// SPDX-License-Identifier: GPL-2.0
/*
 * A balloon whose migrate callback reaches its balloon through its own
 * structure (b->b_dev_info, as vmw_balloon does) instead of the callback's
 * parameter, and answers -EBUSY: the 7.0 core does the bookkeeping, so each
 * of these lines must be reported (isolated_pages-- still compiles on 7.x
 * and would count the page twice). Its inflate path adjusts the managed page
 * count itself, which 7.0's enqueue does once the flag is set: reported.
 */
#include <linux/balloon_compaction.h>
#include <linux/module.h>

struct toy_balloon {
	struct balloon_dev_info b_dev_info;
	bool device_ok;
};

static struct toy_balloon toy;

static int toy_migratepage(struct balloon_dev_info *b_dev_info,
			   struct page *newpage, struct page *page,
			   enum migrate_mode mode)
{
	struct toy_balloon *b = &toy;
	unsigned long flags;

	if (!b->device_ok)
		return -EBUSY;
	get_page(newpage);
	spin_lock_irqsave(&b->b_dev_info.pages_lock, flags);
	balloon_page_insert(&b->b_dev_info, newpage);
	b->b_dev_info.isolated_pages--;
	spin_unlock_irqrestore(&b->b_dev_info.pages_lock, flags);
	balloon_page_finalize(page);
	put_page(page);
	return MIGRATEPAGE_SUCCESS;
}

static void toy_inflate_one(void)
{
	struct page *page = balloon_page_alloc();

	if (!page)
		return;
	balloon_page_enqueue(&toy.b_dev_info, page);
	adjust_managed_page_count(page, -1);
}

static int __init toy_init(void)
{
	balloon_devinfo_init(&toy.b_dev_info);
	toy.b_dev_info.migratepage = toy_migratepage;
	toy_inflate_one();
	return 0;
}

module_init(toy_init);
MODULE_LICENSE("GPL");
