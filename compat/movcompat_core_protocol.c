// SPDX-License-Identifier: GPL-2.0
/*
 * core backend, the protocol: movcompat's own, module-side migration core for kernels
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
 */
#include <linux/mm.h>
#include <linux/pagemap.h>
#include <movcompat/movcompat.h>
#include "movcompat_core.h"
#include "movcompat_core_table.h"
#include "movcompat_internal.h"

#ifdef MOVCOMPAT_BACKEND_CORE

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
 *
 * The isolated bit stays: the pass that set it clears it when it drops the
 * page, and keeps the chunk's pointer until then.
 */
void movcompat_core_untrack(struct movcompat_domain *dom, struct page *page)
{
	mc_table_clear(&dom->core->table, page_to_pfn(page), true, false, true);
}

/* the migration of @src a pass has in progress, or NULL */
static struct movcompat_migration *core_migration_of(struct movcompat_core *core,
						     struct page *src)
{
	unsigned int i;

	for (i = 0; i < MOVCOMPAT_CORE_SLOTS; i++)
		if (READ_ONCE(core->migrations[i].src) == src) {
			smp_rmb();	/* pairs with core_migration_begin() */
			return &core->migrations[i];
		}
	return NULL;
}

/**
 * movcompat_core_migrated() - the driver moved @src to @dst (both locked).
 * @dom: the domain.
 * @dst: the destination; enters the table with the driver's reference.
 * @src: the source; leaves the table, the driver's reference is dropped.
 *
 * Called in the driver's migrate_page, so the pass's migration slot has
 * both chunks, pinned: no lookup, no lock.
 */
void movcompat_core_migrated(struct movcompat_domain *dom, struct page *dst,
			     struct page *src)
{
	struct movcompat_core *core = dom->core;
	struct movcompat_migration *m;

	if (core->carrier)	/* the balloon side does the bookkeeping */
		return;
	m = core_migration_of(core, src);
	/*
	 * The driver's reference on @dst is the one the core allocated it
	 * with: core_migrate_one() hands it over instead of dropping it.
	 * @dst's chunk was reserved with it; if that found no memory, and a
	 * new one cannot be had atomically now either, core_migrate_one()
	 * adds @dst again with GFP_KERNEL once the driver's callback
	 * returned (@dst stays locked until then, so nobody can release it
	 * meanwhile).
	 */
	if (m && m->dst == dst && m->dst_chunk)
		mc_chunk_set(m->dst_chunk, page_to_pfn(dst), MC_PRESENT);
	else if (mc_table_add(&core->table, page_to_pfn(dst),
			      GFP_ATOMIC | __GFP_NOWARN))
		atomic_inc(&core->untracked);
	/* @src leaves the domain, isolated and fresh bits included */
	if (m && m->src_chunk)
		mc_chunk_clear(&core->table, m->src_chunk, page_to_pfn(src),
			       MC_ALL_WORDS);
	else
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

/**
 * movcompat_core_owns() - still the driver's page?
 * @c: the page's chunk, pinned by the core's isolation of it (NULL: none).
 * @page: the page, locked.
 *
 * Return: true while the page is in the domain.
 */
bool movcompat_core_owns(struct movcompat_chunk *c, struct page *page)
{
	if (MOVCOMPAT_BROKEN(RELEASED))
		return true;
	return c && test_bit(page_to_pfn(page) % BITS_PER_LONG, &c->present);
}

/**
 * movcompat_core_isolated_chunk() - the table chunk of an isolated page.
 * @core: the core.
 * @page: a page the core holds isolated (which pins the chunk).
 *
 * Return: the chunk, or NULL.
 */
struct movcompat_chunk *
movcompat_core_isolated_chunk(struct movcompat_core *core, struct page *page)
{
	struct movcompat_chunk *c;

	rcu_read_lock();
	c = mc_chunk(&core->table, page_to_pfn(page));
	rcu_read_unlock();
	return c;
}

/*
 * Claim a locked page for isolation: check that it is still the domain's
 * page and not isolated already, and set the core's isolated bit. No lock:
 * the present bit of a locked page pins its chunk (movcompat_core_table.h),
 * and a test-and-set decides between passes. @pinned: a chunk this pass
 * pins already (a page it isolated), used instead of a lookup when @pfn is
 * in it. Sets *@cp to the page's chunk (pinned by the new isolated bit).
 * 0, -ENOENT (not the domain's) or -EBUSY.
 */
static int core_claim(struct movcompat_core *core, unsigned long pfn,
		      struct movcompat_chunk *pinned,
		      struct movcompat_chunk **cp)
{
	unsigned int b = pfn % BITS_PER_LONG;
	struct movcompat_chunk *c = pinned;
	int ret = 0;

	rcu_read_lock();
	if (!c || c->index != pfn / BITS_PER_LONG)
		c = mc_chunk(&core->table, pfn);
	if (!MOVCOMPAT_BROKEN(TAIL) && !(c && test_bit(b, &c->present)))
		ret = -ENOENT;
	else if (c && test_and_set_bit(b, &c->isolated) &&
		 !MOVCOMPAT_BROKEN(ISOLATED))
		ret = -EBUSY;
	rcu_read_unlock();
	*cp = c;
	return ret;
}

/*
 * Isolation, before the page lock: take a reference and check, with it
 * held, that the page is still the domain's (it may have left the domain,
 * and been reused, since the batch was gathered), as the kernel checks
 * for movable ops before folio_trylock(): the core never locks a page
 * that is not its own. Under rcu_read_lock() (@cache). 0, -ENOENT or
 * -EINVAL (tail or compound page); the reference is dropped on error.
 */
static int core_isolate_get(struct movcompat_core *core, struct page *page,
			    struct mc_chunk_cache *cache)
{
	if (MOVCOMPAT_BROKEN(TAIL)) {
		get_page(page);
		return 0;
	}
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
	if (!mc_table_test_cached(&core->table, page_to_pfn(page), MC_PRESENT,
				  cache)) {
		put_page(page);
		core_stat_inc(core, refused);
		return -ENOENT;
	}
	return 0;
}

/*
 * Isolation under the page lock, with core_isolate_get()'s reference:
 * claim the page (core_claim() checks ownership again) and ask the
 * driver. 0 with *@pinned set to the page's chunk (pinned now), or
 * -ENOENT/-EBUSY with the reference dropped and *@pinned unchanged.
 */
static int core_isolate_locked(struct movcompat_domain *dom,
			       struct page *page, isolate_mode_t mode,
			       struct movcompat_chunk **pinned)
{
	struct movcompat_core *core = dom->core;
	unsigned long pfn = page_to_pfn(page);
	struct movcompat_chunk *c;
	int ret;

	if (!trylock_page(page)) {
		put_page(page);
		core_stat_inc(core, busy);
		return -EBUSY;
	}
	ret = core_claim(core, pfn, *pinned, &c);
	if (!ret && !dom->ops->isolate_page(page, mode)) {
		/* the present bit of the locked page still pins @c */
		if (c)
			clear_bit(pfn % BITS_PER_LONG, &c->isolated);
		ret = -EBUSY;
	}
	if (!ret)
		*pinned = c;
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
	struct mc_chunk_cache cache = MC_CHUNK_CACHE_INIT;
	struct movcompat_chunk *c = NULL;
	int ret;

	rcu_read_lock();
	ret = core_isolate_get(dom->core, page, &cache);
	rcu_read_unlock();
	return ret ? ret : core_isolate_locked(dom, page, mode, &c);
}

/**
 * movcompat_core_isolate_batch() - isolate pages of the domain, in order.
 * @dom: the domain.
 * @pages: pages found in the domain's table (no references held), in pfn
 *	order; on return the isolated ones, packed at the start.
 * @chunks: on return, the table chunk of each isolated page (pinned by
 *	the isolation until the pass drops the page).
 * @n: how many.
 * @mode: passed to the driver's isolate_page.
 *
 * movcompat_core_isolate() for each page, with the checks before the page
 * lock done for all of them in one RCU section, and one table lookup per
 * chunk of 64 pfns instead of two per page.
 *
 * Return: the number of pages isolated.
 */
unsigned int movcompat_core_isolate_batch(struct movcompat_domain *dom,
					  struct page **pages,
					  struct movcompat_chunk **chunks,
					  unsigned int n, isolate_mode_t mode)
{
	struct mc_chunk_cache cache = MC_CHUNK_CACHE_INIT;
	struct movcompat_chunk *pinned = NULL;
	unsigned int i, got = 0;

	rcu_read_lock();
	for (i = 0; i < n; i++)
		if (!core_isolate_get(dom->core, pages[i], &cache))
			pages[got++] = pages[i];
	rcu_read_unlock();
	for (i = 0, n = got, got = 0; i < n; i++) {
		if (core_isolate_locked(dom, pages[i], mode, &pinned))
			continue;
		chunks[got] = pinned;
		pages[got++] = pages[i];
	}
	return got;
}

/**
 * movcompat_core_putback_chunk() - give an isolated page back to the driver.
 * @dom: the domain.
 * @page: a page the core isolated; the core's reference is dropped.
 * @c: its chunk, from the isolation (NULL: none).
 */
void movcompat_core_putback_chunk(struct movcompat_domain *dom,
				  struct page *page, struct movcompat_chunk *c)
{
	struct movcompat_core *core = dom->core;

	lock_page(page);
	if (movcompat_core_owns(c, page)) {
		if (!MOVCOMPAT_BROKEN(PUTBACK)) {
			dom->ops->putback_page(page);
			core_stat_inc(core, putback);
		}
	} else {
		core_stat_inc(core, released_isolated);
	}
	if (c)
		mc_chunk_clear(&core->table, c, page_to_pfn(page),
			       BIT(MC_ISOLATED));
	unlock_page(page);
	put_page(page);
}

/**
 * movcompat_core_putback() - give an isolated page back to the driver.
 * @dom: the domain.
 * @page: a page isolated by movcompat_core_isolate(); the core's
 *	reference is dropped.
 */
void movcompat_core_putback(struct movcompat_domain *dom, struct page *page)
{
	movcompat_core_putback_chunk(dom, page,
				     movcompat_core_isolated_chunk(dom->core, page));
}

#endif /* MOVCOMPAT_BACKEND_CORE */
