// SPDX-License-Identifier: GPL-2.0
/*
 * core backend, placement and the destination pool.
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
#include <linux/gfp.h>
#include <linux/list.h>
#include <linux/mm.h>
#include <linux/mmzone.h>
#include <movcompat/movcompat.h>
#include "movcompat_core.h"
#include "movcompat_core_table.h"
#include "movcompat_internal.h"

#ifdef MOVCOMPAT_BACKEND_CORE

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
 * A run of @nr (a power of two) destinations from one free block, split
 * with split_page() (GPL-only): one allocation, and one zeroing pass with
 * init_on_alloc, instead of a per-cpu list round and a preparation per
 * page (make bench on 6.1: core/native 1.06 -> 1.19). Only from
 * blocks already free: no reclaim, compaction or kswapd for it, so it
 * fails rather than costs; the caller then takes single pages. 0 or @nr.
 */
#ifdef MOVCOMPAT_USABLE_SPLIT_PAGE
static unsigned int core_alloc_run(gfp_t gfp, int nid, unsigned int nr,
				   struct page **pages)
{
	unsigned int order = ilog2(nr), i;
	struct page *page;

	page = alloc_pages_node(nid, (gfp & ~__GFP_RECLAIM) | __GFP_NOWARN,
				order);
	if (!page)
		return 0;
	split_page(page, order);
	for (i = 0; i < nr; i++)
		pages[i] = page + i;	/* one block: one memmap run */
	return nr;
}
#else
static unsigned int core_alloc_run(gfp_t gfp, int nid, unsigned int nr,
				   struct page **pages)
{
	return 0;
}
#endif

/*
 * Does ZONE_MOVABLE of @page's node have free pages above its high
 * watermark? Then a __GFP_MOVABLE page that landed in another zone was the
 * allocator's choice, not a full ZONE_MOVABLE: 4.4-4.7's fair zone
 * allocation policy hands a node's zones out in turns.
 */
static bool core_movable_has_room(struct page *page)
{
	struct zone *z = &NODE_DATA(page_to_nid(page))->node_zones[ZONE_MOVABLE];

	return zone_page_state(z, NR_FREE_PAGES) > high_wmark_pages(z);
}

/* tries of a __GFP_MOVABLE allocation that the allocator put elsewhere */
#define MOVCOMPAT_CORE_MOVABLE_TRIES	64

/*
 * Up to @nr pages on @nid under the placement policy (top of this file):
 * from ZONE_MOVABLE while the notifier guarantees their move and the zone
 * has pages (anything the allocator put elsewhere goes back, and
 * *@movable_full stops further attempts once the zone is at its high
 * watermark), otherwise without __GFP_MOVABLE, i.e. never in CMA. @run:
 * take them as one run from a free block if there is one (never for a
 * compaction, whose destinations must fill holes, not the free blocks it
 * makes). @pages must be all NULL; returns how many pages it holds then,
 * in @pages[0 .. n).
 */
static unsigned int core_alloc_placed(struct movcompat_core *core, gfp_t gfp,
				      int nid, unsigned int nr,
				      struct page **pages, bool *movable_full,
				      bool run)
{
	unsigned int i, n, kept = 0, tries = 0;

	gfp &= ~__GFP_MOVABLE;
	while (core->zone_movable && !*movable_full &&
	       tries++ < MOVCOMPAT_CORE_MOVABLE_TRIES) {
		/* ZONE_MOVABLE needs __GFP_HIGHMEM | __GFP_MOVABLE (gfp_zone()) */
		gfp_t movable = gfp | __GFP_MOVABLE;

		if (!IS_ENABLED(CONFIG_HIGHMEM) && !(gfp & (__GFP_DMA | __GFP_DMA32)))
			movable |= __GFP_HIGHMEM;
		n = run ? core_alloc_run(movable, nid, nr, pages) : 0;
		if (!n)
			n = core_alloc_bulk(movable | __GFP_NOWARN |
					    __GFP_NORETRY, nid, nr, pages);
		for (i = 0; i < n; i++) {
			struct page *page = pages[i];

			pages[i] = NULL;
			if (page_zonenum(page) == ZONE_MOVABLE) {
				pages[kept++] = page;
			} else {
				if (!core_movable_has_room(page))
					*movable_full = true;
				__free_page(page);
			}
		}
		if (kept)
			return kept;
		if (!n)
			break;
	}
	n = run ? core_alloc_run(gfp, nid, nr, pages) : 0;
	return n ? n : core_alloc_bulk(gfp, nid, nr, pages);
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
	core_alloc_placed(core, gfp, numa_mem_id(), 1, &page, &movable_full,
			  false);
	if (page && mc_table_set(&core->table, page_to_pfn(page), MC_RESERVED,
				 movcompat_meta_gfp(gfp), NULL)) {
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

/**
 * movcompat_core_free_dst() - free a destination that was not used.
 * @core: the core.
 * @page: the page (never in the domain).
 * @c: its chunk, pinned by its reserved bit, which goes (NULL: not
 *	reserved).
 */
void movcompat_core_free_dst(struct movcompat_core *core, struct page *page,
			     struct movcompat_chunk *c)
{
	if (c)
		mc_chunk_clear(&core->table, c, page_to_pfn(page),
			       BIT(MC_RESERVED));
	__free_page(page);
}

/* give back the pass's unused destinations */
void movcompat_core_pool_drain(struct movcompat_core *core,
			       struct movcompat_pass *pass)
{
	while (pass->pool_n) {
		pass->pool_n--;
		movcompat_core_free_dst(core, pass->pool[pass->pool_n],
					pass->pool_chunk[pass->pool_n]);
	}
}

/*
 * reserve the table chunks of the pool's pages: one locked table store
 * per chunk of 64 pfns (the allocator hands out runs of neighbours), the
 * other pages of a chunk get their reserved bit without the lock, the
 * previous page's bit pinning it. A destination whose chunk found no
 * memory is added when it is used, or after the callback
 * (core_track_late()).
 */
static void core_pool_reserve(struct movcompat_core *core,
			      struct movcompat_pass *pass, gfp_t gfp)
{
	struct movcompat_chunk *c = NULL;
	unsigned long pfn;
	unsigned int i;

	for (i = 0; i < pass->pool_n; i++) {
		pfn = page_to_pfn(pass->pool[i]);
		if (c && c->index == pfn / BITS_PER_LONG)
			mc_chunk_set(c, pfn, MC_RESERVED);
		else if (mc_table_set(&core->table, pfn, MC_RESERVED, gfp, &c))
			c = NULL;
		pass->pool_chunk[i] = c;
	}
}

/* refill the destination pool on @nid (placement policy included) */
static void core_pool_fill(struct movcompat_core *core,
			   struct movcompat_pass *pass, int nid)
{
	/* a destination is never worth the OOM killer: a page can stay */
	gfp_t gfp = READ_ONCE(core->gfp) | __GFP_NOWARN | MOVCOMPAT_GFP_MAYFAIL;

	pass->pool_nid = nid;
	memset(pass->pool, 0, sizeof(pass->pool));
	pass->pool_n = core_alloc_placed(core, gfp, nid, MOVCOMPAT_CORE_POOL,
					 pass->pool, &pass->movable_full,
					 !pass->compaction && !pass->nr_sources);
	core_pool_reserve(core, pass, movcompat_meta_gfp(gfp));
}

static struct page *core_pool_get(struct movcompat_core *core,
				  struct movcompat_pass *pass, int nid,
				  struct movcompat_chunk **cp)
{
	if (!pass->pool_n || pass->pool_nid != nid) {
		movcompat_core_pool_drain(core, pass);
		core_pool_fill(core, pass, nid);
		if (!pass->pool_n)
			return NULL;
	}
	pass->pool_n--;
	*cp = pass->pool_chunk[pass->pool_n];
	return pass->pool[pass->pool_n];
}

/*
 * A destination for @src outside the range the pass evacuates. Free pages
 * of that range the allocator hands out are kept aside (rejected) until
 * the pass ends, so that they are not handed out again: at most as many as
 * the range holds, and never more than 1/MOVCOMPAT_CORE_REJECT_SHARE of
 * RAM. (Without that bound, a range spanning all of memory took every
 * free page and the OOM killer started: found by the fuzz lane's
 * "evacuate 0 18446744073709551615".) Sets *@cp to the page's table chunk,
 * pinned by its reserved bit (NULL: not reserved).
 */
struct page *movcompat_core_alloc_dst(struct movcompat_core *core,
				      struct page *src,
				      struct movcompat_pass *pass,
				      struct movcompat_chunk **cp)
{
	unsigned long pfn, limit = movcompat_core_pass_hold_limit(pass);
	struct movcompat_chunk *c;
	struct page *page;

	if (movcompat_fault_dst_alloc(&core->faults))
		return NULL;
	while (pass->nr_rejected < limit) {
		page = core_pool_get(core, pass, page_to_nid(src), &c);
		if (!page)
			return NULL;
		pfn = page_to_pfn(page);
		if ((pfn < pass->avoid_start || pfn >= pass->avoid_end) &&
		    !movcompat_core_offline_range_has(core, pfn) &&
		    !(pass->nr_sources && movcompat_core_pass_source(pass, pfn))) {
			*cp = c;
			return page;
		}
		if (c)		/* kept aside, never in the domain */
			mc_chunk_clear(&core->table, c, pfn, BIT(MC_RESERVED));
		list_add(&page->lru, &pass->rejected);
		pass->nr_rejected++;
		core_stat_inc(core, dst_rejected);
	}
	return NULL;
}

#endif /* MOVCOMPAT_BACKEND_CORE */
