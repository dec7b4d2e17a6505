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
#include "movcompat_internal.h"

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
 * @carried: the page is in @b, i.e. handed to the kernel; false from
 *	movcompat_alloc_page() (which allocates this along with the page, so
 *	make_movable cannot fail) until make_movable, and for a page
 *	make_movable refused.
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
	bool carried;
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

	/*
	 * so the driver's callback finds its value through the new page; the
	 * kernel calls this in process context with no spinlock held (both
	 * pages locked), so the store may sleep for its memory
	 */
	if (xa_err(xa_store(&dom->core->pages, page_to_pfn(newpage), c,
			    GFP_KERNEL | __GFP_NOWARN)))
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
	/* 6.0-6.19: the device does the balloon bookkeeping, as virtio's */
	movcompat_balloon_settle(b, newpage, page, true, false);
#endif
	return 0;
}

static struct movcompat_carried *carried_new(struct movcompat_domain *dom,
					     gfp_t gfp)
{
	struct movcompat_carried *c = kzalloc(sizeof(*c), gfp);

	if (!c)
		return NULL;
	balloon_devinfo_init(&c->b);
	c->b.migratepage = carrier_migratepage;
	c->dom = dom;
	return c;
}

/**
 * movcompat_carrier_alloc_page() - a page for a carrier domain.
 * @dom: the domain.
 * @gfp: the driver's flags for this call: its context (a GFP_ATOMIC caller
 *	gets an atomic allocation) and zone, plus __GFP_MOVABLE.
 *
 * The page's balloon device and table entry are allocated with it (same
 * context), so that making it movable cannot fail: a page the kernel may
 * place in CMA or ZONE_MOVABLE is never left there uncarried. While a
 * hibernation is under way the page is a plain one outside them (it will
 * not be carried).
 *
 * Return: the page or NULL.
 */
struct page *movcompat_carrier_alloc_page(struct movcompat_domain *dom,
					  gfp_t gfp)
{
	gfp_t meta = movcompat_meta_gfp(gfp);
	struct movcompat_carried *c;
	struct page *page;

	if (READ_ONCE(dom->core->pm_window))
		return alloc_page((gfp & ~__GFP_MOVABLE) | __GFP_NOWARN);
	c = carried_new(dom, meta);
	if (!c)
		return NULL;
	page = alloc_page(gfp | __GFP_MOVABLE | __GFP_NOWARN);
	if (!page) {
		kfree(c);
		return NULL;
	}
	if (xa_err(xa_store(&dom->core->pages, page_to_pfn(page), c, meta))) {
		__free_page(page);
		kfree(c);
		return NULL;
	}
	return page;
}

/**
 * movcompat_carrier_free_page() - a page of movcompat_alloc_page() that
 *	never entered service.
 * @dom: the domain.
 * @page: the page.
 */
void movcompat_carrier_free_page(struct movcompat_domain *dom,
				 struct page *page)
{
	struct movcompat_carried *c = carried_of(dom, page);

	if (c && c->carried) {
		pr_err("movcompat: domain %s: movcompat_free_page() on a page that was made movable: use movcompat_page_release()\n",
		       dom->name);
		movcompat_carrier_release(dom, page);
		return;
	}
	if (c) {
		xa_erase(&dom->core->pages, page_to_pfn(page));
		kfree(c);
	}
	put_page(page);
}

/*
 * Hand @page to the kernel in @c's device, keeping the caller's page lock
 * (the kernel's isolation trylocks and skips it until the caller unlocks).
 * 7.0+: balloon_page_enqueue() never takes the page lock. 6.0-6.19: its
 * balloon_page_enqueue_one() BUGs unless it can trylock the page, so this
 * is that function without the trylock.
 */
static void carrier_enqueue_locked(struct movcompat_carried *c,
				   struct page *page)
{
#ifdef MOVCOMPAT_HAVE_BALLOON_H
	balloon_page_enqueue(&c->b, page);
#else
	unsigned long flags;

	spin_lock_irqsave(&c->b.pages_lock, flags);
	balloon_page_insert(&c->b, page);
	__count_vm_event(BALLOON_INFLATE);
#ifdef MOVCOMPAT_HAVE_NR_BALLOON_PAGES
	inc_node_page_state(page, NR_BALLOON_PAGES);
#endif
	spin_unlock_irqrestore(&c->b.pages_lock, flags);
#endif
}

/**
 * movcompat_carrier_track() - hand a filled page to the kernel as a
 * balloon page of its own device.
 * @dom: the domain.
 * @page: the page (locked by the caller, and it stays locked).
 *
 * Return: 0; -EBUSY while a hibernation is under way (the page would be
 * left out of the image); -ENOMEM for a page that did not come from
 * movcompat_alloc_page() and whose device could not be allocated.
 */
int movcompat_carrier_track(struct movcompat_domain *dom, struct page *page)
{
	struct movcompat_core *core = dom->core;
	struct movcompat_carried *c = carried_of(dom, page);
	int ret;

	if (!c) {
		/* the driver's own page: its device is allocated now */
		if (movcompat_fault_track(&core->faults))
			return -ENOMEM;
		c = carried_new(dom, GFP_KERNEL);
		if (!c)
			return -ENOMEM;
		c->private = page_private(page);
		ret = xa_err(xa_store(&core->pages, page_to_pfn(page), c,
				      GFP_KERNEL));
		if (ret) {
			kfree(c);
			return ret;
		}
		set_page_private(page, 0);
	}
	/* the hibernation guard: see carrier_pm_notify() */
	atomic_long_inc(&core->nr_carried);
	/* count, then read pm_window; pairs with smp_mb() in carrier_pm_notify() */
	smp_mb__after_atomic();
	if (READ_ONCE(core->pm_window)) {
		atomic_long_dec(&core->nr_carried);
		return -EBUSY;
	}
	c->carried = true;
	carrier_enqueue_locked(c, page);
	return 0;
}

/*
 * Take @c's page back from the kernel: the device's only page, or the page
 * the kernel moved it to meanwhile. While the kernel holds it isolated the
 * device cannot give it back: wait for the kernel's migration or putback.
 */
static struct page *carrier_dequeue(struct movcompat_core *core,
				    struct movcompat_carried *c)
{
	bool waited = false;
	struct page *got;

	while (!(got = balloon_page_dequeue(&c->b))) {
		if (!waited)
			atomic_long_inc(&core->stats.released_isolated);
		waited = true;
		atomic_long_inc(&core->stats.busy);
		schedule_timeout_uninterruptible(1);
	}
	xa_erase(&core->pages, page_to_pfn(got));
	atomic_long_dec(&core->nr_carried);
	return got;
}

#ifdef MOVCOMPAT_FAULT_INJECTION
/*
 * Debug builds: the balloon core owns page->lru of a carried page for its
 * whole service life. A page that is not isolated must be the one entry
 * of its device's list; a driver that put it on a list of its own broke
 * that (and the kernel's list_del() would trip on it). Say so, and give
 * the device its page back so that it can be dequeued.
 */
static void carrier_check_lru(struct movcompat_domain *dom,
			      struct movcompat_carried *c, struct page *page)
{
	struct list_head *l = &c->b.pages;

	if (READ_ONCE(c->b.isolated_pages) || list_empty(l))
		return;
	if (l->next == &page->lru && l->prev == &page->lru &&
	    page->lru.next == l && page->lru.prev == l)
		return;
	pr_err("movcompat: domain %s: a carried page's page->lru was changed: the balloon core owns it while the page is in service (keep carried pages in your own array or xarray, not on a list); the page's balloon list is repaired\n",
	       dom->name);
	INIT_LIST_HEAD(l);
	list_add(&page->lru, l);
}
#else
static void carrier_check_lru(struct movcompat_domain *dom,
			      struct movcompat_carried *c, struct page *page)
{
}
#endif

/**
 * movcompat_carrier_release() - take a carried page back and free it.
 * @dom: the domain.
 * @page: the page, not locked; the driver no longer uses it.
 *
 * While the kernel holds the page isolated the device cannot give it back:
 * the page is marked released, the kernel's migration of it completes
 * without a copy or a driver callback, and the device then gives back the
 * new page, which is freed. A page make_movable refused (or could not
 * track) is simply freed. May sleep.
 */
void movcompat_carrier_release(struct movcompat_domain *dom, struct page *page)
{
	struct movcompat_carried *c;

	lock_page(page);
	c = carried_of(dom, page);
	if (c && c->carried) {
		carrier_check_lru(dom, c, page);
		WRITE_ONCE(c->released, true);
	} else if (c) {
		xa_erase(&dom->core->pages, page_to_pfn(page));
	}
	unlock_page(page);
	if (!c || !c->carried) {
		/* never handed to the kernel: a plain page */
		kfree(c);
		if (PageOffline(page)) {
			pr_err("movcompat: domain %s: releasing a balloon page it does not carry: left alone\n",
			       dom->name);
			return;
		}
		put_page(page);
		return;
	}
	put_page(carrier_dequeue(dom->core, c));
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

/*
 * The hibernation guard. Carried pages are PageOffline, which hibernation
 * images leave out: refuse to hibernate while the domain carries pages,
 * and from the moment a hibernation begins (PM_HIBERNATION_PREPARE) until
 * it ends (PM_POST_HIBERNATION) carry no new page (make_movable says
 * -EBUSY, movcompat_alloc_page() gives plain pages). pm_window is set
 * before the count is read and make_movable counts before it reads
 * pm_window, so one of the two always sees the other.
 */
static int carrier_pm_notify(struct notifier_block *nb, unsigned long action,
			     void *arg)
{
	struct movcompat_core *core = container_of(nb, struct movcompat_core,
						   pm_nb);
	long pages;

	switch (action) {
	case PM_HIBERNATION_PREPARE:
		WRITE_ONCE(core->pm_window, true);
		/* set, then read the count; pairs with movcompat_carrier_track() */
		smp_mb();
		pages = atomic_long_read(&core->nr_carried);
		if (!pages)
			return NOTIFY_OK;
		WRITE_ONCE(core->pm_window, false);
		pr_err("movcompat: domain %s carries %ld pages as balloon pages, which a hibernation image leaves out: refusing to hibernate (unload the driver or release its pages first)\n",
		       core->dom->name, pages);
		return notifier_from_errno(-EBUSY);
	case PM_POST_HIBERNATION:
		WRITE_ONCE(core->pm_window, false);
		return NOTIFY_OK;
	default:
		return NOTIFY_OK;
	}
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

/*
 * Teardown: @page, just taken back from the kernel, may sit in ZONE_MOVABLE
 * or CMA (it was allocated movable), where the kernel assumes it can move
 * every page, and nothing will move it once the domain is gone (offlining
 * its block, or a contiguous allocation over it, would retry forever).
 * While the driver's callbacks still exist, move it to a page outside both
 * with the driver's own migrate_page(), as the kernel's moves do. (Every
 * such page moves: whether a page is in CMA cannot be told from a module on
 * 7.x, where get_pfnblock_migratetype() is not exported.) Return: the page
 * the driver holds now; @page itself when it could not be moved.
 */
static struct page *carrier_move_out(struct movcompat_domain *dom,
				     struct movcompat_carried *c,
				     struct page *page)
{
	struct xarray *table = &dom->core->pages;
	int tries = 3, rc = -ENOMEM;
	struct page *dst;

	/* no __GFP_MOVABLE: neither ZONE_MOVABLE nor CMA */
	dst = alloc_page(GFP_KERNEL | __GFP_NOWARN | MOVCOMPAT_GFP_MAYFAIL);
	if (!dst)
		return page;
	if (!trylock_page(page)) {
		/* the driver still uses the page it leaked: leave it */
		__free_page(dst);
		return page;
	}
	lock_page(dst);
	/* the driver's callback looks both pages up, as in a kernel move */
	if (xa_err(xa_store(table, page_to_pfn(page), c, GFP_KERNEL)) ||
	    xa_err(xa_store(table, page_to_pfn(dst), c, GFP_KERNEL)))
		goto out;
	do {
		c->dst_private = 0;
		c->dst_pfn = page_to_pfn(dst);
		rc = dom->ops->migrate_page(dst, page, MIGRATE_SYNC);
		c->dst_pfn = 0;
		if (rc == -EAGAIN)
			schedule_timeout_uninterruptible(1);
	} while (rc == -EAGAIN && --tries);
out:
	xa_erase(table, page_to_pfn(dst));
	xa_erase(table, page_to_pfn(page));
	unlock_page(dst);
	unlock_page(page);
	if (rc) {
		put_page(dst);
		return page;
	}
	atomic_long_inc(&dom->core->stats.migrated);
	put_page(page);
	return dst;
}

/*
 * Take every carried page the driver did not release back from the kernel
 * (its device points at this module) and leave it to the driver's
 * reference: never freed under the driver, never moved again. With @dom
 * (its callbacks still work), first move each out of ZONE_MOVABLE and CMA;
 * without (the module is being freed: see movcompat_live.c), leave it.
 */
static void carrier_take_back(struct movcompat_core *core,
			      struct movcompat_domain *dom, const char *name)
{
	unsigned long index, left = 0, stuck = 0, in_movable = 0;
	struct movcompat_carried *c;
	struct page *got;

	unregister_pm_notifier(&core->pm_nb);
	xa_for_each(&core->pages, index, c) {
		xa_erase(&core->pages, index);
		if (c->carried && !READ_ONCE(c->released)) {
			left++;
			got = carrier_dequeue(core, c);
			if (!dom || carrier_move_out(dom, c, got) == got) {
				stuck++;
				if (page_zonenum(got) == ZONE_MOVABLE)
					in_movable++;
			}
		}
		kfree(c);
	}
	if (stuck)
		pr_err("movcompat: domain %s: took back %lu carried pages the driver did not release; %lu of them could not be moved out of ZONE_MOVABLE and CMA, where nothing can move them now (%lu of them in ZONE_MOVABLE)\n",
		       name, left, stuck, in_movable);
	else if (left)
		pr_err("movcompat: domain %s: took back %lu carried pages the driver did not release and moved them out of ZONE_MOVABLE and CMA\n",
		       name, left);
	if (atomic_long_read(&core->stats.released_isolated))
		pr_info("movcompat: domain %s: %ld carried pages were released while the kernel held them isolated (each waited for the kernel's putback)\n",
			name, atomic_long_read(&core->stats.released_isolated));
}

/* Domain teardown: nothing of the module may be reachable from a page. */
void movcompat_carrier_exit(struct movcompat_domain *dom)
{
	if (dom->core->carrier)
		carrier_take_back(dom->core, dom, dom->name);
}

/**
 * movcompat_carrier_orphan_exit() - movcompat_carrier_exit() for a domain
 *	whose module is being freed without movcompat_domain_destroy().
 * @core: the domain's core (the domain itself may be gone).
 * @name: the domain's name, for messages.
 *
 * No driver callback runs: the pages are only taken back.
 */
void movcompat_carrier_orphan_exit(struct movcompat_core *core,
				   const char *name)
{
	if (core->carrier)
		carrier_take_back(core, NULL, name);
}

#endif /* MOVCOMPAT_HAVE_CARRIER */
