// SPDX-License-Identifier: GPL-2.0
/*
 * mops_to_movcompat: a module_init that ends with the result of a call
 * (return platform_driver_register(...)): if the call fails, the domain
 * made before it stays registered. The patch cannot destroy it without a
 * variable for the result: reported.
 */
#include <linux/migrate.h>
#include <linux/module.h>
#include <linux/platform_device.h>

static struct page *rc_page;

static bool rc_isolate(struct page *page, isolate_mode_t mode)
{
	return true;
}

static int rc_migrate(struct page *dst, struct page *src,
		      enum migrate_mode mode)
{
	get_page(dst);
	__SetPageMovable(dst, page_movable_ops(src));
	__ClearPageMovable(src);
	put_page(src);
	return MIGRATEPAGE_SUCCESS;
}

static void rc_putback(struct page *page)
{
}

static const struct movable_operations rc_mops = {
	.isolate_page = rc_isolate,
	.migrate_page = rc_migrate,
	.putback_page = rc_putback,
};

static struct platform_driver rc_driver = {
	.driver = { .name = "rc" },
};

static int __init rc_init(void)
{
	rc_page = alloc_page(GFP_HIGHUSER | __GFP_MOVABLE);
	if (!rc_page)
		return -ENOMEM;
	lock_page(rc_page);
	__SetPageMovable(rc_page, &rc_mops);
	unlock_page(rc_page);
	return platform_driver_register(&rc_driver);
}

static void __exit rc_exit(void)
{
	platform_driver_unregister(&rc_driver);
	lock_page(rc_page);
	__ClearPageMovable(rc_page);
	unlock_page(rc_page);
	put_page(rc_page);
}

module_init(rc_init);
module_exit(rc_exit);
MODULE_LICENSE("GPL");
