// SPDX-License-Identifier: GPL-2.0
/*
 * aops_store: a store driver written for the 4.8-5.19 kernels, as such
 * drivers were (zsmalloc, z3fold of that time): it keeps npages pages in
 * an array, makes them movable through an address_space_operations table
 * on the inode of its own pseudo filesystem, and moves them when the
 * kernel asks. It is the input of the porting test (tests/ported): the
 * semantic patches and the hand edits their MANUAL lines ask for turn it
 * into a movcompat driver that runs on every kernel. Not built as it is
 * but on its own era (5.10).
 *
 * debugfs aops_store/: stats (pages, migrated), verify ("pages N bad B":
 * every page still holds the pattern of its index), pfns (one a line).
 */
#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/highmem.h>
#include <linux/migrate.h>
#include <linux/module.h>
#include <linux/mount.h>
#include <linux/pseudo_fs.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

#define STORE_MAGIC 0x53544f52
#define STORE_MAX (1UL << 20)

static unsigned long npages = 8192;
module_param(npages, ulong, 0444);
MODULE_PARM_DESC(npages, "pages kept (1 to 1048576)");

static struct page **pages;
static DEFINE_SPINLOCK(pages_lock);
static atomic_long_t migrated;
static struct vfsmount *store_mnt;
static struct inode *store_inode;
static struct dentry *dir;

static void fill(struct page *page, unsigned long i)
{
	unsigned long *p = kmap_atomic(page);
	unsigned int k;

	for (k = 0; k < PAGE_SIZE / sizeof(*p); k++)
		p[k] = i * 7919 + k;
	kunmap_atomic(p);
}

static bool intact(struct page *page, unsigned long i)
{
	unsigned long *p = kmap_atomic(page);
	unsigned int k;
	bool ok = true;

	for (k = 0; k < PAGE_SIZE / sizeof(*p); k++)
		if (p[k] != i * 7919 + k)
			ok = false;
	kunmap_atomic(p);
	return ok;
}

static bool store_isolate(struct page *page, isolate_mode_t mode)
{
	return true;
}

static int store_migratepage(struct address_space *mapping,
			     struct page *newpage, struct page *page,
			     enum migrate_mode mode)
{
	unsigned long i = page_private(page);

	copy_highpage(newpage, page);
	set_page_private(newpage, i);
	spin_lock(&pages_lock);
	pages[i] = newpage;
	spin_unlock(&pages_lock);
	atomic_long_inc(&migrated);

	get_page(newpage);
	__SetPageMovable(newpage, mapping);
	__ClearPageMovable(page);
	put_page(page);
	return MIGRATEPAGE_SUCCESS;
}

static void store_putback(struct page *page)
{
}

static const struct address_space_operations store_aops = {
	.isolate_page = store_isolate,
	.migratepage = store_migratepage,
	.putback_page = store_putback,
};

static int store_init_fs_context(struct fs_context *fc)
{
	return init_pseudo(fc, STORE_MAGIC) ? 0 : -ENOMEM;
}

static struct file_system_type store_fs = {
	.name = "aops_store",
	.init_fs_context = store_init_fs_context,
	.kill_sb = kill_anon_super,
};

static struct page *take(unsigned long i)
{
	struct page *page;

	spin_lock(&pages_lock);
	page = pages[i];
	spin_unlock(&pages_lock);
	return page;
}

static void release_all(unsigned long n)
{
	unsigned long i;

	for (i = 0; i < n; i++) {
		struct page *page = take(i);

		lock_page(page);
		__ClearPageMovable(page);
		unlock_page(page);
		put_page(page);
	}
}

static int stats_show(struct seq_file *m, void *v)
{
	seq_printf(m, "pages %lu\nmigrated %ld\n", npages,
		   atomic_long_read(&migrated));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(stats);

static int verify_show(struct seq_file *m, void *v)
{
	unsigned long i, bad = 0;

	for (i = 0; i < npages; i++) {
		struct page *page = take(i);

		lock_page(page);
		if (!intact(take(i), i))
			bad++;
		unlock_page(page);
	}
	seq_printf(m, "pages %lu bad %lu\n", npages, bad);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(verify);

static int pfns_show(struct seq_file *m, void *v)
{
	unsigned long i;

	for (i = 0; i < npages; i++)
		seq_printf(m, "%lu\n", page_to_pfn(take(i)));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(pfns);

static int __init store_init(void)
{
	unsigned long i;
	int ret;

	if (!npages || npages > STORE_MAX) {
		pr_err("aops_store: npages=%lu must be between 1 and %lu\n",
		       npages, STORE_MAX);
		return -EINVAL;
	}
	pages = vzalloc(array_size(npages, sizeof(*pages)));
	if (!pages)
		return -ENOMEM;
	store_mnt = kern_mount(&store_fs);
	if (IS_ERR(store_mnt)) {
		ret = PTR_ERR(store_mnt);
		goto err_free;
	}
	store_inode = alloc_anon_inode(store_mnt->mnt_sb);
	if (IS_ERR(store_inode)) {
		ret = PTR_ERR(store_inode);
		goto err_unmount;
	}
	store_inode->i_mapping->a_ops = &store_aops;
	for (i = 0; i < npages; i++) {
		struct page *page = alloc_page(GFP_HIGHUSER | __GFP_MOVABLE);

		if (!page) {
			release_all(i);
			ret = -ENOMEM;
			goto err_iput;
		}
		fill(page, i);
		set_page_private(page, i);
		lock_page(page);
		__SetPageMovable(page, store_inode->i_mapping);
		unlock_page(page);
		pages[i] = page;
	}
	dir = debugfs_create_dir("aops_store", NULL);
	debugfs_create_file("stats", 0444, dir, NULL, &stats_fops);
	debugfs_create_file("verify", 0444, dir, NULL, &verify_fops);
	debugfs_create_file("pfns", 0444, dir, NULL, &pfns_fops);
	return 0;

err_iput:
	iput(store_inode);
err_unmount:
	kern_unmount(store_mnt);
err_free:
	vfree(pages);
	return ret;
}

static void __exit store_exit(void)
{
	debugfs_remove_recursive(dir);
	release_all(npages);
	iput(store_inode);
	kern_unmount(store_mnt);
	vfree(pages);
}

module_init(store_init);
module_exit(store_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("a 4.8-5.19 era store driver, the input of the porting test");
