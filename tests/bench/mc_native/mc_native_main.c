// SPDX-License-Identifier: GPL-2.0
/*
 * mc_native - the native twin of tests/compat/mc_pages, for the shim
 * overhead benchmark (ci/bench-shim.sh): the same driver written directly
 * against the kernel's own movable-page API instead of movcompat's.
 *
 * This is a baseline, not movcompat driver code, so it picks the kernel's
 * API with #if (on the probe results in movcompat_config.h, never on the
 * version number):
 *   aops (4.8-5.19): an address_space whose a_ops are the callbacks,
 *                    __SetPageMovable(page, mapping)
 *   mops (6.0-6.16): struct movable_operations, __SetPageMovable(page, &ops)
 *   none (no hook):  builds and loads; pages are not movable.
 * Everything else (allocation, pattern, locking, debugfs files) is the same
 * as mc_pages, so the two modules differ only by the movcompat layer.
 *
 * debugfs mc_native/: stats, verify, pfns (as mc_pages).
 */
#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/highmem.h>
#include <linux/migrate.h>
#include <linux/module.h>
#include <linux/seq_file.h>
#include <linux/spinlock.h>
#include <linux/vmalloc.h>
#include "movcompat_config.h"
#include <movcompat/movcompat_backports.h>

#if defined(MOVCOMPAT_HAVE_MOVABLE_OPERATIONS) && \
	defined(MOVCOMPAT_HAVE_SETPAGEMOVABLE_OPS)
#define NATIVE_BACKEND "mops"
#define NATIVE_MOVABLE 1
#elif defined(MOVCOMPAT_HAVE_SETPAGEMOVABLE_MAPPING) && \
	defined(MOVCOMPAT_HAVE_AOPS_ISOLATE_PAGE)
#define NATIVE_BACKEND "aops"
#define NATIVE_MOVABLE 1
#else
#define NATIVE_BACKEND "none"
#define NATIVE_MOVABLE 0
#endif

static unsigned long npages = 16384;
module_param(npages, ulong, 0444);
MODULE_PARM_DESC(npages, "pages to allocate (default 16384)");
static bool fragment = true;
module_param(fragment, bool, 0444);
MODULE_PARM_DESC(fragment, "allocate twice as many and free every other one");

#define PATTERN_SEED 0x6d6f76636f6d7061ULL	/* "movcompa" */

static struct page **pages;		/* index -> page, under pages_lock */
static DEFINE_SPINLOCK(pages_lock);
static atomic_long_t nr_marked, nr_isolated, nr_migrated, nr_putback;
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

/* ---- the kernel's own API, per era ---------------------------------- */
static void mark_movable(struct page *page);
static void clear_movable(struct page *page);

static bool __maybe_unused nat_isolate(struct page *page, isolate_mode_t mode)
{
	atomic_long_inc(&nr_isolated);
	return true;
}

static int __maybe_unused nat_migrate(struct page *dst, struct page *src,
				      enum migrate_mode mode)
{
	unsigned long idx = page_private(src);

	/*
	 * Between taking a page out of the table and release_page() the
	 * page is still movable: refuse, the release will win.
	 */
	if (idx >= npages || READ_ONCE(pages[idx]) != src)
		return -EAGAIN;
	copy_highpage(dst, src);
	set_page_private(dst, idx);
	spin_lock(&pages_lock);
	pages[idx] = dst;
	spin_unlock(&pages_lock);
	set_page_private(src, 0);
	get_page(dst);
	mark_movable(dst);
	clear_movable(src);
	put_page(src);
	atomic_long_inc(&nr_migrated);
	return 0;
}

static void __maybe_unused nat_putback(struct page *page)
{
	atomic_long_inc(&nr_putback);
}

#if NATIVE_MOVABLE && defined(MOVCOMPAT_HAVE_MOVABLE_OPERATIONS)
static const struct movable_operations nat_ops = {
	.isolate_page = nat_isolate,
	.migrate_page = nat_migrate,
	.putback_page = nat_putback,
};

static void mark_movable(struct page *page)
{
	__SetPageMovable(page, &nat_ops);
}

static void clear_movable(struct page *page)
{
	__ClearPageMovable(page);
}
#elif NATIVE_MOVABLE
static int nat_aops_migrate(struct address_space *mapping, struct page *dst,
			    struct page *src, enum migrate_mode mode)
{
	return nat_migrate(dst, src, mode);
}

static const struct address_space_operations nat_aops = {
	.isolate_page = nat_isolate,
	.migratepage = nat_aops_migrate,
	.putback_page = nat_putback,
};

static struct address_space nat_mapping = { .a_ops = &nat_aops };

static void mark_movable(struct page *page)
{
	__SetPageMovable(page, &nat_mapping);
}

static void clear_movable(struct page *page)
{
	__ClearPageMovable(page);
}
#else
static void mark_movable(struct page *page)
{
}

static void clear_movable(struct page *page)
{
}
#endif

static void release_page(struct page *page)
{
	lock_page(page);
	clear_movable(page);
	unlock_page(page);
	atomic_long_dec(&nr_marked);
	put_page(page);
}

static gfp_t page_gfp(void)
{
	if (NATIVE_MOVABLE && IS_ENABLED(CONFIG_COMPACTION) &&
	    IS_ENABLED(CONFIG_MIGRATION))
		return GFP_HIGHUSER | __GFP_MOVABLE;
	return GFP_HIGHUSER;
}

/* ---- the driver, as in mc_pages -------------------------------------- */

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
		   NATIVE_BACKEND, !!(page_gfp() & __GFP_MOVABLE), npages,
		   atomic_long_read(&nr_marked),
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
		release_page(page);
	}
}

static int __init mc_native_init(void)
{
	struct page **spare = NULL;
	unsigned long i;
	int ret;

	if (!npages || npages > totalram_pages() / 2) {
		pr_err("mc_native: npages=%lu must be between 1 and half of RAM (%lu pages)\n",
		       npages, totalram_pages() / 2);
		return -EINVAL;
	}
	pages = vzalloc(array_size(npages, sizeof(*pages)));
	if (fragment)
		spare = vzalloc(array_size(npages, sizeof(*spare)));
	if (!pages || (fragment && !spare)) {
		ret = -ENOMEM;
		goto err_free;
	}
	for (i = 0; i < npages; i++) {
		struct page *page = alloc_page(page_gfp());

		if (page && fragment)
			spare[i] = alloc_page(page_gfp());
		if (!page || (fragment && !spare[i])) {
			if (page)
				__free_page(page);
			pr_err("mc_native: out of memory after %lu pages\n", i);
			release_all(i);
			ret = -ENOMEM;
			goto err_free;
		}
		fill(page, i);
		set_page_private(page, i);
		lock_page(page);	/* a fresh page: never waits */
		mark_movable(page);
		atomic_long_inc(&nr_marked);
		unlock_page(page);
		pages[i] = page;
	}
	if (spare)
		for (i = 0; i < npages; i++)
			__free_page(spare[i]);
	vfree(spare);

	dir = debugfs_create_dir("mc_native", NULL);
	debugfs_create_file("stats", 0444, dir, NULL, &stats_fops);
	debugfs_create_file("verify", 0444, dir, NULL, &verify_fops);
	debugfs_create_file("pfns", 0444, dir, NULL, &pfns_fops);
	pr_info("mc_native: %lu pages, native backend %s\n", npages,
		NATIVE_BACKEND);
	return 0;

err_free:
	if (spare)
		for (i = 0; i < npages && spare[i]; i++)
			__free_page(spare[i]);
	vfree(spare);
	vfree(pages);
	return ret;
}

static void __exit mc_native_exit(void)
{
	debugfs_remove_recursive(dir);
	release_all(npages);
	vfree(pages);
}

module_init(mc_native_init);
module_exit(mc_native_exit);
MODULE_INFO(mc_backend, NATIVE_BACKEND);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("movcompat benchmark: native twin of mc_pages (no movcompat)");
