// SPDX-License-Identifier: GPL-2.0
/*
 * mcdemo: a struct movable_operations-era (6.0-6.16) driver whose pages are
 * movable. Input of mops_to_movcompat.cocci and to_movcompat.cocci: a
 * whole driver; the result builds on every era through movcompat.
 */
#include <linux/highmem.h>
#include <linux/migrate.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/spinlock.h>

#define MCDEMO_PAGES	64

struct mcdemo_pool {
	spinlock_t lock;
	struct page *pages[MCDEMO_PAGES];
};

static struct mcdemo_pool pool;
static const struct movable_operations mcdemo_mops;

static bool mcdemo_isolate(struct page *page, isolate_mode_t mode)
{
	VM_BUG_ON_PAGE(!PageMovable(page), page);
	return true;
}

static int mcdemo_migrate(struct page *dst, struct page *src,
			  enum migrate_mode mode)
{
	unsigned long idx = page_private(src);

	VM_BUG_ON_PAGE(!PageMovable(src), src);
	copy_highpage(dst, src);
	set_page_private(dst, idx);
	spin_lock(&pool.lock);
	pool.pages[idx] = dst;
	spin_unlock(&pool.lock);
	set_page_private(src, 0);
	get_page(dst);
	__SetPageMovable(dst, &mcdemo_mops);
	__ClearPageMovable(src);
	put_page(src);
	return MIGRATEPAGE_SUCCESS;
}

static void mcdemo_putback(struct page *page)
{
}

static const struct movable_operations mcdemo_mops = {
	.isolate_page = mcdemo_isolate,
	.migrate_page = mcdemo_migrate,
	.putback_page = mcdemo_putback,
};

static void mcdemo_release(unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		struct page *page = pool.pages[i];

		lock_page(page);
		__ClearPageMovable(page);
		unlock_page(page);
		put_page(page);
	}
}

static int __init mcdemo_init(void)
{
	unsigned int i;

	spin_lock_init(&pool.lock);
	for (i = 0; i < MCDEMO_PAGES; i++) {
		struct page *page = alloc_page(GFP_HIGHUSER | __GFP_MOVABLE);

		if (!page) {
			mcdemo_release(i);
			return -ENOMEM;
		}
		set_page_private(page, i);
		lock_page(page);
		__SetPageMovable(page, &mcdemo_mops);
		unlock_page(page);
		pool.pages[i] = page;
	}
	return 0;
}

static void __exit mcdemo_exit(void)
{
	mcdemo_release(MCDEMO_PAGES);
}

module_init(mcdemo_init);
module_exit(mcdemo_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("movable_operations-era movable pages (semantic patch test input)");
