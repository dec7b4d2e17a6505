// SPDX-License-Identifier: GPL-2.0
/*
 * A balloon-core user of 4.8-5.19 (the shape of virtio_balloon, vmw_balloon
 * and cmm in 5.10): no ops table of its own; it mounts a pseudo filesystem
 * only to give an anonymous inode the balloon core's a_ops. From 6.0 the
 * balloon core makes balloon pages movable itself and struct
 * balloon_dev_info has no inode.
 */
#include <linux/balloon_compaction.h>
#include <linux/fs.h>
#include <linux/module.h>
#include <linux/mount.h>
#include <linux/pseudo_fs.h>

#define TOY_BALLOON_MAGIC 0x70796f74

struct toy_balloon {
	struct balloon_dev_info b_dev_info;
};

static struct toy_balloon toy;
static struct vfsmount *toy_mnt;

static int toy_migratepage(struct balloon_dev_info *b_dev_info,
			   struct page *newpage, struct page *page,
			   enum migrate_mode mode)
{
	return -EAGAIN;
}

static int toy_init_fs_context(struct fs_context *fc)
{
	return init_pseudo(fc, TOY_BALLOON_MAGIC) ? 0 : -ENOMEM;
}

static struct file_system_type toy_fs = {
	.name = "toy_balloon",
	.init_fs_context = toy_init_fs_context,
	.kill_sb = kill_anon_super,
};

static int __init toy_init(void)
{
	int err;

	balloon_devinfo_init(&toy.b_dev_info);
	toy.b_dev_info.migratepage = toy_migratepage;
	toy_mnt = kern_mount(&toy_fs);
	if (IS_ERR(toy_mnt))
		return PTR_ERR(toy_mnt);
	toy.b_dev_info.inode = alloc_anon_inode(toy_mnt->mnt_sb);
	if (IS_ERR(toy.b_dev_info.inode)) {
		err = PTR_ERR(toy.b_dev_info.inode);
		kern_unmount(toy_mnt);
		return err;
	}
	toy.b_dev_info.inode->i_mapping->a_ops = &balloon_aops;
	return 0;
}

static void __exit toy_exit(void)
{
	iput(toy.b_dev_info.inode);
	kern_unmount(toy_mnt);
}

module_init(toy_init);
module_exit(toy_exit);
MODULE_LICENSE("GPL");
