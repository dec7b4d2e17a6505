// SPDX-License-Identifier: GPL-2.0
/*
 * A 6.0-6.16 store driver whose allocation flags come from its caller (a
 * gfp parameter): whether they carry __GFP_MOVABLE is not in this file, so
 * the conversion to movcompat_alloc_page() cannot be decided here and is
 * reported. The constant allocation is converted.
 */
#include <linux/migrate.h>
#include <linux/mm.h>
#include <linux/module.h>

static const struct movable_operations gp_mops;

static bool gp_isolate(struct page *page, isolate_mode_t mode)
{
	return true;
}

static int gp_migrate(struct page *dst, struct page *src,
		      enum migrate_mode mode)
{
	return -EAGAIN;
}

static void gp_putback(struct page *page)
{
}

static const struct movable_operations gp_mops = {
	.isolate_page = gp_isolate,
	.migrate_page = gp_migrate,
	.putback_page = gp_putback,
};

static struct page *gp_store(gfp_t gfp)
{
	struct page *page = alloc_page(gfp);

	if (!page)
		return NULL;
	lock_page(page);
	__SetPageMovable(page, &gp_mops);
	unlock_page(page);
	return page;
}

static struct page *gp_store_default(void)
{
	struct page *page = alloc_page(GFP_KERNEL | __GFP_MOVABLE);

	if (!page)
		return NULL;
	lock_page(page);
	__SetPageMovable(page, &gp_mops);
	unlock_page(page);
	return page;
}

static int __init gp_init(void)
{
	struct page *a = gp_store(GFP_HIGHUSER_MOVABLE);
	struct page *b = gp_store_default();

	if (a)
		put_page(a);
	if (b)
		put_page(b);
	return 0;
}

module_init(gp_init);
MODULE_LICENSE("GPL");
