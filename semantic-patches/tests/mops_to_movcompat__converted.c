// SPDX-License-Identifier: GPL-2.0
/*
 * mc_pages - movcompat's API test module: allocates N pages through the
 * public API only, makes them movable, fills each with a pattern keyed by
 * its index, and lets the guest script drive compaction and memory
 * offlining, then verify every page.
 *
 * debugfs mc_pages/: stats (counters), verify (read: checks every page),
 * pfns (one pfn per line).
 */
#include <linux/debugfs.h>
#include <linux/highmem.h>
#include <linux/module.h>
#include <linux/seq_file.h>
#include <linux/spinlock.h>
#include <linux/vmalloc.h>
#include <movcompat/movcompat.h>

static unsigned long npages = 16384;
module_param(npages, ulong, 0444);
MODULE_PARM_DESC(npages, "pages to allocate (default 16384)");
static bool fragment = true;
module_param(fragment, bool, 0444);
MODULE_PARM_DESC(fragment, "allocate twice as many and free every other one");

#define PATTERN_SEED 0x6d6f76636f6d7061ULL	/* "movcompa" */

static struct movcompat_domain dom;
static struct page **pages;		/* index -> page, under pages_lock */
static DEFINE_SPINLOCK(pages_lock);
static atomic_long_t nr_isolated, nr_migrated, nr_putback;
static struct dentry *dir;

static u64 pattern(unsigned long idx, unsigned int word)
{
	return PATTERN_SEED ^ ((u64)idx << 32) ^ word;
}

static void fill(struct page *page, unsigned long idx)
{
	u64 *p = kmap_atomic(page);
	unsigned int i;

	for (i = 0; i < PAGE_SIZE / sizeof(u64); i++)
		p[i] = pattern(idx, i);
	kunmap_atomic(p);
}

static bool intact(struct page *page, unsigned long idx)
{
	u64 *p = kmap_atomic(page);
	unsigned int i;
	bool ok = true;

	for (i = 0; i < PAGE_SIZE / sizeof(u64); i++)
		if (p[i] != pattern(idx, i)) {
			ok = false;
			break;
		}
	kunmap_atomic(p);
	return ok;
}

static bool mc_isolate(struct page *page, isolate_mode_t mode)
{
	atomic_long_inc(&nr_isolated);
	return true;
}

static int mc_migrate(struct page *dst, struct page *src, enum migrate_mode mode)
{
	unsigned long idx = page_private(src);

	copy_highpage(dst, src);
	set_page_private(dst, idx);
	spin_lock(&pages_lock);
	pages[idx] = dst;
	spin_unlock(&pages_lock);
	set_page_private(src, 0);
	movcompat_page_migrated(&dom, dst, src);
	atomic_long_inc(&nr_migrated);
	return 0;
}

static void mc_putback(struct page *page)
{
	atomic_long_inc(&nr_putback);
}

static const struct movable_operations mc_ops = {
	.isolate_page = mc_isolate,
	.migrate_page = mc_migrate,
	.putback_page = mc_putback,
};

/* Take a stable, locked reference to page @idx (it may be migrating). */
static struct page *get_locked(unsigned long idx)
{
	struct page *page;

	for (;;) {
		spin_lock(&pages_lock);
		page = pages[idx];
		get_page(page);
		spin_unlock(&pages_lock);
		lock_page(page);
		if (READ_ONCE(pages[idx]) == page)
			return page;
		unlock_page(page);	/* migrated meanwhile: take the new one */
		put_page(page);
	}
}

static int stats_show(struct seq_file *m, void *v)
{
	seq_printf(m, "backend %s\nmovable %d\npages %lu\nmarked %ld\nisolated %ld\nmigrated %ld\nputback %ld\n",
		   movcompat_backend_name(),
		   movcompat_domain_pages_movable(&dom), npages,
		   atomic_long_read(&dom.nr_movable),
		   atomic_long_read(&nr_isolated),
		   atomic_long_read(&nr_migrated),
		   atomic_long_read(&nr_putback));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(stats);

static int verify_show(struct seq_file *m, void *v)
{
	unsigned long i, bad = 0;
	struct page *page;

	for (i = 0; i < npages; i++) {
		page = get_locked(i);
		if (!intact(page, i) || page_private(page) != i)
			bad++;
		unlock_page(page);
		put_page(page);
		cond_resched();
	}
	seq_printf(m, "checked %lu bad %lu\n", npages, bad);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(verify);

static int pfns_show(struct seq_file *m, void *v)
{
	unsigned long i;

	for (i = 0; i < npages; i++)
		seq_printf(m, "%lu\n", page_to_pfn(READ_ONCE(pages[i])));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(pfns);

static void release_all(unsigned long n)
{
	unsigned long i;

	for (i = 0; i < n; i++) {
		struct page *page = get_locked(i);

		spin_lock(&pages_lock);
		pages[i] = NULL;
		spin_unlock(&pages_lock);
		set_page_private(page, 0);
		unlock_page(page);
		put_page(page);		/* get_locked()'s reference */
		movcompat_page_release(&dom, page);
	}
}

static int __init mc_pages_init(void)
{
	struct page **spare = NULL;
	unsigned long i;
	int ret;

	if (!npages || npages > totalram_pages() / 2) {
		pr_err("mc_pages: npages=%lu must be between 1 and half of RAM (%lu pages)\n",
		       npages, totalram_pages() / 2);
		return -EINVAL;
	}
	ret = movcompat_domain_init(&dom, &mc_ops, "mc_pages", 0);
	if (ret)
		return ret;
	pages = vzalloc(array_size(npages, sizeof(*pages)));
	if (fragment)
		spare = vzalloc(array_size(npages, sizeof(*spare)));
	if (!pages || (fragment && !spare)) {
		ret = -ENOMEM;
		goto err_free;
	}
	for (i = 0; i < npages; i++) {
		struct page *page = movcompat_alloc_page(&dom, GFP_HIGHUSER);

		if (!page || (fragment &&
			      !(spare[i] = movcompat_alloc_page(&dom, GFP_HIGHUSER)))) {
			if (page)
				__free_page(page);
			pr_err("mc_pages: out of memory after %lu pages\n", i);
			release_all(i);
			ret = -ENOMEM;
			goto err_free;
		}
		fill(page, i);
		set_page_private(page, i);
		if (!trylock_page(page))
			BUG();	/* a fresh page is never locked */
		movcompat_page_make_movable(&dom, page);
		unlock_page(page);
		pages[i] = page;
	}
	if (spare)
		for (i = 0; i < npages; i++)
			__free_page(spare[i]);
	vfree(spare);

	dir = debugfs_create_dir("mc_pages", NULL);
	debugfs_create_file("stats", 0444, dir, NULL, &stats_fops);
	debugfs_create_file("verify", 0444, dir, NULL, &verify_fops);
	debugfs_create_file("pfns", 0444, dir, NULL, &pfns_fops);
	pr_info("mc_pages: %lu pages, backend %s, movable %d\n", npages,
		movcompat_backend_name(), movcompat_domain_pages_movable(&dom));
	return 0;

err_free:
	if (spare)
		for (i = 0; i < npages && spare[i]; i++)
			__free_page(spare[i]);
	vfree(spare);
	vfree(pages);
	movcompat_domain_destroy(&dom);
	return ret;
}

static void __exit mc_pages_exit(void)
{
	debugfs_remove_recursive(dir);
	release_all(npages);
	vfree(pages);
	movcompat_domain_destroy(&dom);
}

module_init(mc_pages_init);
module_exit(mc_pages_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("movcompat API test: movable pages, verified after migration");
