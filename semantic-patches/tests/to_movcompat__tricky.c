// SPDX-License-Identifier: GPL-2.0
/*
 * Tricky cases for aops_to_mops.cocci and to_movcompat.cocci (a fragment):
 * a table that is not static and is declared before its definition,
 * callbacks shared by two tables, code under #ifdef CONFIG_COMPACTION,
 * a macro around __SetPageMovable(), driver state reached through
 * page_mapping(), and a __SetPageMovable() whose table cannot be known.
 */
#include <linux/fs.h>
#include <linux/migrate.h>

#define TRICKY_MARK(page, mapping) __SetPageMovable(page, mapping)

struct tricky_dev {
	struct inode *hot_inode, *cold_inode;
};

extern const struct address_space_operations tricky_hot_aops;

#ifdef CONFIG_COMPACTION
static bool tricky_isolate(struct page *page, isolate_mode_t mode)
{
	struct tricky_dev *dev = page_mapping(page)->private_data;

	return dev != NULL;
}

static int tricky_migrate(struct address_space *mapping, struct page *newpage,
			  struct page *page, enum migrate_mode mode)
{
	get_page(newpage);
	__SetPageMovable(newpage, mapping);
	__ClearPageMovable(page);
	put_page(page);
	return MIGRATEPAGE_SUCCESS;
}

static void tricky_putback(struct page *page)
{
}

const struct address_space_operations tricky_hot_aops = {
	.isolate_page = tricky_isolate,
	.migratepage = tricky_migrate,
	.putback_page = tricky_putback,
};

static const struct address_space_operations tricky_cold_aops = {
	.migratepage = tricky_migrate,
	.isolate_page = tricky_isolate,
	.putback_page = tricky_putback,
};
#endif

static void tricky_setup(struct tricky_dev *dev)
{
	dev->hot_inode->i_mapping->private_data = dev;
	dev->hot_inode->i_mapping->a_ops = &tricky_hot_aops;
	dev->cold_inode->i_mapping->a_ops = &tricky_cold_aops;
}

static void tricky_mark(struct tricky_dev *dev, struct page *hot,
			struct page *cold, struct page *other)
{
	lock_page(hot);
	__SetPageMovable(hot, dev->hot_inode->i_mapping);
	unlock_page(hot);
	lock_page(cold);
	__SetPageMovable(cold, dev->cold_inode->i_mapping);
	unlock_page(cold);
	lock_page(other);
	__SetPageMovable(other, page_mapping(hot));
	unlock_page(other);
	TRICKY_MARK(hot, dev->hot_inode->i_mapping);
}
