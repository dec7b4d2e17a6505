// SPDX-License-Identifier: GPL-2.0
/*
 * balloon_store: a balloon driver written for the 4.8-5.19 kernels, as
 * virtio_balloon, vmw_balloon and cmm of that time were: its pages go
 * through the kernel's balloon core, made movable by the balloon_aops on
 * the inode of its own pseudo filesystem, and its migratepage callback
 * does the balloon's bookkeeping and tells the "hypervisor" (here an
 * xarray of the inflated pfns) about each move. It is an input of the
 * porting test (tests/ported): the semantic patches and the hand edits
 * their MANUAL lines ask for turn it into a driver on movcompat's balloon
 * shim that runs on every kernel. Not built as it is but on its own era
 * (5.10).
 *
 * debugfs balloon_store/: stats (pages, migrated), verify ("pages N bad B":
 * the hypervisor holds N pfns, B of them not balloon pages, or the count
 * wrong), pfns (the inflated pfns, one a line).
 */
#include <linux/balloon_compaction.h>
#include <linux/debugfs.h>
#include <linux/delay.h>
#include <linux/fs.h>
#include <linux/migrate.h>
#include <linux/module.h>
#include <linux/mount.h>
#include <linux/pseudo_fs.h>
#include <linux/seq_file.h>
#include <linux/xarray.h>

#define BSTORE_MAGIC 0x42535452
#define BSTORE_MAX (1UL << 20)

static unsigned long npages = 8192;
module_param(npages, ulong, 0444);
MODULE_PARM_DESC(npages, "pages inflated at load (1 to 1048576)");

static struct balloon_dev_info bstore_b;
static DEFINE_XARRAY(host);		/* the hypervisor's view: inflated pfns */
static atomic_long_t inflated;
static atomic_long_t migrated;
static struct vfsmount *bstore_mnt;
static struct dentry *dir;

/* the hypervisor takes a page */
static int host_inflate(struct page *page)
{
	return xa_err(xa_store(&host, page_to_pfn(page), page, GFP_KERNEL));
}

/* the hypervisor gives a page back */
static void host_deflate(struct page *page)
{
	xa_erase(&host, page_to_pfn(page));
}

static int bstore_migratepage(struct balloon_dev_info *b_dev_info,
			      struct page *newpage, struct page *page,
			      enum migrate_mode mode)
{
	unsigned long flags;

	if (host_inflate(newpage))
		return -EAGAIN;

	get_page(newpage);
	spin_lock_irqsave(&b_dev_info->pages_lock, flags);
	balloon_page_insert(b_dev_info, newpage);
	b_dev_info->isolated_pages--;
	__count_vm_event(BALLOON_MIGRATE);
	spin_unlock_irqrestore(&b_dev_info->pages_lock, flags);

	host_deflate(page);
	atomic_long_inc(&migrated);

	balloon_page_delete(page);
	put_page(page);

	return MIGRATEPAGE_SUCCESS;
}

static int bstore_init_fs_context(struct fs_context *fc)
{
	return init_pseudo(fc, BSTORE_MAGIC) ? 0 : -ENOMEM;
}

static struct file_system_type bstore_fs = {
	.name = "balloon_store",
	.init_fs_context = bstore_init_fs_context,
	.kill_sb = kill_anon_super,
};

static long inflate(unsigned long n)
{
	unsigned long i;

	for (i = 0; i < n; i++) {
		struct page *page = balloon_page_alloc();

		if (!page)
			return -ENOMEM;
		if (host_inflate(page)) {
			__free_page(page);
			return -ENOMEM;
		}
		balloon_page_enqueue(&bstore_b, page);
		atomic_long_inc(&inflated);
	}
	return 0;
}

static void deflate_all(void)
{
	while (atomic_long_read(&inflated)) {
		struct page *page = balloon_page_dequeue(&bstore_b);

		if (!page) {
			/* all left are isolated for migration: wait */
			msleep(20);
			continue;
		}
		host_deflate(page);
		put_page(page);
		atomic_long_dec(&inflated);
	}
}

static int stats_show(struct seq_file *m, void *v)
{
	seq_printf(m, "pages %ld\nmigrated %ld\n", atomic_long_read(&inflated),
		   atomic_long_read(&migrated));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(stats);

static int verify_show(struct seq_file *m, void *v)
{
	unsigned long pfn, n = 0, bad = 0;
	struct page *page;

	xa_for_each(&host, pfn, page) {
		n++;
		if (page_to_pfn(page) != pfn || !PageOffline(page))
			bad++;
	}
	if (n != atomic_long_read(&inflated))
		bad++;
	seq_printf(m, "pages %lu bad %lu\n", n, bad);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(verify);

static int pfns_show(struct seq_file *m, void *v)
{
	unsigned long pfn;
	struct page *page;

	xa_for_each(&host, pfn, page)
		seq_printf(m, "%lu\n", pfn);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(pfns);

static int __init bstore_init(void)
{
	long ret;

	if (!npages || npages > BSTORE_MAX) {
		pr_err("balloon_store: npages=%lu must be between 1 and %lu\n",
		       npages, BSTORE_MAX);
		return -EINVAL;
	}
	balloon_devinfo_init(&bstore_b);
	bstore_mnt = kern_mount(&bstore_fs);
	if (IS_ERR(bstore_mnt))
		return PTR_ERR(bstore_mnt);
	bstore_b.migratepage = bstore_migratepage;
	bstore_b.inode = alloc_anon_inode(bstore_mnt->mnt_sb);
	if (IS_ERR(bstore_b.inode)) {
		ret = PTR_ERR(bstore_b.inode);
		goto err_unmount;
	}
	bstore_b.inode->i_mapping->a_ops = &balloon_aops;
	ret = inflate(npages);
	if (ret)
		goto err_deflate;
	dir = debugfs_create_dir("balloon_store", NULL);
	debugfs_create_file("stats", 0444, dir, NULL, &stats_fops);
	debugfs_create_file("verify", 0444, dir, NULL, &verify_fops);
	debugfs_create_file("pfns", 0444, dir, NULL, &pfns_fops);
	return 0;

err_deflate:
	deflate_all();
	iput(bstore_b.inode);
err_unmount:
	kern_unmount(bstore_mnt);
	return ret;
}

static void __exit bstore_exit(void)
{
	debugfs_remove_recursive(dir);
	deflate_all();
	iput(bstore_b.inode);
	kern_unmount(bstore_mnt);
	xa_destroy(&host);
}

module_init(bstore_init);
module_exit(bstore_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("a 4.8-5.19 era balloon driver, the input of the porting test");
