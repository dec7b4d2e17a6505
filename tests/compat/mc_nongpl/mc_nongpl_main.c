// SPDX-License-Identifier: GPL-2.0
/*
 * mc_nongpl - movcompat in a module whose licence is not GPL-compatible
 * (MODULE_LICENSE("Proprietary"), built with MOVCOMPAT_GPL=n). The source
 * is GPL-2.0 like the rest of movcompat; only the licence the module
 * declares to the kernel differs, which is what decides which exports it
 * may link. At load it makes npages pages movable, asks the domain to
 * compact itself (native backends: -EOPNOTSUPP, the kernel does it),
 * checks every page and releases them; it prints
 * "mc_nongpl: backend B movable M pages N bad X".
 */
#include <linux/highmem.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <movcompat/movcompat.h>

#define NPAGES 256

static struct movcompat_domain dom;
static struct page *pages[NPAGES];
static DEFINE_SPINLOCK(pages_lock);

static bool ng_isolate(struct page *page, isolate_mode_t mode)
{
	return true;
}

static int ng_migrate(struct page *dst, struct page *src,
		      enum migrate_mode mode)
{
	unsigned long i = movcompat_page_private(&dom, src);

	if (i >= NPAGES || READ_ONCE(pages[i]) != src)
		return -EAGAIN;
	copy_highpage(dst, src);
	movcompat_page_set_private(&dom, dst, i);
	spin_lock(&pages_lock);
	pages[i] = dst;
	spin_unlock(&pages_lock);
	movcompat_page_set_private(&dom, src, 0);
	movcompat_page_migrated(&dom, dst, src);
	return 0;
}

static void ng_putback(struct page *page)
{
}

static const struct movable_operations ng_ops = {
	.isolate_page = ng_isolate,
	.migrate_page = ng_migrate,
	.putback_page = ng_putback,
};

static void release(unsigned long n)
{
	unsigned long i;
	struct page *page;

	for (i = 0; i < n; i++) {
		spin_lock(&pages_lock);
		page = pages[i];
		pages[i] = NULL;
		spin_unlock(&pages_lock);
		movcompat_page_set_private(&dom, page, 0);
		movcompat_page_release(&dom, page);
	}
}

static int __init mc_nongpl_init(void)
{
	unsigned long i, bad = 0;
	long moved;
	int ret;

	ret = movcompat_domain_init(&dom, &ng_ops, KBUILD_MODNAME, 0);
	if (ret)
		return ret;
	for (i = 0; i < NPAGES; i++) {
		struct page *page = movcompat_alloc_page(&dom, GFP_HIGHUSER);
		u8 *p;

		if (!page) {
			release(i);
			movcompat_domain_destroy(&dom);
			return -ENOMEM;
		}
		p = kmap_atomic(page);
		memset(p, (int)i, PAGE_SIZE);
		kunmap_atomic(p);
		movcompat_page_set_private(&dom, page, i);
		lock_page(page);
		if (movcompat_page_make_movable(&dom, page))
			bad++;
		unlock_page(page);
		pages[i] = page;
	}
	moved = movcompat_domain_compact(&dom);
	for (i = 0; i < NPAGES; i++) {
		u8 *p;

		lock_page(pages[i]);	/* no migration meanwhile */
		p = kmap_atomic(pages[i]);
		if (p[0] != (u8)i || p[PAGE_SIZE - 1] != (u8)i)
			bad++;
		kunmap_atomic(p);
		unlock_page(pages[i]);
	}
	pr_info("mc_nongpl: backend %s movable %d pages %d compacted %ld bad %lu\n",
		movcompat_backend_name(), movcompat_domain_pages_movable(&dom),
		NPAGES, moved, bad);
	release(NPAGES);
	movcompat_domain_destroy(&dom);
	return 0;
}

static void __exit mc_nongpl_exit(void)
{
}

module_init(mc_nongpl_init);
module_exit(mc_nongpl_exit);
MODULE_LICENSE("Proprietary");
MODULE_DESCRIPTION("movcompat test: a non-GPL module");
