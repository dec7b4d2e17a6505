// SPDX-License-Identifier: GPL-2.0
/*
 * Tricky cases for balloon_compaction_to_balloon.cocci (a fragment): code
 * under #ifdef CONFIG_BALLOON_COMPACTION, the 5.10-6.0 name
 * balloon_page_delete(), balloon_page_pop(), pages_lock outside the
 * callback, adjust_managed_page_count() in the callback, a macro around a
 * call, and a callback with extra work between the bookkeeping steps.
 */
#include <linux/balloon_compaction.h>
#include <linux/mm.h>

#define TRICKY_PUSH(list, page) balloon_page_push(list, page)

struct tricky_balloon {
	struct balloon_dev_info b_dev_info;
	struct list_head spare;
	bool deflate_on_oom;
};

static struct tricky_balloon tb;

#ifdef CONFIG_BALLOON_COMPACTION
static int tricky_migratepage(struct balloon_dev_info *b_dev_info,
			      struct page *newpage, struct page *page,
			      enum migrate_mode mode)
{
	unsigned long flags;

	get_page(newpage);
	if (!tb.deflate_on_oom && page_zone(page) != page_zone(newpage)) {
		adjust_managed_page_count(page, 1);
		adjust_managed_page_count(newpage, -1);
	}
	spin_lock_irqsave(&b_dev_info->pages_lock, flags);
	balloon_page_insert(b_dev_info, newpage);
	b_dev_info->isolated_pages--;
	__count_vm_event(BALLOON_MIGRATE);
	spin_unlock_irqrestore(&b_dev_info->pages_lock, flags);

	balloon_page_delete(page);
	put_page(page);
	return MIGRATEPAGE_SUCCESS;
}
#endif /* CONFIG_BALLOON_COMPACTION */

static void tricky_spare(void)
{
	struct page *page;
	unsigned long flags;

	spin_lock_irqsave(&tb.b_dev_info.pages_lock, flags);
	page = balloon_page_pop(&tb.spare);
	spin_unlock_irqrestore(&tb.b_dev_info.pages_lock, flags);
	if (page)
		TRICKY_PUSH(&tb.spare, page);
}

static void tricky_setup(void)
{
	balloon_devinfo_init(&tb.b_dev_info);
	INIT_LIST_HEAD(&tb.spare);
#ifdef CONFIG_BALLOON_COMPACTION
	tb.b_dev_info.migratepage = tricky_migratepage;
#endif
	if (IS_ENABLED(CONFIG_MEMORY_BALLOON))
		pr_info("tricky: balloon core present\n");
}
