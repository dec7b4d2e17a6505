// SPDX-License-Identifier: GPL-2.0
/*
 * A driver that does not use the movable-page API (it allocates pages,
 * takes page locks and uses a list and an address_space pointer, so the
 * patches' tokens almost match): every patch must leave it byte-for-byte
 * unchanged.
 */
#include <linux/fs.h>
#include <linux/list.h>
#include <linux/mm.h>
#include <linux/module.h>

static LIST_HEAD(noapi_pages);
static struct address_space *noapi_mapping;

static int __init noapi_init(void)
{
	struct page *page = alloc_page(GFP_KERNEL | __GFP_MOVABLE);

	if (!page)
		return -ENOMEM;
	lock_page(page);
	list_add(&page->lru, &noapi_pages);
	unlock_page(page);
	noapi_mapping = NULL;
	return 0;
}

static void __exit noapi_exit(void)
{
	struct page *page, *next;

	list_for_each_entry_safe(page, next, &noapi_pages, lru) {
		list_del(&page->lru);
		put_page(page);
	}
}

module_init(noapi_init);
module_exit(noapi_exit);
MODULE_LICENSE("GPL");
