// SPDX-License-Identifier: GPL-2.0
/*
 * Native backends (aops, mops): a domain destroyed with pages still marked
 * movable (a driver bug, reported by movcompat_domain_destroy()).
 *
 * The kernel finds such a page's callbacks through page->mapping (the
 * domain's address_space, or its movable_operations, tagged
 * PAGE_MAPPING_MOVABLE); once the module is gone, the next compaction or
 * offline that isolates the page calls into freed module text. movcompat
 * keeps no list of the pages on these backends (it would cost every
 * make_movable), so teardown finds them by their page->mapping in one walk
 * of the online memory map, and, while the driver's callbacks still work,
 * for each page:
 *  - moves it, as the kernel would (isolate_page, migrate_page, or
 *    putback_page on failure), to a page allocated without __GFP_MOVABLE:
 *    nothing can move it afterwards, so it must not stay in ZONE_MOVABLE
 *    or CMA (whether a page is in CMA is not told apart: every page moves);
 *  - clears its movable owner (the destination's too), so the kernel never
 *    calls the domain's callbacks for it again.
 * The pages stay the driver's (its references). A page the kernel holds
 * isolated is waited for: its migration or putback ends the isolation.
 */
#include <linux/delay.h>
#include <linux/gfp.h>
#include <linux/migrate.h>
#include <linux/mm.h>
#include <linux/mmzone.h>
#include <linux/pagemap.h>
#include <movcompat/movcompat.h>
#include "movcompat_internal.h"

#if defined(MOVCOMPAT_BACKEND_MOPS) || defined(MOVCOMPAT_BACKEND_AOPS)

struct native_drain {
	unsigned long owner;	/* page->mapping of the domain's pages */
	struct movcompat_domain *dom;	/* NULL: no callback may run */
	unsigned long found, moved, stuck, in_movable, busy;
};

unsigned long movcompat_native_owner(struct movcompat_domain *dom)
{
#ifdef MOVCOMPAT_BACKEND_MOPS
	return (unsigned long)dom->ops | PAGE_MAPPING_MOVABLE;
#else
	return (unsigned long)dom->mapping | PAGE_MAPPING_MOVABLE;
#endif
}

/*
 * A struct page that is initialised: in an online memory section (whose
 * memory map is initialised as a whole, holes as reserved pages). Not
 * pfn_valid(): from 6.x it takes rcu_read_lock(), GPL-only on PREEMPT_RCU
 * kernels, and this must build for non-GPL modules too. Kernels before
 * online sections (4.13) have a lock-free pfn_valid().
 */
static struct page *native_online_page(unsigned long pfn)
{
#if defined(CONFIG_SPARSEMEM) && defined(MOVCOMPAT_HAVE_ONLINE_SECTION_NR)
	return online_section_nr(pfn_to_section_nr(pfn)) ? pfn_to_page(pfn) : NULL;
#else
	return pfn_valid(pfn) ? pfn_to_page(pfn) : NULL;
#endif
}

/*
 * get_page_unless_zero() without its rcu_read_lock() (6.x, GPL-only on
 * PREEMPT_RCU kernels): that lock guards a struct page the hugetlb vmemmap
 * optimisation may remap read-only, and a zero count is never written
 * anyway; the pages tried here carried the domain's mapping a moment ago.
 */
static bool native_get_page(struct page *page)
{
	return atomic_add_unless(&page->_refcount, 1, 0);
}

/*
 * Move @src (locked, ours, not isolated) with the driver's callbacks, as
 * the kernel does. Return: the page the driver holds now (locked, ours),
 * @src itself if it could not be moved.
 */
static struct page *native_move_out(struct movcompat_domain *dom,
				    struct page *src)
{
	struct page *dst;
	int rc;

	dst = alloc_page(GFP_KERNEL | __GFP_NOWARN | MOVCOMPAT_GFP_MAYFAIL);
	if (!dst)
		return src;
	if (!dom->ops->isolate_page(src, 0)) {
		__free_page(dst);
		return src;
	}
	set_bit(PG_isolated, &src->flags);	/* atomic: see movcompat_lock_page() */
	lock_page(dst);		/* a fresh page: never contended */
	rc = dom->ops->migrate_page(dst, src, MIGRATE_SYNC);
	clear_bit(PG_isolated, &src->flags);
	if (rc) {
		dom->ops->putback_page(src);
		unlock_page(dst);
		__free_page(dst);
		return src;
	}
	/* movcompat_page_migrated() made dst ours and released src */
	unlock_page(src);
	return dst;
}

/* Return: true if @page is still the kernel's (isolated): try again later. */
static bool native_drain_page(struct native_drain *d, struct page *page)
{
	struct page *held;

	if (!native_get_page(page))
		return false;
	movcompat_lock_page(page);
	if ((unsigned long)READ_ONCE(page->mapping) != d->owner) {
		unlock_page(page);	/* released or moved meanwhile */
		put_page(page);
		return false;
	}
	if (PageIsolated(page)) {
		unlock_page(page);
		put_page(page);
		return true;
	}
	d->found++;
	held = d->dom ? native_move_out(d->dom, page) : page;
	if (held != page) {
		d->moved++;
		__ClearPageMovable(held);
		atomic_long_dec(&d->dom->nr_movable);
		unlock_page(held);
		put_page(held);		/* the allocation's: the driver has its own */
		put_page(page);		/* ours: the source goes back */
		return false;
	}
	d->stuck++;
	if (page_zonenum(page) == ZONE_MOVABLE)
		d->in_movable++;
	__ClearPageMovable(page);
	if (d->dom)
		atomic_long_dec(&d->dom->nr_movable);
	unlock_page(page);
	put_page(page);
	return false;
}

static void native_drain_walk(struct native_drain *d)
{
	unsigned long pfn, end;
	struct page *page;
	int nid;

	d->busy = 0;
	for_each_online_node(nid) {
		end = node_end_pfn(nid);
		for (pfn = node_start_pfn(nid); pfn < end; pfn++) {
			if (!(pfn & 1023))
				cond_resched();
			page = native_online_page(pfn);
			if (!page ||
			    (unsigned long)READ_ONCE(page->mapping) != d->owner)
				continue;
			if (native_drain_page(d, page))
				d->busy++;
		}
	}
}

/* every page of @d->owner, a page the kernel holds isolated waited for */
static void native_drain_all(struct native_drain *d)
{
	int round;

	/* a page isolated now is migrated (moved, found again) or put back */
	for (round = 0; round < 500; round++) {
		native_drain_walk(d);
		if (!d->busy)
			break;
		msleep(20);
	}
}

/**
 * movcompat_native_drain() - take a destroyed domain's pages out of the
 *	kernel's reach (native backends; see the top of this file).
 * @dom: the domain, its callbacks still valid.
 *
 * Context: process context, may sleep.
 * Return: how many pages still point at the domain (the kernel held them
 * isolated for over 10 s).
 */
long movcompat_native_drain(struct movcompat_domain *dom)
{
	struct native_drain d = {
		.owner = movcompat_native_owner(dom), .dom = dom,
	};

	native_drain_all(&d);
	if (d.stuck || d.busy)
		pr_err("movcompat: domain %s: %lu of its pages could not be moved out of ZONE_MOVABLE and CMA, where nothing can move them now (%lu of them in ZONE_MOVABLE); %lu are still isolated by the kernel and keep pointing at the domain\n",
		       dom->name, d.stuck, d.in_movable, d.busy);
	else
		pr_err("movcompat: domain %s: moved the %lu pages left in it out of ZONE_MOVABLE and CMA, out of the kernel's reach\n",
		       dom->name, d.moved);
	return d.busy;
}

/**
 * movcompat_native_forget() - movcompat_native_drain() for a domain whose
 *	module is being freed without movcompat_domain_destroy()
 *	(movcompat_live.c): no driver callback runs, the pages only stop
 *	pointing at the module.
 * @owner: page->mapping of the domain's pages (movcompat_native_owner()).
 * @name: the domain's name, for messages.
 *
 * Context: process context, may sleep.
 * Return: as movcompat_native_drain().
 */
long movcompat_native_forget(unsigned long owner, const char *name)
{
	struct native_drain d = { .owner = owner };

	native_drain_all(&d);
	if (d.found || d.busy)
		pr_err("movcompat: domain %s: %lu pages still pointed at it: no longer movable, %lu of them in ZONE_MOVABLE, where nothing can move them now; %lu are still isolated by the kernel\n",
		       name, d.found, d.in_movable, d.busy);
	return d.busy;
}

#endif /* MOVCOMPAT_BACKEND_MOPS || MOVCOMPAT_BACKEND_AOPS */
