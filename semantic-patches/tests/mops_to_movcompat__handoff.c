// SPDX-License-Identifier: GPL-2.0
/*
 * A migrate callback that hands the new page to a work item between its
 * bookkeeping calls: the merged movcompat_page_migrated() takes
 * put_page(src)'s place, after the hand-off, so it is reported.
 */
#include <linux/migrate.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/workqueue.h>

struct ho_work {
	struct work_struct work;
	struct page *page;
};

static struct ho_work ho_w;
static const struct movable_operations ho_mops;

static bool ho_isolate(struct page *page, isolate_mode_t mode)
{
	return true;
}

static int ho_migrate(struct page *dst, struct page *src,
		      enum migrate_mode mode)
{
	copy_highpage(dst, src);
	get_page(dst);
	__SetPageMovable(dst, &ho_mops);
	ho_w.page = dst;
	queue_work_on(0, system_wq, &ho_w.work);
	__ClearPageMovable(src);
	put_page(src);
	return MIGRATEPAGE_SUCCESS;
}

static void ho_putback(struct page *page)
{
}

static const struct movable_operations ho_mops = {
	.isolate_page = ho_isolate,
	.migrate_page = ho_migrate,
	.putback_page = ho_putback,
};

static void ho_fn(struct work_struct *work)
{
}

static int __init ho_init(void)
{
	INIT_WORK(&ho_w.work, ho_fn);
	return 0;
}

static void __exit ho_exit(void)
{
	flush_work(&ho_w.work);
}

module_init(ho_init);
module_exit(ho_exit);
MODULE_LICENSE("GPL");
