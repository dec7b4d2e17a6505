// SPDX-License-Identifier: GPL-2.0
/*
 * core backend, the passes: migrate a list of isolated pages (retries,
 * putback), gather and sweep the domain's pages over a pfn range, evacuate
 * a range, compact the domain, drain ZONE_MOVABLE at teardown. Triggered
 * by movcompat_core_triggers.c (memory notifier, debugfs) and the API.
 */
#include <linux/mm.h>
#include <linux/mmzone.h>
#include <linux/pagemap.h>
#include <linux/ratelimit.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <movcompat/movcompat.h>
#include "movcompat_core.h"
#include "movcompat_core_table.h"
#include "movcompat_internal.h"
#ifdef MOVCOMPAT_HAVE_SCHED_SIGNAL_H
#include <linux/sched/signal.h>	/* fatal_signal_pending() */
#endif

#ifdef MOVCOMPAT_BACKEND_CORE

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

/*
 * Publish the migration of @src (chunk @c) to @dst (chunk @dc) in the
 * pass's slot for movcompat_core_migrated(), until
 * core_migration_end().
 */
static void core_migration_begin(struct movcompat_pass *pass,
				 struct page *src, struct movcompat_chunk *c,
				 struct page *dst, struct movcompat_chunk *dc)
{
	struct movcompat_migration *m = pass->migration;

	if (!m)
		return;
	m->src_chunk = c;
	m->dst = dst;
	m->dst_chunk = dc;
	smp_wmb();	/* pairs with core_migration_of() */
	WRITE_ONCE(m->src, src);
}

static void core_migration_end(struct movcompat_pass *pass)
{
	if (pass->migration)
		WRITE_ONCE(pass->migration->src, NULL);
}

/*
 * Did the driver's callback call movcompat_page_migrated() for @src? (Both
 * pages locked: nothing else takes @src out of the table or puts @dst in.)
 * Only asked when it returned an error, which it must not do then.
 */
static bool core_migration_reported(struct movcompat_core *core,
				    struct page *src, unsigned long dst_pfn)
{
	return mc_table_test(&core->table, dst_pfn, MC_PRESENT) &&
	       !mc_table_test(&core->table, page_to_pfn(src), MC_PRESENT);
}

/* drop the pass's spent sources: their isolation references */
static void core_pass_free_spent(struct movcompat_pass *pass)
{
	struct page *page, *next;

	list_for_each_entry_safe(page, next, &pass->spent, lru) {
		list_del(&page->lru);
		put_page(page);
	}
	pass->nr_spent = 0;
}

/*
 * Drop a moved source's isolation reference (normally the last: the page
 * is freed), later if it lies where the pass takes no destination (the
 * range it evacuates, the blocks it empties): freed now, the allocator
 * would hand it straight back as a destination, to be rejected.
 */
static void core_pass_spend(struct movcompat_pass *pass, struct page *src)
{
	unsigned long pfn = page_to_pfn(src);

	if (!pass->hold_spent ||
	    ((pfn < pass->avoid_start || pfn >= pass->avoid_end) &&
	     !(pass->nr_sources && movcompat_core_pass_source(pass, pfn)))) {
		put_page(src);
		return;
	}
	if (pass->nr_spent >= movcompat_core_pass_hold_limit(pass))
		core_pass_free_spent(pass);
	list_add(&src->lru, &pass->spent);
	pass->nr_spent++;
}

/* 0: moved or dropped (released); else the page stays isolated */
static int core_migrate_one(struct movcompat_domain *dom, struct page *src,
			    struct movcompat_chunk *c,
			    struct movcompat_pass *pass)
{
	struct movcompat_core *core = dom->core;
	unsigned long dst_pfn, calls;
	struct movcompat_chunk *dc;
	struct page *dst;
	int rc;

	lock_page(src);
	if (!movcompat_core_owns(c, src)) {
		/* released by the driver while isolated: just let it go */
		if (c)
			mc_chunk_clear(&core->table, c, page_to_pfn(src),
				       BIT(MC_ISOLATED));
		unlock_page(src);
		put_page(src);
		core_stat_inc(core, released_isolated);
		return 0;
	}
	dst = movcompat_core_alloc_dst(core, src, pass, &dc);
	if (!dst) {
		unlock_page(src);
		core_stat_inc(core, dst_alloc_failed);
		return -ENOMEM;
	}
	dst_pfn = page_to_pfn(dst);
	if (WARN_ON_ONCE(!trylock_page(dst))) {
		movcompat_core_free_dst(core, dst, dc);
		unlock_page(src);
		core_stat_inc(core, dst_alloc_failed);
		return -ENOMEM;
	}
	calls = atomic_long_read(&core->migrated_calls);
	core_migration_begin(pass, src, c, dst, dc);
	rc = dom->ops->migrate_page(dst, src, pass->mode);
	core_migration_end(pass);
	if (unlikely(rc) && core_migration_reported(core, src, dst_pfn)) {
		/* the table has @dst, not @src: @c may be gone, @dst is used */
		pr_err_ratelimited("movcompat: domain %s: migrate_page returned %d after calling movcompat_page_migrated(): a driver bug; the page counts as moved\n",
				   dom->name, rc);
		rc = 0;
	}
	if (!rc) {
		/* a driver bug; a concurrent pass may hide it, never fake it */
		if (atomic_long_read(&core->migrated_calls) == calls) {
			pr_err_ratelimited("movcompat: domain %s: migrate_page returned 0 without calling movcompat_page_migrated(): a driver bug; the page stays where it is\n",
					   dom->name);
			if (c)
				mc_chunk_clear(&core->table, c,
					       page_to_pfn(src),
					       BIT(MC_ISOLATED));
			unlock_page(dst);
			/* nobody took it over */
			movcompat_core_free_dst(core, dst, dc);
			unlock_page(src);
			put_page(src);		/* the isolation reference */
			core_stat_inc(core, failed);
			return 0;
		} else if (unlikely(atomic_read(&core->untracked))) {
			core_track_late(dom, dst);
		}
		/* @dst is locked and present: its chunk stays */
		if (pass->compaction && dc &&
		    test_bit(dst_pfn % BITS_PER_LONG, &dc->present))
			mc_chunk_set(dc, dst_pfn, MC_FRESH);
		else if (pass->compaction &&
			 mc_table_test(&core->table, dst_pfn, MC_PRESENT))
			mc_table_set_pinned(&core->table, dst_pfn, MC_FRESH);
		unlock_page(dst);	/* our reference is the driver's now */
		unlock_page(src);
		/* the isolation reference, normally the last: frees it */
		core_pass_spend(pass, src);
		core_stat_inc(core, migrated);
		return 0;
	}
	unlock_page(dst);
	movcompat_core_free_dst(core, dst, dc);
	unlock_page(src);
	if (rc == -EAGAIN)
		core_stat_inc(core, retried);
	return rc;
}

/* take a free migration slot of @core for the pass, if there is one */
static void core_pass_slot(struct movcompat_core *core,
			   struct movcompat_pass *pass)
{
	unsigned int i;

	for (i = 0; i < MOVCOMPAT_CORE_SLOTS; i++)
		if (!test_and_set_bit_lock(i, &core->migrations_used)) {
			pass->migration = &core->migrations[i];
			return;
		}
}

static void core_pass_init(struct movcompat_core *core,
			   struct movcompat_pass *pass, enum migrate_mode mode,
			   unsigned long avoid_start, unsigned long avoid_end)
{
	pass->mode = mode;
	pass->avoid_start = avoid_start;
	pass->avoid_end = avoid_end;
	pass->compaction = false;
	pass->movable_full = false;
	INIT_LIST_HEAD(&pass->rejected);
	INIT_LIST_HEAD(&pass->spent);
	pass->nr_rejected = 0;
	pass->nr_spent = 0;
	pass->hold_spent = true;
	pass->pool_n = 0;
	pass->pool_nid = NUMA_NO_NODE;
	pass->sources = NULL;
	pass->nr_sources = 0;
	pass->migration = NULL;
	core_pass_slot(core, pass);
}

static void core_pass_end(struct movcompat_core *core,
			  struct movcompat_pass *pass)
{
	struct page *page, *next;

	movcompat_core_pool_drain(core, pass);
	list_for_each_entry_safe(page, next, &pass->rejected, lru) {
		list_del(&page->lru);
		movcompat_core_free_dst(core, page, NULL);
	}
	core_pass_free_spent(pass);
	if (pass->migration)
		clear_bit_unlock(pass->migration - core->migrations,
				 &core->migrations_used);
	pass->migration = NULL;
	kvfree(pass->sources);
	pass->sources = NULL;
	pass->nr_sources = 0;
}

/*
 * migrate isolated pages (@chunks: theirs, from the isolation); returns
 * how many did not move (put back)
 */
static long core_migrate_list(struct movcompat_domain *dom,
			      struct page **pages,
			      struct movcompat_chunk **chunks, unsigned int n,
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
			rc = core_migrate_one(dom, pages[i], chunks[i], pass);
			if (rc == -EAGAIN && !MOVCOMPAT_BROKEN(EAGAIN))
				continue;
			if (rc && rc == -ENOMEM && MOVCOMPAT_BROKEN(DST_FAIL)) {
				put_page(pages[i]);	/* forgets the page */
				failed++;
			} else if (rc) {
				movcompat_core_putback_chunk(dom, pages[i],
							     chunks[i]);
				failed++;
			}
			pages[i] = NULL;
			left--;
		}
		cond_resched();
	}
	for (i = 0; i < n; i++) {
		if (pages[i]) {		/* still -EAGAIN after the last pass */
			movcompat_core_putback_chunk(dom, pages[i], chunks[i]);
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
	struct movcompat_chunk **chunks;
	struct movcompat_pass pass;
	unsigned int i;
	long failed;

	chunks = kmalloc_array(n, sizeof(*chunks), GFP_KERNEL);
	if (!chunks) {
		for (i = 0; i < n; i++)
			movcompat_core_putback(dom, pages[i]);
		return n;
	}
	for (i = 0; i < n; i++)
		chunks[i] = movcompat_core_isolated_chunk(dom->core, pages[i]);
	core_pass_init(dom->core, &pass, mode, avoid_start, avoid_end);
	failed = core_migrate_list(dom, pages, chunks, n, &pass);
	core_pass_end(dom->core, &pass);
	kfree(chunks);
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
				const struct movcompat_pass *pass,
				struct page **batch, bool *more)
{
	unsigned long base, word, pfn;
	struct movcompat_chunk *c;
	struct mc_table_iter it;
	unsigned int n = 0, b;

	*more = false;
	rcu_read_lock();
	for (c = mc_table_first(&core->table, &it, *cursor, last); c;
	     c = mc_table_next(&it)) {
		base = c->index * BITS_PER_LONG;
		/* a chunk lies in one pageblock: only the blocks to empty */
		if (pass->nr_sources && !movcompat_core_pass_source(pass, base))
			continue;
		word = READ_ONCE(c->present) &
		       mc_range_mask(base, *cursor, last);
		if (pass->compaction)
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
	struct movcompat_chunk **chunks;
	unsigned long cursor = start;
	unsigned int n, found;
	long moved = 0, failed;
	struct page **batch;
	bool more;

	batch = kmalloc_array(MOVCOMPAT_CORE_BATCH, sizeof(*batch), GFP_KERNEL);
	chunks = kmalloc_array(MOVCOMPAT_CORE_BATCH, sizeof(*chunks),
			       GFP_KERNEL);
	if (!batch || !chunks) {
		kfree(batch);
		kfree(chunks);
		return -ENOMEM;
	}
	do {
		found = core_gather(core, &cursor, last, pass, batch, &more);
		n = movcompat_core_isolate_batch(dom, batch, chunks, found, 0);
		if (!n) {
			if (more)
				continue;
			break;
		}
		movcompat_fault_delay(&core->faults);
		failed = core_migrate_list(dom, batch, chunks, n, pass);
		moved += n - failed;
		cond_resched();
	} while (more && !fatal_signal_pending(current));
	kfree(batch);
	kfree(chunks);
	return moved;
}

/* the domain's pages in [start, last] */
static unsigned long core_count(struct movcompat_core *core,
				unsigned long start, unsigned long last)
{
	unsigned long count = 0, chunks = 0;
	struct movcompat_chunk *c;
	struct mc_table_iter it;

	rcu_read_lock();
	for (c = mc_table_first(&core->table, &it, start, last); c;
	     c = mc_table_next(&it)) {
		count += hweight_long(READ_ONCE(c->present) &
				      mc_range_mask(c->index * BITS_PER_LONG,
						    start, last));
		mc_table_walk_pause(&it, &chunks);
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
	core_pass_init(core, &pass, mode, start_pfn, end_pfn);
	/* a range going offline is isolated: its free pages stay there */
	pass.hold_spent = !movcompat_core_offline_range_has(core, start_pfn);
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
	struct movcompat_chunk *c;
	struct mc_table_iter it;
	unsigned long chunks = 0;

	/* fresh bits sit only on present pages: no chunk empties here */
	rcu_read_lock();
	for (c = mc_table_first(&core->table, &it, 0, ULONG_MAX); c;
	     c = mc_table_next(&it)) {
		if (READ_ONCE(c->fresh))
			xchg(&c->fresh, 0);
		mc_table_walk_pause(&it, &chunks);
	}
	rcu_read_unlock();
}

/* a pageblock holding pages of the domain, and how many */
struct mc_block {
	unsigned long block;
	unsigned long count;
};

static int mc_block_by_count(const void *a, const void *b)
{
	const struct mc_block *x = a, *y = b;

	if (x->count != y->count)
		return x->count < y->count ? -1 : 1;
	return x->block < y->block ? -1 : x->block > y->block;
}

static int mc_block_number(const void *a, const void *b)
{
	const unsigned long *x = a, *y = b;

	return *x < *y ? -1 : *x > *y;
}

/*
 * A defragmenting compaction empties the sparsest pageblocks of the domain
 * into the free room of the others, as the kernel's two scanners do:
 * moving every page once only refills the same half-full blocks. Counts
 * the domain's pages per pageblock, then takes blocks sparsest first while
 * their pages fit into the room the blocks not taken leave (other users'
 * pages there are not counted: the room is an upper bound, and
 * destinations beyond it come from free blocks). Sets pass->sources;
 * none when no block is worth emptying, or on -ENOMEM.
 */
static void core_pick_sources(struct movcompat_core *core,
			      struct movcompat_pass *pass)
{
	unsigned long cap, n = 0, chunks = 0, block, room = 0, moved = 0, i, max;
	struct movcompat_chunk *c;
	struct mc_table_iter it;
	struct mc_block *blk;
	unsigned long *src;

	cap = min(core_count(core, 0, ULONG_MAX),
		  (unsigned long)(totalram_pages() >> pageblock_order) + 1);
	if (!cap)
		return;
	blk = kvmalloc_array(cap, sizeof(*blk), GFP_KERNEL);
	if (!blk)
		return;
	rcu_read_lock();
	for (c = mc_table_first(&core->table, &it, 0, ULONG_MAX); c;
	     c = mc_table_next(&it)) {
		block = (c->index * BITS_PER_LONG) >> pageblock_order;
		if (!n || blk[n - 1].block != block) {
			if (n == cap)
				break;
			blk[n].block = block;
			blk[n++].count = 0;
		}
		blk[n - 1].count += hweight_long(READ_ONCE(c->present));
		mc_table_walk_pause(&it, &chunks);
	}
	rcu_read_unlock();
	for (i = 0; i < n; i++)
		room += pageblock_nr_pages - min(blk[i].count, pageblock_nr_pages);
	sort(blk, n, sizeof(*blk), mc_block_by_count, NULL);
	/* the pass holds the free pages of its blocks aside: a share of RAM */
	max = totalram_pages() / MOVCOMPAT_CORE_REJECT_SHARE / pageblock_nr_pages;
	for (i = 0; i < n && i < max && blk[i].count < pageblock_nr_pages; i++) {
		room -= pageblock_nr_pages - blk[i].count;
		if (moved + blk[i].count > room)
			break;
		moved += blk[i].count;
	}
	if (i) {
		src = kvmalloc_array(i, sizeof(*src), GFP_KERNEL);
		if (src) {
			for (n = 0; n < i; n++)
				src[n] = blk[n].block;
			sort(src, i, sizeof(*src), mc_block_number, NULL);
			pass->sources = src;
			pass->nr_sources = i;
		}
	}
	kvfree(blk);
}

static long core_compact(struct movcompat_domain *dom)
{
	struct movcompat_core *core = dom->core;
	struct movcompat_pass pass;
	long moved;

	down_read(&core->teardown);
	atomic_long_inc(&core->stats.passes);
	core_pass_init(core, &pass, MIGRATE_SYNC, 0, 0);
	pass.compaction = true;
	core_pick_sources(core, &pass);
	moved = core_sweep(dom, 0, ULONG_MAX, &pass);
	core_clear_fresh(core);
	core_pass_end(dom->core, &pass);
	up_read(&core->teardown);
	return moved;
}

/* documented in include/movcompat/movcompat.h */
long movcompat_domain_compact(struct movcompat_domain *dom)
{
	if (dom->core->carrier)
		return -EOPNOTSUPP;
	return core_compact(dom);
}

/* documented in include/movcompat/movcompat.h */
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

/*
 * Domain teardown with pages still in the domain (a driver bug, reported
 * by movcompat_domain_destroy()): once the core is gone nothing could move
 * them, and a page nobody can move in ZONE_MOVABLE or CMA makes every
 * offline of its block, or contiguous allocation over it, retry forever.
 * While the driver's callbacks still exist, move every one of them to a
 * destination outside both (whether a page is in CMA cannot be told from a
 * module on 7.x, so none is skipped); say what is left in ZONE_MOVABLE.
 */
void movcompat_core_move_leftovers_out(struct movcompat_domain *dom)
{
	struct movcompat_core *core = dom->core;
	unsigned long start, end, left;
	struct movcompat_pass pass;
	int nid;

	for_each_online_node(nid) {
		start = node_start_pfn(nid);
		end = node_end_pfn(nid);
		if (end <= start)
			continue;
		core_pass_init(core, &pass, MIGRATE_SYNC, 0, 0);
		pass.movable_full = true;	/* no destination in ZONE_MOVABLE */
		pass.compaction = true;		/* each page moves once */
		core_sweep(dom, start, end - 1, &pass);
		core_clear_fresh(core);
		core_pass_end(core, &pass);
	}
	left = movcompat_core_count_zone_movable(core);
	if (left)
		pr_err("movcompat: domain %s: %lu of its pages are left in ZONE_MOVABLE, where nothing can move them now: offlining their memory blocks will fail\n",
		       dom->name, left);
	else
		pr_err("movcompat: domain %s: moved the pages left in it out of ZONE_MOVABLE and CMA\n",
		       dom->name);
}

/* pages of the domain in ZONE_MOVABLE (any node) */
unsigned long movcompat_core_count_zone_movable(struct movcompat_core *core)
{
	unsigned long left = 0;
	int nid;

	for_each_online_node(nid) {
		struct zone *zone = &NODE_DATA(nid)->node_zones[ZONE_MOVABLE];

		if (populated_zone(zone))
			left += core_count(core, zone->zone_start_pfn,
					   zone_end_pfn(zone) - 1);
	}
	return left;
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
