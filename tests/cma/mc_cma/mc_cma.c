// SPDX-License-Identifier: GPL-2.0
/*
 * mc_cma: takes the whole default CMA area (boot with cma=SIZE), for the
 * CMA tests of movcompat. The kernel must migrate every movable page out
 * of the area to satisfy it; pages that cannot move make it fail.
 *
 * Allocations go through the DMA API of a platform device in chunks of
 * 8 MiB: above the buddy allocator's largest order, so dma-direct cannot
 * fall back to ordinary pages, and every chunk it returns came from CMA.
 *
 * debugfs /sys/kernel/debug/mc_cma/
 *   take     read: allocate chunks until one fails, keep them, print
 *            "chunks N pages P" and one "START_PFN NR_PAGES" line each
 *   release  write anything: free every chunk held
 */
#include <linux/debugfs.h>
#include <linux/dma-mapping.h>
#include <linux/module.h>
#include <linux/platform_device.h>
#include <linux/seq_file.h>

#define MC_CMA_CHUNK	(8UL << 20)
#define MC_CMA_MAX	512

struct mc_chunk {
	void *cpu;
	dma_addr_t dma;
};

static struct platform_device *pdev;
static struct mc_chunk chunks[MC_CMA_MAX];
static unsigned int nr_chunks;
static DEFINE_MUTEX(lock);
static struct dentry *dir;

static void release_all(void)
{
	while (nr_chunks) {
		nr_chunks--;
		dma_free_attrs(&pdev->dev, MC_CMA_CHUNK, chunks[nr_chunks].cpu,
			       chunks[nr_chunks].dma,
			       DMA_ATTR_NO_KERNEL_MAPPING);
	}
}

static int take_show(struct seq_file *m, void *v)
{
	unsigned int i;

	mutex_lock(&lock);
	release_all();
	while (nr_chunks < MC_CMA_MAX) {
		struct mc_chunk *c = &chunks[nr_chunks];

		c->cpu = dma_alloc_attrs(&pdev->dev, MC_CMA_CHUNK, &c->dma,
					 GFP_KERNEL | __GFP_NOWARN,
					 DMA_ATTR_NO_KERNEL_MAPPING);
		if (!c->cpu)
			break;
		nr_chunks++;
	}
	seq_printf(m, "chunks %u pages %lu\n", nr_chunks,
		   nr_chunks * (MC_CMA_CHUNK >> PAGE_SHIFT));
	for (i = 0; i < nr_chunks; i++)
		seq_printf(m, "%llu %lu\n",
			   (unsigned long long)chunks[i].dma >> PAGE_SHIFT,
			   MC_CMA_CHUNK >> PAGE_SHIFT);
	mutex_unlock(&lock);
	return 0;
}

/* spelled out: DEFINE_SHOW_ATTRIBUTE() is v4.16+ and this module has no probes */
static int take_open(struct inode *inode, struct file *file)
{
	return single_open(file, take_show, inode->i_private);
}

static const struct file_operations take_fops = {
	.owner = THIS_MODULE,
	.open = take_open,
	.read = seq_read,
	.llseek = seq_lseek,
	.release = single_release,
};

static ssize_t release_write(struct file *file, const char __user *buf,
			     size_t len, loff_t *ppos)
{
	mutex_lock(&lock);
	release_all();
	mutex_unlock(&lock);
	return len;
}

static const struct file_operations release_fops = {
	.owner = THIS_MODULE,
	.write = release_write,
	.llseek = noop_llseek,
};

static int __init mc_cma_init(void)
{
	struct platform_device_info info = {
		.name = KBUILD_MODNAME,
		.id = PLATFORM_DEVID_NONE,
		.dma_mask = DMA_BIT_MASK(64),
	};

	pdev = platform_device_register_full(&info);
	if (IS_ERR(pdev))
		return PTR_ERR(pdev);
	dir = debugfs_create_dir(KBUILD_MODNAME, NULL);
	debugfs_create_file("take", 0400, dir, NULL, &take_fops);
	debugfs_create_file("release", 0200, dir, NULL, &release_fops);
	return 0;
}

static void __exit mc_cma_exit(void)
{
	debugfs_remove_recursive(dir);
	release_all();
	platform_device_unregister(pdev);
}

module_init(mc_cma_init);
module_exit(mc_cma_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("movcompat test: take the whole default CMA area");
