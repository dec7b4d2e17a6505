// SPDX-License-Identifier: GPL-2.0
/*
 * mc_smoke - proves the build-and-boot harness on one kernel: it loads,
 * answers a debugfs read with a fixed line and the kernel release, and
 * unloads cleanly.
 */
#include <linux/module.h>
#include <linux/debugfs.h>
#include <linux/seq_file.h>
#include <linux/utsname.h>

static struct dentry *mc_smoke_dir;

static int mc_smoke_show(struct seq_file *m, void *v)
{
	seq_printf(m, "movcompat-smoke ok %s\n", utsname()->release);
	return 0;
}

/* spelled out: DEFINE_SHOW_ATTRIBUTE() is v4.16+ and this module has no probes */
static int mc_smoke_open(struct inode *inode, struct file *file)
{
	return single_open(file, mc_smoke_show, inode->i_private);
}

static const struct file_operations mc_smoke_fops = {
	.owner = THIS_MODULE,
	.open = mc_smoke_open,
	.read = seq_read,
	.llseek = seq_lseek,
	.release = single_release,
};

static int __init mc_smoke_init(void)
{
	mc_smoke_dir = debugfs_create_dir("mc_smoke", NULL);
	debugfs_create_file("status", 0444, mc_smoke_dir, NULL, &mc_smoke_fops);
	return 0;
}

static void __exit mc_smoke_exit(void)
{
	debugfs_remove_recursive(mc_smoke_dir);
}

module_init(mc_smoke_init);
module_exit(mc_smoke_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("movcompat harness smoke test");
