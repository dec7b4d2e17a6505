/* SPDX-License-Identifier: GPL-2.0 */
/*
 * movcompat's backported migration core: per-domain state and the protocol
 * steps. Internal to movcompat and its protocol tests; drivers use
 * <movcompat/movcompat.h> only.
 */
#ifndef _MOVCOMPAT_CORE_H
#define _MOVCOMPAT_CORE_H

#include <linux/list.h>
#include <linux/migrate.h>
#include <linux/notifier.h>
#include <linux/rwsem.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>
#include <movcompat/movcompat.h>
#include "movcompat_core_table.h"
#include "movcompat_fault.h"

/* the kernel's migrate_pages() gives -EAGAIN pages 10 passes */
#define MOVCOMPAT_CORE_PASSES	10
#define MOVCOMPAT_CORE_BATCH	64

/**
 * struct movcompat_core_stats - what the core did for one domain.
 * @isolated: pages isolated (the driver's isolate_page said yes).
 * @migrated: pages moved (migrate_page returned 0).
 * @retried: migrate_page returned -EAGAIN (each return counts).
 * @failed: pages that did not move in a pass (permanent error, -EAGAIN
 *	after the last pass, or no destination page).
 * @putback: putback_page calls.
 * @released_isolated: pages the driver released while the core held them
 *	isolated: dropped without any callback.
 * @dst_alloc_failed: destination pages that could not be allocated.
 * @dst_rejected: destination pages the allocator handed out where the pass
 *	takes none (the range it evacuates, the blocks it empties): kept
 *	aside until the pass ends.
 * @busy: pages skipped: locked, already isolated, refused by the driver.
 * @refused: pages refused before any callback (tail/compound, not ours).
 * @passes: core passes run (compaction, evacuation, offlining).
 */
struct movcompat_core_stats {
	atomic_long_t isolated, migrated, retried, failed, putback;
	atomic_long_t released_isolated, dst_alloc_failed, dst_rejected;
	atomic_long_t busy, refused;
	atomic_long_t passes;
};

/**
 * struct movcompat_migration - a migration in progress, for
 *	movcompat_page_migrated() in the driver's callback: the table chunks
 *	of its pages, so that it needs no lookup and no lock.
 * @src: the source page (NULL: no migration in progress).
 * @src_chunk: its chunk, pinned by the pass's isolation of @src.
 * @dst: the destination page.
 * @dst_chunk: its chunk, pinned by @dst's reserved bit; NULL if the
 *	reservation found no memory.
 *
 * Written by the pass that holds the slot, before and after the callback.
 */
struct movcompat_migration {
	struct page *src;
	struct movcompat_chunk *src_chunk;
	struct page *dst;
	struct movcompat_chunk *dst_chunk;
};

/* passes of a domain at once that get a migration slot (the rest look up) */
#define MOVCOMPAT_CORE_SLOTS	4

/**
 * struct movcompat_core - the core's per-domain state.
 * @dom: the domain.
 * @pages: balloon carrier (7.x, so always an xarray): pfn -> struct
 *	movcompat_carried of each page.
 * @table: core: the domain's pages, isolated and fresh bits, by pfn
 *	(movcompat_core_table.h).
 * @migrated_calls: movcompat_page_migrated() calls (a driver that returns 0
 *	from migrate_page without calling it is reported).
 * @migrations: the running passes' migration slots.
 * @migrations_used: bit i: @migrations[i] belongs to a pass.
 * @untracked: destinations movcompat_page_migrated() could not add to the
 *	table atomically; their migration adds them once the callback returns.
 * @teardown: passes hold it for reading; domain teardown for writing.
 * @gfp: destination flags: the pass's context and the most restrictive
 *	zone of movcompat_alloc_page()'s callers (core_note_gfp()).
 * @zone_movable: pages may be placed in ZONE_MOVABLE (the memory notifier
 *	that evacuates them is registered).
 * @memory_nb: the memory hotplug notifier.
 * @offline_lock: protects @offline_start and @offline_end.
 * @offlining: a memory block is going offline (MEM_GOING_OFFLINE seen,
 *	MEM_OFFLINE or MEM_CANCEL_OFFLINE not yet): no destination in it, and
 *	a page of the domain found in it is evacuated again (@offline_work).
 * @offline_start: first pfn of that block.
 * @offline_end: pfn after it.
 * @offline_work: evacuates the going-offline range until it is offline.
 * @nr_carried: pages the carrier has handed to the kernel.
 * @pm_window: a hibernation the carrier let begin has not ended: no new
 *	carried pages (they would be left out of the image).
 * @debugfs: /sys/kernel/debug/movcompat-<domain>/ (GPL modules only).
 * @stats: counters.
 * @faults: fault injection (test builds only; empty otherwise).
 * @carrier: the balloon carrier serves this domain (the kernel moves its
 *	pages; the core's own passes leave it alone).
 * @pm_nb: the carrier's hibernation guard.
 */
struct movcompat_core {
	struct movcompat_domain *dom;
#ifdef MOVCOMPAT_HAVE_CARRIER
	struct xarray pages;
#endif
	struct movcompat_table table;
	atomic_long_t migrated_calls;
	struct movcompat_migration migrations[MOVCOMPAT_CORE_SLOTS];
	unsigned long migrations_used;
	atomic_t untracked;
	struct rw_semaphore teardown;
	gfp_t gfp;
	bool zone_movable;
	struct notifier_block memory_nb;
	spinlock_t offline_lock;	/* offline_start, offline_end */
	bool offlining;
	unsigned long offline_start, offline_end;
	struct delayed_work offline_work;
	atomic_long_t nr_carried;
	bool pm_window;
	struct dentry *debugfs;
	struct movcompat_core_stats stats;
	struct movcompat_faults faults;
	bool carrier;
	struct notifier_block pm_nb;
};

/* slab flags for bookkeeping allocated along with a caller's page */
static inline gfp_t movcompat_meta_gfp(gfp_t gfp)
{
	return (gfp & ~(__GFP_HIGHMEM | __GFP_MOVABLE | __GFP_DMA |
			__GFP_DMA32 | __GFP_ZERO)) | __GFP_NOWARN;
}

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
	/*
	 * moved sources inside the range being evacuated or the blocks a
	 * defragmenting compaction empties, freed when the pass ends (or
	 * when there are movcompat_core_pass_hold_limit() of them): freed at
	 * once, the allocator handed them straight back as destinations, to
	 * be rejected
	 */
	struct list_head spent;
	unsigned long nr_spent;		/* pages on it */
	bool hold_spent;	/* false: free them at once (range isolated) */
	unsigned int pool_n;	/* destinations ready: pool[0 .. pool_n) */
	int pool_nid;
	struct page *pool[MOVCOMPAT_CORE_POOL];
	/* their chunks, pinned by their reserved bits (NULL: not reserved) */
	struct movcompat_chunk *pool_chunk[MOVCOMPAT_CORE_POOL];
	struct movcompat_migration *migration;	/* the pass's slot, or NULL */
	/* a defragmenting compaction: the pageblocks it empties, sorted */
	unsigned long *sources;
	unsigned int nr_sources;
};

/*
 * How many pages a pass keeps aside, as rejected destinations and as spent
 * sources each: at most the range it evacuates or the pageblocks it
 * empties, never more than 1/MOVCOMPAT_CORE_REJECT_SHARE of RAM, at least
 * 64.
 */
static inline unsigned long
movcompat_core_pass_hold_limit(const struct movcompat_pass *pass)
{
	unsigned long limit;

	limit = pass->nr_sources ?
		(unsigned long)pass->nr_sources * pageblock_nr_pages :
		pass->avoid_end - pass->avoid_start;
	limit = min(limit, totalram_pages() / MOVCOMPAT_CORE_REJECT_SHARE);
	return max(limit, 64UL);
}

/* @pfn lies in a pageblock the pass empties (no destination there) */
static inline bool movcompat_core_pass_source(const struct movcompat_pass *pass,
					      unsigned long pfn)
{
	unsigned long block = pfn >> pageblock_order;
	unsigned int lo = 0, hi = pass->nr_sources, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (pass->sources[mid] < block)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < pass->nr_sources && pass->sources[lo] == block;
}

int movcompat_core_domain_init(struct movcompat_domain *dom,
			       unsigned int flags);
void movcompat_core_domain_destroy(struct movcompat_domain *dom);
void movcompat_core_orphan_teardown(struct movcompat_core *core,
				    const char *name);
unsigned long movcompat_core_count_zone_movable(struct movcompat_core *core);

/* protocol steps (exposed for the protocol tests) */
int movcompat_core_isolate(struct movcompat_domain *dom, struct page *page,
			   isolate_mode_t mode);
unsigned int movcompat_core_isolate_batch(struct movcompat_domain *dom,
					  struct page **pages,
					  struct movcompat_chunk **chunks,
					  unsigned int n, isolate_mode_t mode);
void movcompat_core_putback(struct movcompat_domain *dom, struct page *page);
void movcompat_core_putback_chunk(struct movcompat_domain *dom,
				  struct page *page, struct movcompat_chunk *c);
struct movcompat_chunk *
movcompat_core_isolated_chunk(struct movcompat_core *core, struct page *page);
long movcompat_core_migrate_list(struct movcompat_domain *dom,
				 struct page **pages, unsigned int n,
				 enum migrate_mode mode,
				 unsigned long avoid_start,
				 unsigned long avoid_end);
bool movcompat_core_page_isolated(struct movcompat_domain *dom,
				  struct page *page);
long movcompat_core_evacuate(struct movcompat_domain *dom,
			     unsigned long start_pfn, unsigned long end_pfn,
			     enum migrate_mode mode);

/* between the core's files (movcompat_core.c says which calls which) */
void movcompat_core_move_leftovers_out(struct movcompat_domain *dom);
bool movcompat_core_owns(struct movcompat_chunk *c, struct page *page);
struct page *movcompat_core_alloc_dst(struct movcompat_core *core,
				      struct page *src,
				      struct movcompat_pass *pass,
				      struct movcompat_chunk **cp);
void movcompat_core_free_dst(struct movcompat_core *core, struct page *page,
			     struct movcompat_chunk *c);
void movcompat_core_pool_drain(struct movcompat_core *core,
			       struct movcompat_pass *pass);

/* the balloon carrier (movcompat_carrier.c) */
#ifdef MOVCOMPAT_HAVE_CARRIER
int movcompat_carrier_init(struct movcompat_domain *dom);
void movcompat_carrier_exit(struct movcompat_domain *dom);
void movcompat_carrier_orphan_exit(struct movcompat_core *core,
				   const char *name);
struct page *movcompat_carrier_alloc_page(struct movcompat_domain *dom,
					  gfp_t gfp);
void movcompat_carrier_free_page(struct movcompat_domain *dom,
				 struct page *page);
int movcompat_carrier_track(struct movcompat_domain *dom, struct page *page);
void movcompat_carrier_release(struct movcompat_domain *dom, struct page *page);
unsigned long movcompat_carrier_private(struct movcompat_domain *dom,
					struct page *page);
void movcompat_carrier_set_private(struct movcompat_domain *dom,
				   struct page *page, unsigned long value);
#endif

/* triggers: debugfs and the memory notifier (movcompat_core_triggers.c) */
int movcompat_core_triggers_init(struct movcompat_core *core);
void movcompat_core_triggers_exit(struct movcompat_core *core);

/* the going-offline range the memory notifier keeps (triggers) */

/**
 * movcompat_core_offline_range_has() - is @pfn in a block going offline?
 * @core: the domain's core.
 * @pfn: a pfn.
 *
 * Return: true between MEM_GOING_OFFLINE and MEM_OFFLINE/CANCEL_OFFLINE of
 * the block holding @pfn: no destination page may come from there.
 */
static inline bool
movcompat_core_offline_range_has(struct movcompat_core *core, unsigned long pfn)
{
	bool in;

	if (!READ_ONCE(core->offlining))
		return false;
	spin_lock(&core->offline_lock);
	in = core->offlining && pfn >= core->offline_start &&
	     pfn < core->offline_end;
	spin_unlock(&core->offline_lock);
	return in;
}

/**
 * movcompat_core_offline_check() - a page entered the domain: if its block
 *	is going offline, evacuate the block again now.
 * @core: the domain's core.
 * @pfn: the page's pfn.
 *
 * The page was allocated before the kernel isolated the block, and made
 * movable after the notifier's evacuation; the offline would spin on it.
 */
static inline void movcompat_core_offline_check(struct movcompat_core *core,
						unsigned long pfn)
{
	if (movcompat_core_offline_range_has(core, pfn))
		mod_delayed_work(system_wq, &core->offline_work, 0);
}

#endif /* _MOVCOMPAT_CORE_H */
