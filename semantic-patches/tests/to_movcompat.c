// SPDX-License-Identifier: GPL-2.0
/*
 * mcdemo: an address_space-era (4.8-5.19) driver whose pages are movable.
 * Input of aops_to_mops.cocci and to_movcompat.cocci: a whole driver.
 */
#include <linux/fs.h>
#include <linux/highmem.h>
#include <linux/migrate.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/mount.h>
#include <linux/pseudo_fs.h>
#include <linux/spinlock.h>

#define MCDEMO_MAGIC	0x6d636430
#define MCDEMO_PAGES	64

struct mcdemo_pool {
	struct inode *inode;
	spinlock_t lock;
	struct page *pages[MCDEMO_PAGES];
};

static struct mcdemo_pool pool;
static struct vfsmount *mcdemo_mnt;

static int mcdemo_migrate(struct address_space *mapping, struct page *newpage,
			  struct page *page, enum migrate_mode mode);

static bool mcdemo_isolate(struct page *page, isolate_mode_t mode)
{
	return true;
}

static int mcdemo_migrate(struct address_space *mapping, struct page *newpage,
			  struct page *page, enum migrate_mode mode)
{
	unsigned long idx = page_private(page);

	copy_highpage(newpage, page);
	set_page_private(newpage, idx);
	spin_lock(&pool.lock);
	pool.pages[idx] = newpage;
	spin_unlock(&pool.lock);
	set_page_private(page, 0);
	get_page(newpage);
	__SetPageMovable(newpage, mapping);
	__ClearPageMovable(page);
	put_page(page);
	return MIGRATEPAGE_SUCCESS;
}

static void mcdemo_putback(struct page *page)
{
}

static const struct address_space_operations mcdemo_aops = {
	.isolate_page = mcdemo_isolate,
	.migratepage = mcdemo_migrate,
	.putback_page = mcdemo_putback,
};

static int mcdemo_init_fs_context(struct fs_context *fc)
{
	return init_pseudo(fc, MCDEMO_MAGIC) ? 0 : -ENOMEM;
}

static struct file_system_type mcdemo_fs = {
	.name		= "mcdemo",
	.init_fs_context = mcdemo_init_fs_context,
	.kill_sb	= kill_anon_super,
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
	mcdemo_mnt = kern_mount(&mcdemo_fs);
	if (IS_ERR(mcdemo_mnt))
		return PTR_ERR(mcdemo_mnt);
	pool.inode = alloc_anon_inode(mcdemo_mnt->mnt_sb);
	if (IS_ERR(pool.inode)) {
		kern_unmount(mcdemo_mnt);
		return PTR_ERR(pool.inode);
	}
	pool.inode->i_mapping->a_ops = &mcdemo_aops;

	for (i = 0; i < MCDEMO_PAGES; i++) {
		struct page *page = alloc_page(GFP_HIGHUSER | __GFP_MOVABLE);

		if (!page) {
			mcdemo_release(i);
			iput(pool.inode);
			kern_unmount(mcdemo_mnt);
			return -ENOMEM;
		}
		set_page_private(page, i);
		lock_page(page);
		__SetPageMovable(page, pool.inode->i_mapping);
		unlock_page(page);
		pool.pages[i] = page;
	}
	return 0;
}

static void __exit mcdemo_exit(void)
{
	mcdemo_release(MCDEMO_PAGES);
	iput(pool.inode);
	kern_unmount(mcdemo_mnt);
}

module_init(mcdemo_init);
module_exit(mcdemo_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("address_space-era movable pages (semantic patch test input)");
