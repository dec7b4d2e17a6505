// SPDX-License-Identifier: GPL-2.0
/*
 * mcballoon: a balloon driver written against <linux/balloon_compaction.h>
 * (6.1.160+/6.12.64+/6.17-6.19: balloon_page_finalize). It has no device:
 * inflating just takes pages from the guest, and the "host" is told
 * nothing. Input of to_movcompat.cocci: a whole balloon driver
 * (balloon_compaction_to_balloon.c), ported onto movcompat.
 */
#include <linux/balloon_compaction.h>
#include <linux/list.h>
#include <linux/migrate.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/mutex.h>

struct mcballoon {
	struct balloon_dev_info b_dev_info;
	struct mutex lock;
	unsigned long nr_pages;
	unsigned long nr_migrated;
};

static struct mcballoon mcb;
static unsigned long pages = 256;
module_param(pages, ulong, 0444);

static void mcballoon_tell_host(struct page *page, bool inflate)
{
}

static int mcballoon_migratepage(struct balloon_dev_info *b_dev_info,
				 struct page *newpage, struct page *page,
				 enum migrate_mode mode)
{
	struct mcballoon *b = container_of(b_dev_info, struct mcballoon,
					   b_dev_info);
	unsigned long flags;

	if (!mutex_trylock(&b->lock))
		return -EAGAIN;

	get_page(newpage);
	spin_lock_irqsave(&b_dev_info->pages_lock, flags);
	balloon_page_insert(b_dev_info, newpage);
	b_dev_info->isolated_pages--;
	__count_vm_event(BALLOON_MIGRATE);
	spin_unlock_irqrestore(&b_dev_info->pages_lock, flags);
	mcballoon_tell_host(newpage, true);
	mcballoon_tell_host(page, false);
	b->nr_migrated++;
	mutex_unlock(&b->lock);

	balloon_page_finalize(page);
	put_page(page);
	return MIGRATEPAGE_SUCCESS;
}

static unsigned long mcballoon_inflate(unsigned long n)
{
	unsigned long done = 0;
	struct page *page, *next;
	LIST_HEAD(list);

	while (done < n) {
		page = balloon_page_alloc();
		if (!page)
			break;
		balloon_page_push(&list, page);
		done++;
	}
	mutex_lock(&mcb.lock);
	list_for_each_entry_safe(page, next, &list, lru) {
		list_del(&page->lru);
		balloon_page_enqueue(&mcb.b_dev_info, page);
		mcballoon_tell_host(page, true);
		mcb.nr_pages++;
	}
	mutex_unlock(&mcb.lock);
	return done;
}

static void mcballoon_deflate_all(void)
{
	struct page *page;

	mutex_lock(&mcb.lock);
	while (mcb.nr_pages) {
		page = balloon_page_dequeue(&mcb.b_dev_info);
		if (!page) {
			mutex_unlock(&mcb.lock);
			cond_resched();
			mutex_lock(&mcb.lock);
			continue;
		}
		mcballoon_tell_host(page, false);
		mcb.nr_pages--;
		put_page(page);
	}
	mutex_unlock(&mcb.lock);
}

static int __init mcballoon_init(void)
{
	mutex_init(&mcb.lock);
	balloon_devinfo_init(&mcb.b_dev_info);
	if (IS_ENABLED(CONFIG_BALLOON_COMPACTION))
		mcb.b_dev_info.migratepage = mcballoon_migratepage;
	pr_info("mcballoon: inflated %lu pages\n", mcballoon_inflate(pages));
	return 0;
}

static void __exit mcballoon_exit(void)
{
	mcballoon_deflate_all();
}

module_init(mcballoon_init);
module_exit(mcballoon_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("balloon_compaction.h-era balloon (semantic patch test input)");
