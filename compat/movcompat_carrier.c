// SPDX-License-Identifier: GPL-2.0
/*
 * The balloon carrier (opt-in per domain, MOVCOMPAT_DOMAIN_BALLOON_CARRIER,
 * core-backend kernels with the balloon API: 6.17+, and 6.0-6.16 when the
 * core is forced there): the domain's pages are
 * handed to the kernel as balloon pages, the one kind of page a module can
 * still make movable there, so the kernel's own compaction, memory offlining
 * and CMA move them. The kernel's balloon core never copies a page: the
 * driver's migrate_page() does, as on every backend.
 *
 * Each page gets its own balloon_dev_info (about 40 bytes): the balloon
 * API dequeues "some page of a device", and a driver releases one given
 * page. The device info follows the page through every migration; the
 * domain's table (the core's xarray, pfn -> struct movcompat_carried)
 * follows it too, and keeps the driver's per-page value, since
 * page->private belongs to the balloon core.
 *
 * Two eras of the balloon API (from the probes):
 *  - up to 6.19, <linux/balloon_compaction.h>: the device's migratepage
 *    callback does the bookkeeping (take a reference on the new page,
 *    insert it, isolated_pages--, finalize - before 6.17 and its stable
 *    backports: delete - and drop the old one);
 *  - 7.0+, <linux/balloon.h>: the balloon core does it; the callback only
 *    says 0 (moved), -EAGAIN or another error (nothing changed).
 *
 * Side effects a driver author must know (docs/core.md): the pages are
 * PageOffline, so hibernation images and crash dumps leave them out (the
 * carrier refuses hibernation while it carries pages); they are counted as
 * balloon memory (BALLOON_INFLATE/DEFLATE, "Balloon:" in /proc/meminfo on
 * 6.15+); page->private belongs to the balloon core (drivers use
 * movcompat_page_private()).
 */
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/suspend.h>
#include <movcompat/movcompat.h>
#include "movcompat_core.h"

#ifdef MOVCOMPAT_HAVE_CARRIER

#ifdef MOVCOMPAT_HAVE_BALLOON_H
#include <linux/balloon.h>
#else
#include <linux/balloon_compaction.h>
#endif

/**
 * struct movcompat_carried - one carried page's balloon device.
 * @b: the balloon device holding exactly this page.
 * @dom: the domain.
 * @private: the driver's per-page value (page->private is the balloon's).
 * @dst_pfn: while the driver's migrate_page runs: the destination's pfn,
 *	whose value is kept apart (@dst_private) until the move succeeds, so
 *	a driver clearing the source's value does not clear the new page's.
 * @dst_private: the destination's value during a migration.
 * @released: the driver released the page while the kernel held it
 *	isolated; the kernel's migration of it then completes without a copy
 *	or a driver callback, and the device gives back the new page.
 */
struct movcompat_carried {
	struct balloon_dev_info b;
	struct movcompat_domain *dom;
	unsigned long private;
	unsigned long dst_pfn;
	unsigned long dst_private;
	bool released;
};

static struct movcompat_carried *carried_of(struct movcompat_domain *dom,
					    struct page *page)
{
	return xa_load(&dom->core->pages, page_to_pfn(page));
}

static int carrier_migratepage(struct balloon_dev_info *b,
			       struct page *newpage, struct page *page,
			       enum migrate_mode mode)
{
	struct movcompat_carried *c = container_of(b, struct movcompat_carried, b);
	struct movcompat_domain *dom = c->dom;
	int rc;
#ifndef MOVCOMPAT_HAVE_BALLOON_H
	unsigned long flags;
#endif

	/* so the driver's callback finds its value through the new page */
	if (xa_err(xa_store(&dom->core->pages, page_to_pfn(newpage), c,
			    GFP_ATOMIC)))
		return -EAGAIN;
	if (READ_ONCE(c->released)) {
		/*
		 * The driver let the page go while the kernel held it
		 * isolated: nothing to copy, nobody to tell. Let the move
		 * finish, so the kernel does not retry it while the release
		 * waits, and the device hands the new page back.
		 */
		goto moved;
	}
	if (movcompat_fault_migrate(&dom->core->faults)) {
		xa_erase(&dom->core->pages, page_to_pfn(newpage));
		return -EAGAIN;
	}
	c->dst_private = 0;
	c->dst_pfn = page_to_pfn(newpage);
	rc = dom->ops->migrate_page(newpage, page, mode);
	c->dst_pfn = 0;
	if (!rc)
		c->private = c->dst_private;
	if (rc) {
		xa_erase(&dom->core->pages, page_to_pfn(newpage));
		if (rc == -EAGAIN)
			atomic_long_inc(&dom->core->stats.retried);
		return rc == -ENOENT ? -EAGAIN : rc;
	}
	atomic_long_inc(&dom->core->stats.migrated);
moved:
	xa_erase(&dom->core->pages, page_to_pfn(page));
#ifndef MOVCOMPAT_HAVE_BALLOON_H
	/* 6.17-6.19: the device does the balloon bookkeeping */
	get_page(newpage);
	spin_lock_irqsave(&b->pages_lock, flags);
	balloon_page_insert(b, newpage);
	b->isolated_pages--;
	spin_unlock_irqrestore(&b->pages_lock, flags);
#ifdef MOVCOMPAT_HAVE_BALLOON_PAGE_FINALIZE
	balloon_page_finalize(page);
#else
	balloon_page_delete(page);	/* 6.0-6.16: isolated, no list_del */
#endif
	put_page(page);
#endif
	return 0;
}

/**
 * movcompat_carrier_alloc_page() - a page for a carrier domain.
 * @dom: the domain.
 *
 * Return: a page from the balloon allocator (GFP_HIGHUSER_MOVABLE, no
 * retries, no warning), or NULL.
 */
struct page *movcompat_carrier_alloc_page(struct movcompat_domain *dom)
{
	return balloon_page_alloc();
}

/**
 * movcompat_carrier_track() - hand a filled page to the kernel as a
 * balloon page of its own device.
 * @dom: the domain.
 * @page: the page (locked by the caller).
 *
 * Return: 0 or -ENOMEM.
 */
int movcompat_carrier_track(struct movcompat_domain *dom, struct page *page)
{
	struct movcompat_carried *c;
	int ret;

	if (movcompat_fault_track(&dom->core->faults))
		return -ENOMEM;
	c = kzalloc(sizeof(*c), GFP_KERNEL);
	if (!c)
		return -ENOMEM;
	balloon_devinfo_init(&c->b);
	c->b.migratepage = carrier_migratepage;
	c->dom = dom;
	c->private = page_private(page);
	ret = xa_err(xa_store(&dom->core->pages, page_to_pfn(page), c,
			      GFP_KERNEL));
	if (ret) {
		kfree(c);
		return ret;
	}
	set_page_private(page, 0);
	/* the balloon core locks the page itself (6.17-6.19: trylock, BUG) */
	unlock_page(page);
	balloon_page_enqueue(&c->b, page);
	lock_page(page);
	return 0;
}

/**
 * movcompat_carrier_release() - take a carried page back and free it.
 * @dom: the domain.
 * @page: the page, not locked; the driver no longer uses it.
 *
 * While the kernel holds the page isolated the device cannot give it back:
 * the page is marked released, the kernel's migration of it completes
 * without a copy or a driver callback, and the device then gives back the
 * new page, which is freed. May sleep.
 */
void movcompat_carrier_release(struct movcompat_domain *dom, struct page *page)
{
	struct movcompat_carried *c;
	bool waited = false;
	struct page *got;

	lock_page(page);
	c = carried_of(dom, page);
	if (c)
		WRITE_ONCE(c->released, true);
	unlock_page(page);
	if (WARN_ONCE(!c, "movcompat: domain %s: releasing a page it does not carry\n",
		      dom->name))
		return;
	while (!(got = balloon_page_dequeue(&c->b))) {
		/* isolated by the kernel: wait for its putback */
		if (!waited)
			atomic_long_inc(&dom->core->stats.released_isolated);
		waited = true;
		atomic_long_inc(&dom->core->stats.busy);
		schedule_timeout_uninterruptible(1);
	}
	/* @page itself, or the page the kernel moved it to meanwhile */
	xa_erase(&dom->core->pages, page_to_pfn(got));
	put_page(got);
	kfree(c);
}

/**
 * movcompat_carrier_private() - the driver's per-page value.
 * @dom: the domain.
 * @page: a carried page, a migration destination being filled, or a page
 *	not handed over yet (then page->private is still the driver's).
 *
 * Return: the value.
 */
unsigned long movcompat_carrier_private(struct movcompat_domain *dom,
					struct page *page)
{
	struct movcompat_carried *c = carried_of(dom, page);

	if (!c)
		return page_private(page);
	return c->dst_pfn == page_to_pfn(page) ? c->dst_private : c->private;
}

/**
 * movcompat_carrier_set_private() - set the driver's per-page value.
 * @dom: the domain.
 * @page: as for movcompat_carrier_private().
 * @value: the value.
 */
void movcompat_carrier_set_private(struct movcompat_domain *dom,
				   struct page *page, unsigned long value)
{
	struct movcompat_carried *c = carried_of(dom, page);

	if (!c)
		set_page_private(page, value);
	else if (c->dst_pfn == page_to_pfn(page))
		c->dst_private = value;
	else
		c->private = value;
}

static int carrier_pm_notify(struct notifier_block *nb, unsigned long action,
			     void *arg)
{
	struct movcompat_core *core = container_of(nb, struct movcompat_core,
						   pm_nb);
	long pages = atomic_long_read(&core->dom->nr_movable);

	if (action != PM_HIBERNATION_PREPARE || !pages)
		return NOTIFY_OK;
	pr_err("movcompat: domain %s carries %ld pages as balloon pages, which a hibernation image leaves out: refusing to hibernate (unload the driver or release its pages first)\n",
	       core->dom->name, pages);
	return notifier_from_errno(-EBUSY);
}

/**
 * movcompat_carrier_init() - set a core domain up as a carrier.
 * @dom: the domain.
 *
 * Return: 0 or -errno (registering the hibernation guard failed).
 */
int movcompat_carrier_init(struct movcompat_domain *dom)
{
	struct movcompat_core *core = dom->core;
	int ret;

	core->pm_nb.notifier_call = carrier_pm_notify;
	ret = register_pm_notifier(&core->pm_nb);
	if (ret)
		return ret;
	core->carrier = true;
	return 0;
}

void movcompat_carrier_exit(struct movcompat_domain *dom)
{
	struct movcompat_core *core = dom->core;

	if (!core->carrier)
		return;
	unregister_pm_notifier(&core->pm_nb);
	if (atomic_long_read(&core->stats.released_isolated))
		pr_info("movcompat: domain %s: %ld carried pages were released while the kernel held them isolated (each waited for the kernel's putback)\n",
			dom->name,
			atomic_long_read(&core->stats.released_isolated));
}

#endif /* MOVCOMPAT_HAVE_CARRIER */
