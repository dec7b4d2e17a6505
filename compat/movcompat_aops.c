// SPDX-License-Identifier: GPL-2.0
/*
 * aops backend (kernels 4.8-5.19): the VM finds a non-LRU movable page's
 * callbacks through page_mapping(page)->a_ops. Each domain gets its own
 * address_space whose a_ops trampoline to the driver's movable_operations.
 *
 * The address_space is a bare kzalloc'ed object, not the i_mapping of an
 * anonymous inode on a private pseudo filesystem (what zsmalloc and the
 * balloon drivers did): for a non-LRU movable page the VM only reads
 * mapping->a_ops, and a bare mapping needs neither kern_mount() (GPL-only)
 * nor a filesystem type, so this backend works for non-GPL modules too.
 * Precedents: 3.8's balloon_mapping_alloc(), Zi Yan's 2022 test module.
 */
#include <linux/fs.h>
#include <linux/slab.h>
#include <movcompat/movcompat.h>
#include "movcompat_fault.h"
#include "movcompat_internal.h"

#ifdef MOVCOMPAT_BACKEND_AOPS

/*
 * The VM calls these only for pages whose page->mapping is the domain's
 * mapping tagged PAGE_MAPPING_MOVABLE: read it directly instead of through
 * the out-of-line page_mapping() (measured: 1.9% -> 0.7% shim overhead on
 * 5.10, make bench).
 */
static struct movcompat_domain *page_domain(struct page *page)
{
	unsigned long mapping = (unsigned long)READ_ONCE(page->mapping);

	return ((struct address_space *)(mapping & ~PAGE_MAPPING_FLAGS))->private_data;
}

static bool movcompat_aops_isolate(struct page *page, isolate_mode_t mode)
{
	return page_domain(page)->ops->isolate_page(page, mode);
}

static int movcompat_aops_migrate(struct address_space *mapping,
				  struct page *dst, struct page *src,
				  enum migrate_mode mode)
{
	struct movcompat_domain *dom = mapping->private_data;

	return dom->ops->migrate_page(dst, src, mode);
}

static void movcompat_aops_putback(struct page *page)
{
	if (!MOVCOMPAT_BROKEN(PUTBACK))	/* mutation check: the putback is lost */
		page_domain(page)->ops->putback_page(page);
}

static const struct address_space_operations movcompat_aops = {
	.isolate_page = movcompat_aops_isolate,
	.migratepage = movcompat_aops_migrate,
	.putback_page = movcompat_aops_putback,
};

int movcompat_backend_domain_init(struct movcompat_domain *dom,
				  unsigned int flags)
{
	dom->mapping = kzalloc(sizeof(*dom->mapping), GFP_KERNEL);
	if (!dom->mapping)
		return -ENOMEM;
	dom->mapping->a_ops = &movcompat_aops;
	dom->mapping->private_data = dom;
	return 0;
}

void movcompat_backend_domain_destroy(struct movcompat_domain *dom)
{
	kfree(dom->mapping);
	dom->mapping = NULL;
}

#endif /* MOVCOMPAT_BACKEND_AOPS */
