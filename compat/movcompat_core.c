// SPDX-License-Identifier: GPL-2.0
/*
 * core backend: movcompat's own, module-side migration core for kernels
 * that give drivers no way to make their pages movable (6.17+, < 4.8), and
 * for any kernel when built with MOVCOMPAT_BACKEND=core.
 *
 * It follows the kernel's own isolate -> migrate -> putback protocol
 * (mm/migrate.c, isolate_movable_ops_page() and migrate_movable_ops_page()
 * of 6.17) with the same rules, using only symbols every target kernel
 * exports to modules:
 *
 *  isolate  take a reference with get_page_unless_zero(), refuse tail and
 *           compound pages (re-checked after the reference, as
 *           folio_get_nontail_page() does since 6.3), trylock, skip pages no
 *           longer in the domain or already isolated, ask the driver's
 *           isolate_page(), set the core's isolated mark, unlock.
 *  migrate  lock the source, drop it silently if the driver released it
 *           while isolated, allocate and lock a destination on the same
 *           node, call migrate_page(dst, src, mode). 0: done; -EAGAIN:
 *           retried, up to MOVCOMPAT_CORE_PASSES passes (migrate_pages()
 *           uses 10); anything else, and no destination page: putback.
 *  putback  lock, call putback_page() unless the driver released the page,
 *           clear the mark, unlock, drop the reference.
 *
 * The core knows a domain's pages through its table (movcompat_core_table.h:
 * bit words per pfn chunk; a driver page enters it in
 * movcompat_page_make_movable() and leaves it in movcompat_page_release(),
 * both under the page lock). The isolated bit is the core's own; the
 * driver never sees it.
 *
 * Placement policy. The kernel cannot migrate the core's pages, so they
 * must never sit where the kernel counts on migrating everything: CMA
 * areas and ZONE_MOVABLE. A page is placed in ZONE_MOVABLE only while the
 * core's memory notifier is registered (CONFIG_MEMORY_HOTREMOVE): offlining
 * a block then evacuates the domain's pages from it before the kernel
 * looks (MEM_GOING_OFFLINE), and refuses the offline (-EBUSY) if one could
 * not be moved. A first, cheap __GFP_MOVABLE attempt is kept only if it
 * landed in ZONE_MOVABLE; otherwise (a movable pageblock of a normal zone,
 * or a CMA area) it is freed at once and the page is allocated without
 * __GFP_MOVABLE, i.e. outside CMA and ZONE_MOVABLE. (x86 CMA areas are
 * reserved below ZONE_MOVABLE; a CMA area inside ZONE_MOVABLE would defeat
 * this check, which the kernel's pageblock type, not exported, could not.)
 */
#include <linux/highmem.h>
#include <linux/list.h>
#include <linux/memory.h>
#include <linux/mm.h>
#include <linux/mmzone.h>
#include <linux/moduleparam.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <movcompat/movcompat.h>
#include "movcompat_core.h"
#include "movcompat_core_table.h"
#include "movcompat_internal.h"

#ifdef MOVCOMPAT_BACKEND_CORE

#ifdef MOVCOMPAT_FAULT_INJECTION
int movcompat_fail_track_init;
module_param_named(movcompat_fail_track, movcompat_fail_track_init, int, 0444);
MODULE_PARM_DESC(movcompat_fail_track, "test builds: make_movable finds no memory to track this many pages");
#endif

#define core_stat_inc(core, field) atomic_long_inc(&(core)->stats.field)

/* destination pages allocated ahead, in one bulk call per refill */
#define MOVCOMPAT_CORE_POOL	32
/* a pass keeps at most 1/this of RAM aside as rejected destinations */
#define MOVCOMPAT_CORE_REJECT_SHARE	8

/* one pass of the core: what it may do and what it did */
struct movcompat_pass {
	enum migrate_mode mode;
	unsigned long avoid_start, avoid_end;	/* no destination in here */
	bool compaction;	/* mark destinations fresh, skip fresh pages */
	bool movable_full;	/* ZONE_MOVABLE had no page: stop asking */
	struct list_head rejected;	/* destinations that fell in avoid */
	unsigned long nr_rejected;	/* pages on it */
	unsigned int pool_n;	/* destinations ready: pool[0 .. pool_n) */
	int pool_nid;
	struct page *pool[MOVCOMPAT_CORE_POOL];
};

/*
 * The bulk page allocator (GPL-only export, 5.13+) takes the per-cpu lists'
 * lock once for many pages; without it, one page at a time.
 */
#if defined(MOVCOMPAT_HAVE_ALLOC_PAGES_BULK_NODE) && \
	(defined(MOVCOMPAT_USABLE_ALLOC_PAGES_BULK_NOPROF) || \
	 defined(MOVCOMPAT_USABLE_ALLOC_PAGES_BULK))
#define core_alloc_bulk(gfp, nid, nr, pages) \
	alloc_pages_bulk_node(gfp, nid, nr, pages)
#elif defined(MOVCOMPAT_HAVE_ALLOC_PAGES_BULK_ARRAY_NODE) && \
	(defined(MOVCOMPAT_USABLE_ALLOC_PAGES_BULK_NOPROF) || \
	 defined(MOVCOMPAT_USABLE_ALLOC_PAGES_BULK))
#define core_alloc_bulk(gfp, nid, nr, pages) \
	alloc_pages_bulk_array_node(gfp, nid, nr, pages)
#else
static unsigned long core_alloc_bulk(gfp_t gfp, int nid, unsigned long nr,
				     struct page **pages)
{
	unsigned long n;

	for (n = 0; n < nr; n++) {
		pages[n] = alloc_pages_node(nid, gfp, 0);
		if (!pages[n])
			break;
	}
	return n;
}
#endif

/*
 * Up to @nr pages on @nid under the placement policy (top of this file):
 * from ZONE_MOVABLE while the notifier guarantees their move and the zone
 * has pages (anything the allocator put elsewhere goes back, and
 * *@movable_full stops further attempts), otherwise without __GFP_MOVABLE,
 * i.e. never in CMA. @pages must be all NULL; returns how many pages it
 * holds then, in @pages[0 .. n).
 */
static unsigned int core_alloc_placed(struct movcompat_core *core, gfp_t gfp,
				      int nid, unsigned int nr,
				      struct page **pages, bool *movable_full)
{
	unsigned int i, n, kept = 0;

	gfp &= ~__GFP_MOVABLE;
	if (core->zone_movable && !*movable_full) {
		/* ZONE_MOVABLE needs __GFP_HIGHMEM | __GFP_MOVABLE (gfp_zone()) */
		gfp_t movable = gfp | __GFP_MOVABLE;

		if (!IS_ENABLED(CONFIG_HIGHMEM) && !(gfp & (__GFP_DMA | __GFP_DMA32)))
			movable |= __GFP_HIGHMEM;
		n = core_alloc_bulk(movable | __GFP_NOWARN | __GFP_NORETRY, nid,
				    nr, pages);
		for (i = 0; i < n; i++) {
			struct page *page = pages[i];

			pages[i] = NULL;
			if (page_zonenum(page) == ZONE_MOVABLE) {
				pages[kept++] = page;
			} else {
				__free_page(page);
				*movable_full = true;
			}
		}
		if (kept)
			return kept;
	}
	return core_alloc_bulk(gfp, nid, nr, pages);
}

/*
 * The flags destinations are allocated with: the pass's own context
 * (GFP_KERNEL: passes run in process context; a caller's noio/nofs scope
 * still applies through current_gfp_context()), and the most restrictive
 * zone any caller of movcompat_alloc_page() asked for, never loosened: a
 * page a driver needed below 4 GiB never moves above it because another
 * caller allowed highmem. The caller's own context flags (GFP_NOIO,
 * GFP_ATOMIC) describe that call, not later passes, and never leak into
 * them.
 */
static void core_note_gfp(struct movcompat_core *core, gfp_t gfp)
{
	gfp_t old = READ_ONCE(core->gfp), new;

	for (;;) {
		new = old;
		/*
		 * without CONFIG_HIGHMEM, __GFP_HIGHMEM restricts nothing: it
		 * only lets __GFP_MOVABLE reach ZONE_MOVABLE, which the
		 * placement policy decides
		 */
		if (IS_ENABLED(CONFIG_HIGHMEM) && !(gfp & __GFP_HIGHMEM))
			new &= ~__GFP_HIGHMEM;
		if (gfp & __GFP_DMA)
			new = (new & ~(__GFP_DMA32 | __GFP_HIGHMEM)) | __GFP_DMA;
		else if ((gfp & __GFP_DMA32) && !(new & __GFP_DMA))
			new = (new & ~__GFP_HIGHMEM) | __GFP_DMA32;
		if (new == old)
			return;
		old = cmpxchg(&core->gfp, old, new);
		if (old == new)
			return;
	}
}

/**
 * movcompat_core_alloc_page() - allocate a page for a core-backed domain.
 * @dom: the domain.
 * @gfp: the driver's flags for this call (context and zone); see
 *	core_note_gfp() for what destinations inherit, and the top of this
 *	file for the placement policy.
 *
 * The page's table chunk is reserved with the same flags, so that making
 * the page movable needs no memory and cannot fail.
 *
 * Return: the page (refcount 1) or NULL.
 */
struct page *movcompat_core_alloc_page(struct movcompat_domain *dom, gfp_t gfp)
{
	struct movcompat_core *core = dom->core;
	struct page *page = NULL;
	bool movable_full = false;

#ifdef MOVCOMPAT_HAVE_CARRIER
	if (core->carrier)
		return movcompat_carrier_alloc_page(dom, gfp);
#endif
	core_note_gfp(core, gfp);
	core_alloc_placed(core, gfp, numa_mem_id(), 1, &page, &movable_full);
	if (page && mc_table_set(&core->table, page_to_pfn(page), MC_RESERVED,
				 movcompat_meta_gfp(gfp))) {
		__free_page(page);
		return NULL;
	}
	return page;
}

/**
 * movcompat_core_free_page() - give back a page of movcompat_alloc_page()
 *	that was never made movable.
 * @dom: the domain.
 * @page: the page.
 */
void movcompat_core_free_page(struct movcompat_domain *dom, struct page *page)
{
#ifdef MOVCOMPAT_HAVE_CARRIER
	if (dom->core->carrier) {
		movcompat_carrier_free_page(dom, page);
		return;
	}
#endif
	mc_table_unreserve(&dom->core->table, page_to_pfn(page));
	put_page(page);
}

static bool core_has_chunk(struct movcompat_core *core, unsigned long pfn)
{
	bool have;

	rcu_read_lock();
	have = mc_chunk(&core->table, pfn);
	rcu_read_unlock();
	return have;
}

/**
 * movcompat_core_track() - a page enters the domain (page locked).
 * @dom: the domain.
 * @page: the page.
 *
 * Return: 0 or -ENOMEM.
 */
int movcompat_core_track(struct movcompat_domain *dom, struct page *page)
{
	struct movcompat_core *core = dom->core;
	unsigned long pfn = page_to_pfn(page);
	int ret;

	movcompat_fault_track_delay(&core->faults);
#ifdef MOVCOMPAT_HAVE_CARRIER
	if (core->carrier)
		return movcompat_carrier_track(dom, page);
#endif
	/*
	 * A page of movcompat_alloc_page() has its chunk already (reserved),
	 * so this allocates only for the driver's own pages, which the core
	 * never placed in ZONE_MOVABLE. Fault injection (test builds only,
	 * no lookup in release builds): no memory where a chunk has to be
	 * allocated.
	 */
	if (IS_ENABLED(MOVCOMPAT_FAULT_INJECTION) &&
	    !core_has_chunk(core, pfn) && movcompat_fault_track(&core->faults))
		return -ENOMEM;
	ret = mc_table_add(&core->table, pfn, GFP_KERNEL);
	/* published after the offline's evacuation: it must leave again */
	if (!ret)
		movcompat_core_offline_check(core, pfn);
	return ret;
}

/**
 * movcompat_core_untrack() - a page leaves the domain (page locked).
 * @dom: the domain.
 * @page: the page. If the core holds it isolated, the core notices under
 *	the page lock and drops it without calling the driver again.
 */
void movcompat_core_untrack(struct movcompat_domain *dom, struct page *page)
{
	mc_table_clear(&dom->core->table, page_to_pfn(page), true, true, true);
}

/**
 * movcompat_core_migrated() - the driver moved @src to @dst (both locked).
 * @dom: the domain.
 * @dst: the destination; enters the table with the driver's reference.
 * @src: the source; leaves the table, the driver's reference is dropped.
 */
void movcompat_core_migrated(struct movcompat_domain *dom, struct page *dst,
			     struct page *src)
{
	struct movcompat_core *core = dom->core;

	if (core->carrier)	/* the balloon side does the bookkeeping */
		return;
	/*
	 * The driver's reference on @dst is the one the core allocated it
	 * with: core_migrate_one() hands it over instead of dropping it.
	 * @dst's chunk usually exists (the domain's pages are dense). If a
	 * new one cannot be had atomically, core_migrate_one() adds @dst
	 * again with GFP_KERNEL once the driver's callback returned (@dst
	 * stays locked until then, so nobody can release it meanwhile).
	 */
	if (mc_table_add(&core->table, page_to_pfn(dst),
			 GFP_ATOMIC | __GFP_NOWARN))
		atomic_inc(&core->untracked);
	/* @src leaves the domain, isolated and fresh bits included */
	mc_table_clear(&core->table, page_to_pfn(src), true, true, true);
	atomic_long_inc(&core->migrated_calls);
	put_page(src);
}

/**
 * movcompat_core_release() - take a page out of the domain and drop it.
 * @dom: the domain.
 * @page: the page, not locked.
 */
void movcompat_core_release(struct movcompat_domain *dom, struct page *page)
{
#ifdef MOVCOMPAT_HAVE_CARRIER
	if (dom->core->carrier) {
		movcompat_carrier_release(dom, page);
		return;
	}
#endif
	lock_page(page);
	movcompat_core_untrack(dom, page);
	unlock_page(page);
	put_page(page);
}

/**
 * movcompat_core_is_carrier() - does the balloon carrier serve @dom?
 * @dom: the domain.
 *
 * Return: true for a carrier domain.
 */
bool movcompat_core_is_carrier(const struct movcompat_domain *dom)
{
	return dom->core && dom->core->carrier;
}

/**
 * movcompat_core_page_private() - see movcompat_page_private().
 * @dom: the domain.
 * @page: the page.
 *
 * Return: the driver's value.
 */
unsigned long movcompat_core_page_private(struct movcompat_domain *dom,
					  struct page *page)
{
#ifdef MOVCOMPAT_HAVE_CARRIER
	if (dom->core->carrier)
		return movcompat_carrier_private(dom, page);
#endif
	return page_private(page);
}

/**
 * movcompat_core_set_page_private() - see movcompat_page_set_private().
 * @dom: the domain.
 * @page: the page.
 * @value: the driver's value.
 */
void movcompat_core_set_page_private(struct movcompat_domain *dom,
				     struct page *page, unsigned long value)
{
#ifdef MOVCOMPAT_HAVE_CARRIER
	if (dom->core->carrier) {
		movcompat_carrier_set_private(dom, page, value);
		return;
	}
#endif
	set_page_private(page, value);
}

/**
 * movcompat_core_page_isolated() - does the core hold @page isolated?
 * @dom: the domain.
 * @page: the page.
 *
 * Return: true if isolated by the core.
 */
bool movcompat_core_page_isolated(struct movcompat_domain *dom,
				  struct page *page)
{
	return mc_table_test(&dom->core->table, page_to_pfn(page),
			     MC_ISOLATED);
}

/* still the driver's page? (page locked) */
static bool core_owns(struct movcompat_core *core, struct page *page)
{
	if (MOVCOMPAT_BROKEN(RELEASED))
		return true;
	return mc_table_test(&core->table, page_to_pfn(page), MC_PRESENT);
}

/*
 * Claim a locked page for isolation: in one walk under the table's lock,
 * check that it is still the domain's page and not isolated already, and
 * set the core's isolated mark. 0, -ENOENT (not the domain's) or -EBUSY.
 */
static int core_claim(struct movcompat_core *core, struct page *page,
		      unsigned long pfn)
{
	XA_STATE(xas, &core->table, pfn / BITS_PER_LONG);
	unsigned int b = pfn % BITS_PER_LONG;
	struct movcompat_chunk *c;
	int ret = 0;

	xas_lock(&xas);
	c = xas_load(&xas);
	if (!MOVCOMPAT_BROKEN(TAIL) && !(c && test_bit(b, &c->present)))
		ret = -ENOENT;
	else if (!MOVCOMPAT_BROKEN(ISOLATED) && c && test_bit(b, &c->isolated))
		ret = -EBUSY;
	else if (c)
		set_bit(b, &c->isolated);
	xas_unlock(&xas);
	return ret;
}

/**
 * movcompat_core_isolate() - isolate one page of the domain.
 * @dom: the domain.
 * @page: a page found in the domain's table (no reference held).
 * @mode: passed to the driver's isolate_page.
 *
 * Return: 0 with the page isolated and a reference held by the core;
 * -ENOENT (being freed or no longer in the domain), -EINVAL (tail or
 * compound page), -EBUSY (locked, already isolated, or refused by the
 * driver).
 */
int movcompat_core_isolate(struct movcompat_domain *dom, struct page *page,
			   isolate_mode_t mode)
{
	struct movcompat_core *core = dom->core;
	unsigned long pfn = page_to_pfn(page);
	int ret;

	if (MOVCOMPAT_BROKEN(TAIL)) {
		get_page(page);
	} else {
		/* a tail page has refcount 0; check again with the reference */
		if (!get_page_unless_zero(page)) {
			core_stat_inc(core, refused);
			return -ENOENT;
		}
		if (PageCompound(page)) {
			put_page(page);
			core_stat_inc(core, refused);
			return -EINVAL;
		}
		/*
		 * The page may have left the domain (and been reused) since
		 * the batch was gathered: check ownership with the reference
		 * held, before touching its lock, as the kernel checks for
		 * movable ops before folio_trylock(). core_claim() checks
		 * again under the lock.
		 */
		if (!mc_table_test(&core->table, pfn, MC_PRESENT)) {
			put_page(page);
			core_stat_inc(core, refused);
			return -ENOENT;
		}
	}
	if (!trylock_page(page)) {
		put_page(page);
		core_stat_inc(core, busy);
		return -EBUSY;
	}
	ret = core_claim(core, page, pfn);
	if (!ret && !dom->ops->isolate_page(page, mode)) {
		mc_table_clear(&core->table, pfn, false, true, false);
		ret = -EBUSY;
	}
	unlock_page(page);
	if (ret) {
		put_page(page);
		if (ret == -ENOENT)
			core_stat_inc(core, refused);
		else
			core_stat_inc(core, busy);
		return ret;
	}
	core_stat_inc(core, isolated);
	return 0;
}

/**
 * movcompat_core_putback() - give an isolated page back to the driver.
 * @dom: the domain.
 * @page: a page isolated by movcompat_core_isolate(); the core's
 *	reference is dropped.
 */
void movcompat_core_putback(struct movcompat_domain *dom, struct page *page)
{
	struct movcompat_core *core = dom->core;

	lock_page(page);
	if (core_owns(core, page)) {
		if (!MOVCOMPAT_BROKEN(PUTBACK)) {
			dom->ops->putback_page(page);
			core_stat_inc(core, putback);
		}
		mc_table_clear(&core->table, page_to_pfn(page), false, true,
			       false);
	} else {
		core_stat_inc(core, released_isolated);
	}
	unlock_page(page);
	put_page(page);
}

/* free a destination page that was not used (reserved, never tracked) */
static void core_free_dst(struct movcompat_core *core, struct page *page)
{
	mc_table_unreserve(&core->table, page_to_pfn(page));
	__free_page(page);
}

static void core_pool_drain(struct movcompat_core *core,
			    struct movcompat_pass *pass)
{
	while (pass->pool_n)
		core_free_dst(core, pass->pool[--pass->pool_n]);
}

/*
 * refill the destination pool on @nid (placement policy included); each
 * page's chunk is reserved, so that movcompat_page_migrated() can track it
 * without allocating
 */
static void core_pool_fill(struct movcompat_core *core,
			   struct movcompat_pass *pass, int nid)
{
	/* a destination is never worth the OOM killer: a page can stay */
	gfp_t gfp = READ_ONCE(core->gfp) | __GFP_NOWARN | __GFP_RETRY_MAYFAIL;
	unsigned int i, n, kept = 0;

	pass->pool_nid = nid;
	memset(pass->pool, 0, sizeof(pass->pool));
	n = core_alloc_placed(core, gfp, nid, MOVCOMPAT_CORE_POOL, pass->pool,
			      &pass->movable_full);
	for (i = 0; i < n; i++) {
		struct page *page = pass->pool[i];

		pass->pool[i] = NULL;
		if (mc_table_set(&core->table, page_to_pfn(page), MC_RESERVED,
				 movcompat_meta_gfp(gfp)))
			__free_page(page);
		else
			pass->pool[kept++] = page;
	}
	pass->pool_n = kept;
}

static struct page *core_pool_get(struct movcompat_core *core,
				  struct movcompat_pass *pass, int nid)
{
	if (!pass->pool_n || pass->pool_nid != nid) {
		core_pool_drain(core, pass);
		core_pool_fill(core, pass, nid);
		if (!pass->pool_n)
			return NULL;
	}
	return pass->pool[--pass->pool_n];
}

/*
 * A destination for @src outside the range the pass evacuates. Free pages
 * of that range the allocator hands out are kept aside (rejected) until
 * the pass ends, so that they are not handed out again: at most as many as
 * the range holds, and never more than 1/MOVCOMPAT_CORE_REJECT_SHARE of
 * RAM. (Without that bound, a range spanning all of memory took every
 * free page and the OOM killer started: found by the fuzz lane's
 * "evacuate 0 18446744073709551615".)
 */
static struct page *core_alloc_dst(struct movcompat_core *core,
				   struct page *src, struct movcompat_pass *pass)
{
	unsigned long pfn, limit;
	struct page *page;

	if (movcompat_fault_dst_alloc(&core->faults))
		return NULL;
	limit = min(pass->avoid_end - pass->avoid_start,
		    totalram_pages() / MOVCOMPAT_CORE_REJECT_SHARE);
	limit = max(limit, 64UL);
	while (pass->nr_rejected < limit) {
		page = core_pool_get(core, pass, page_to_nid(src));
		if (!page)
			return NULL;
		pfn = page_to_pfn(page);
		if ((pfn < pass->avoid_start || pfn >= pass->avoid_end) &&
		    !movcompat_core_offline_range_has(core, pfn))
			return page;
		list_add(&page->lru, &pass->rejected);
		pass->nr_rejected++;
	}
	return NULL;
}

/*
 * migrate_page() returned 0 and some movcompat_core_migrated() found no
 * memory for its destination's chunk: add @dst now if it was this one,
 * allowed to sleep (@dst is still locked, so still in service).
 */
static void core_track_late(struct movcompat_domain *dom, struct page *dst)
{
	struct movcompat_core *core = dom->core;

	if (mc_table_test(&core->table, page_to_pfn(dst), MC_PRESENT))
		return;
	WARN_ONCE(mc_table_add(&core->table, page_to_pfn(dst), GFP_KERNEL),
		  "movcompat: domain %s: no memory to track a migrated page: it stays in service, but the core cannot move it again\n",
		  dom->name);
	atomic_dec(&core->untracked);
}

/* 0: moved or dropped (released); else the page stays isolated */
static int core_migrate_one(struct movcompat_domain *dom, struct page *src,
			    struct movcompat_pass *pass)
{
	struct movcompat_core *core = dom->core;
	unsigned long dst_pfn, calls;
	struct page *dst;
	int rc;

	lock_page(src);
	if (!core_owns(core, src)) {
		/* released by the driver while isolated: just let it go */
		unlock_page(src);
		put_page(src);
		core_stat_inc(core, released_isolated);
		return 0;
	}
	dst = core_alloc_dst(core, src, pass);
	if (!dst) {
		unlock_page(src);
		core_stat_inc(core, dst_alloc_failed);
		return -ENOMEM;
	}
	dst_pfn = page_to_pfn(dst);
	if (WARN_ON_ONCE(!trylock_page(dst))) {
		core_free_dst(core, dst);
		unlock_page(src);
		core_stat_inc(core, dst_alloc_failed);
		return -ENOMEM;
	}
	calls = atomic_long_read(&core->migrated_calls);
	rc = dom->ops->migrate_page(dst, src, pass->mode);
	if (!rc) {
		/* a driver bug; a concurrent pass may hide it, never fake it */
		if (atomic_long_read(&core->migrated_calls) == calls) {
			pr_err_ratelimited("movcompat: domain %s: migrate_page returned 0 without calling movcompat_page_migrated(): a driver bug; the page stays where it is\n",
					   dom->name);
			mc_table_clear(&core->table, page_to_pfn(src), false,
				       true, false);
			unlock_page(dst);
			core_free_dst(core, dst);	/* nobody took it over */
			unlock_page(src);
			put_page(src);		/* the isolation reference */
			core_stat_inc(core, failed);
			return 0;
		} else if (unlikely(atomic_read(&core->untracked))) {
			core_track_late(dom, dst);
		}
		if (pass->compaction &&
		    mc_table_test(&core->table, dst_pfn, MC_PRESENT))
			mc_table_set_pinned(&core->table, dst_pfn, MC_FRESH);
		unlock_page(dst);	/* our reference is the driver's now */
		unlock_page(src);
		put_page(src);		/* the isolation reference: frees it */
		core_stat_inc(core, migrated);
		return 0;
	}
	unlock_page(dst);
	core_free_dst(core, dst);
	unlock_page(src);
	if (rc == -EAGAIN)
		core_stat_inc(core, retried);
	return rc;
}

static void core_pass_init(struct movcompat_pass *pass, enum migrate_mode mode,
			   unsigned long avoid_start, unsigned long avoid_end)
{
	pass->mode = mode;
	pass->avoid_start = avoid_start;
	pass->avoid_end = avoid_end;
	pass->compaction = false;
	pass->movable_full = false;
	INIT_LIST_HEAD(&pass->rejected);
	pass->nr_rejected = 0;
	pass->pool_n = 0;
	pass->pool_nid = NUMA_NO_NODE;
}

static void core_pass_end(struct movcompat_core *core,
			  struct movcompat_pass *pass)
{
	struct page *page, *next;

	core_pool_drain(core, pass);
	list_for_each_entry_safe(page, next, &pass->rejected, lru) {
		list_del(&page->lru);
		core_free_dst(core, page);
	}
}

/* migrate isolated pages; returns how many did not move (put back) */
static long core_migrate_list(struct movcompat_domain *dom,
			      struct page **pages, unsigned int n,
			      struct movcompat_pass *pass)
{
	struct movcompat_core *core = dom->core;
	unsigned int i, left = n, round;
	long failed = 0;
	int rc;

	for (round = 0; round < MOVCOMPAT_CORE_PASSES && left; round++) {
		for (i = 0; i < n; i++) {
			if (!pages[i])
				continue;
			rc = core_migrate_one(dom, pages[i], pass);
			if (rc == -EAGAIN && !MOVCOMPAT_BROKEN(EAGAIN))
				continue;
			if (rc && rc == -ENOMEM && MOVCOMPAT_BROKEN(DST_FAIL)) {
				put_page(pages[i]);	/* forgets the page */
				failed++;
			} else if (rc) {
				movcompat_core_putback(dom, pages[i]);
				failed++;
			}
			pages[i] = NULL;
			left--;
		}
		cond_resched();
	}
	for (i = 0; i < n; i++) {
		if (pages[i]) {		/* still -EAGAIN after the last pass */
			movcompat_core_putback(dom, pages[i]);
			pages[i] = NULL;
			failed++;
		}
	}
	atomic_long_add(failed, &core->stats.failed);
	return failed;
}

/**
 * movcompat_core_migrate_list() - migrate pages the core isolated.
 * @dom: the domain.
 * @pages: pages isolated with movcompat_core_isolate(); entries are
 *	cleared as they are consumed.
 * @n: number of entries.
 * @mode: migrate mode passed to the driver.
 * @avoid_start: first pfn no destination may have.
 * @avoid_end: pfn after the last one no destination may have (0: none).
 *
 * Return: the number of pages that did not move (they were put back).
 */
long movcompat_core_migrate_list(struct movcompat_domain *dom,
				 struct page **pages, unsigned int n,
				 enum migrate_mode mode,
				 unsigned long avoid_start,
				 unsigned long avoid_end)
{
	struct movcompat_pass pass;
	long failed;

	core_pass_init(&pass, mode, avoid_start, avoid_end);
	failed = core_migrate_list(dom, pages, n, &pass);
	core_pass_end(dom->core, &pass);
	return failed;
}

/*
 * Collect up to MOVCOMPAT_CORE_BATCH of the domain's pages from *cursor to
 * last in one walk of the table (no references taken: isolation checks
 * each page again under its lock). Compaction skips its own destinations.
 * Sets *more and moves *cursor when the batch filled before last.
 */
static unsigned int core_gather(struct movcompat_core *core,
				unsigned long *cursor, unsigned long last,
				bool compaction, struct page **batch, bool *more)
{
	XA_STATE(xas, &core->table, *cursor / BITS_PER_LONG);
	unsigned long base, word, pfn;
	struct movcompat_chunk *c;
	unsigned int n = 0, b;

	*more = false;
	rcu_read_lock();
	xas_for_each(&xas, c, last / BITS_PER_LONG) {
		if (xas_retry(&xas, c))
			continue;
		base = xas.xa_index * BITS_PER_LONG;
		word = READ_ONCE(c->present) &
		       mc_range_mask(base, *cursor, last);
		if (compaction)
			word &= ~READ_ONCE(c->fresh);
		for_each_set_bit(b, &word, BITS_PER_LONG) {
			pfn = base + b;
			batch[n++] = pfn_to_page(pfn);
			if (n == MOVCOMPAT_CORE_BATCH) {
				*more = pfn < last;
				*cursor = pfn + 1;
				goto out;
			}
		}
	}
out:
	rcu_read_unlock();
	return n;
}

/*
 * One sweep over the domain's pages in [start, end]: isolate in batches,
 * migrate each batch. Returns pages migrated or a negative errno.
 */
static long core_sweep(struct movcompat_domain *dom, unsigned long start,
		       unsigned long last, struct movcompat_pass *pass)
{
	struct movcompat_core *core = dom->core;
	unsigned long cursor = start;
	unsigned int i, n, found;
	long moved = 0, failed;
	struct page **batch;
	bool more;

	batch = kmalloc_array(MOVCOMPAT_CORE_BATCH, sizeof(*batch), GFP_KERNEL);
	if (!batch)
		return -ENOMEM;
	do {
		found = core_gather(core, &cursor, last, pass->compaction,
				    batch, &more);
		for (i = 0, n = 0; i < found; i++)
			if (!movcompat_core_isolate(dom, batch[i], 0))
				batch[n++] = batch[i];
		if (!n) {
			if (more)
				continue;
			break;
		}
		movcompat_fault_delay(&core->faults);
		failed = core_migrate_list(dom, batch, n, pass);
		moved += n - failed;
		cond_resched();
	} while (more && !fatal_signal_pending(current));
	kfree(batch);
	return moved;
}

/* the domain's pages in [start, last] */
static unsigned long core_count(struct movcompat_core *core,
				unsigned long start, unsigned long last)
{
	XA_STATE(xas, &core->table, start / BITS_PER_LONG);
	unsigned long count = 0, chunks = 0;
	struct movcompat_chunk *c;

	rcu_read_lock();
	xas_for_each(&xas, c, last / BITS_PER_LONG) {
		if (xas_retry(&xas, c))
			continue;
		count += hweight_long(READ_ONCE(c->present) &
				      mc_range_mask(xas.xa_index * BITS_PER_LONG,
						    start, last));
		mc_table_walk_pause(&xas, &chunks);
	}
	rcu_read_unlock();
	return count;
}

/**
 * movcompat_core_evacuate() - move the domain's pages out of a pfn range.
 * @dom: the domain.
 * @start_pfn: first pfn of the range.
 * @end_pfn: pfn after the range.
 * @mode: migrate mode passed to the driver.
 *
 * Destinations are always outside the range. Tries three sweeps while
 * they make progress.
 *
 * Return: the number of the domain's pages still in the range (0 on
 * success), or a negative errno.
 */
long movcompat_core_evacuate(struct movcompat_domain *dom,
			     unsigned long start_pfn, unsigned long end_pfn,
			     enum migrate_mode mode)
{
	struct movcompat_core *core = dom->core;
	unsigned long left = 0, before;
	struct movcompat_pass pass;
	long moved = 0;
	int sweep;

	if (end_pfn <= start_pfn)
		return -EINVAL;
	if (core->carrier)	/* the kernel moves carried pages itself */
		return 0;
	down_read(&core->teardown);
	atomic_long_inc(&core->stats.passes);
	core_pass_init(&pass, mode, start_pfn, end_pfn);
	left = core_count(core, start_pfn, end_pfn - 1);
	for (sweep = 0; sweep < 3 && left; sweep++) {
		before = left;
		moved = core_sweep(dom, start_pfn, end_pfn - 1, &pass);
		if (moved < 0)
			break;
		left = core_count(core, start_pfn, end_pfn - 1);
		if (left >= before)
			break;
	}
	core_pass_end(dom->core, &pass);
	up_read(&core->teardown);
	return moved < 0 ? moved : left;
}

/* the end of a compaction pass: no page is fresh any more */
static void core_clear_fresh(struct movcompat_core *core)
{
	XA_STATE(xas, &core->table, 0);
	struct movcompat_chunk *c;
	unsigned long chunks = 0;

	/* fresh bits sit only on present pages: no chunk empties here */
	rcu_read_lock();
	xas_for_each(&xas, c, ULONG_MAX) {
		if (xas_retry(&xas, c))
			continue;
		if (READ_ONCE(c->fresh))
			xchg(&c->fresh, 0);
		mc_table_walk_pause(&xas, &chunks);
	}
	rcu_read_unlock();
}

static long core_compact(struct movcompat_domain *dom)
{
	struct movcompat_core *core = dom->core;
	struct movcompat_pass pass;
	long moved;

	down_read(&core->teardown);
	atomic_long_inc(&core->stats.passes);
	core_pass_init(&pass, MIGRATE_SYNC, 0, 0);
	pass.compaction = true;
	moved = core_sweep(dom, 0, ULONG_MAX, &pass);
	core_clear_fresh(core);
	core_pass_end(dom->core, &pass);
	up_read(&core->teardown);
	return moved;
}

/**
 * movcompat_domain_compact() - move every page of the domain once.
 * @dom: the domain.
 *
 * Core backend: isolates and migrates each page of the domain to a newly
 * allocated page (the allocator's choice, under the placement policy), so
 * the pageblocks it leaves can merge into higher orders. Pages that are
 * busy or refused are skipped. On native backends the kernel's own
 * compaction moves the pages; nothing to do here.
 *
 * Context: process context, may sleep for a long time.
 * Return: pages migrated, or -EOPNOTSUPP on native backends, or -errno.
 */
long movcompat_domain_compact(struct movcompat_domain *dom)
{
	if (dom->core->carrier)
		return -EOPNOTSUPP;
	return core_compact(dom);
}

/**
 * movcompat_domain_evacuate() - move the domain's pages out of a pfn range.
 * @dom: the domain.
 * @start_pfn: first pfn.
 * @nr_pages: length of the range.
 *
 * Core backend only (native backends: the kernel evacuates ranges itself
 * when it offlines or allocates them; returns -EOPNOTSUPP).
 *
 * Context: process context, may sleep for a long time.
 * Return: the number of the domain's pages still in the range (0: the
 * range holds none of them any more), or -errno.
 */
long movcompat_domain_evacuate(struct movcompat_domain *dom,
			       unsigned long start_pfn, unsigned long nr_pages)
{
	if (!nr_pages || start_pfn + nr_pages < start_pfn)
		return -EINVAL;
	if (dom->core->carrier)
		return -EOPNOTSUPP;
	return movcompat_core_evacuate(dom, start_pfn, start_pfn + nr_pages,
				       MIGRATE_SYNC);
}

int movcompat_core_domain_init(struct movcompat_domain *dom,
			       unsigned int flags)
{
	struct movcompat_core *core;
	int ret;

	core = kzalloc(sizeof(*core), GFP_KERNEL);
	if (!core)
		return -ENOMEM;
	core->dom = dom;
	xa_init(&core->pages);
	xa_init(&core->table);
	init_rwsem(&core->teardown);
	movcompat_faults_init(&core->faults);
	core->gfp = GFP_KERNEL | __GFP_HIGHMEM;
	spin_lock_init(&core->offline_lock);
	dom->core = core;
	if (flags & MOVCOMPAT_DOMAIN_BALLOON_CARRIER) {
#ifdef MOVCOMPAT_HAVE_CARRIER
		ret = movcompat_carrier_init(dom);
		if (ret)
			goto err;
#else
		pr_info("movcompat: domain %s: no balloon carrier on this kernel or for this module's licence; the core moves its pages\n",
			dom->name);
#endif
	}
	ret = movcompat_core_triggers_init(core);
	if (ret)
		goto err;
	return 0;
err:
#ifdef MOVCOMPAT_HAVE_CARRIER
	movcompat_carrier_exit(dom);
#endif
	dom->core = NULL;
	kfree(core);
	return ret;
}

/*
 * Domain teardown with pages still in the domain (a driver bug, reported
 * by movcompat_domain_destroy()): once the core is gone nothing could move
 * them, and a page nobody can move in ZONE_MOVABLE makes every offline of
 * its block spin. While the driver's callbacks still exist, move them out
 * of ZONE_MOVABLE (destinations outside it); say what is left.
 */
static void core_drain_zone_movable(struct movcompat_domain *dom)
{
	struct movcompat_core *core = dom->core;
	unsigned long start, end, left = 0;
	struct movcompat_pass pass;
	int nid;

	for_each_online_node(nid) {
		struct zone *zone = &NODE_DATA(nid)->node_zones[ZONE_MOVABLE];

		if (!populated_zone(zone))
			continue;
		start = zone->zone_start_pfn;
		end = zone_end_pfn(zone);
		core_pass_init(&pass, MIGRATE_SYNC, start, end);
		pass.movable_full = true;	/* no destination in ZONE_MOVABLE */
		core_sweep(dom, start, end - 1, &pass);
		core_pass_end(core, &pass);
		left += core_count(core, start, end - 1);
	}
	if (left)
		pr_err("movcompat: domain %s: %lu of its pages are left in ZONE_MOVABLE, where nothing can move them now: offlining their memory blocks will fail\n",
		       dom->name, left);
}

void movcompat_core_domain_destroy(struct movcompat_domain *dom)
{
	struct movcompat_core *core = dom->core;

	/* no new pass from the kernel (notifier) or from debugfs */
	movcompat_core_triggers_exit(core);
	/* wait for passes still running (API, debugfs, notifier) */
	if (!MOVCOMPAT_BROKEN(TEARDOWN)) {
		down_write(&core->teardown);
		up_write(&core->teardown);
	}
#ifdef MOVCOMPAT_HAVE_CARRIER
	/* gives back every carried page the driver did not release */
	movcompat_carrier_exit(dom);
#endif
	if (!core->carrier && atomic_long_read(&dom->nr_movable))
		core_drain_zone_movable(dom);
	xa_destroy(&core->pages);
	mc_table_destroy(&core->table);
	dom->core = NULL;
	kfree(core);
}

#else /* native backends */

long movcompat_domain_compact(struct movcompat_domain *dom)
{
	return -EOPNOTSUPP;
}

long movcompat_domain_evacuate(struct movcompat_domain *dom,
			       unsigned long start_pfn, unsigned long nr_pages)
{
	return -EOPNOTSUPP;
}

#endif /* MOVCOMPAT_BACKEND_CORE */
