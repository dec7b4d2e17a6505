/* SPDX-License-Identifier: GPL-2.0 */
/*
 * movcompat's implementation of the inline functions declared (and
 * documented) in <movcompat/movcompat.h>: the backend choice from the
 * probes, the prototypes the core backend exports to them, and their
 * bodies. Internal: drivers include <movcompat/movcompat.h>, never this.
 */
#ifndef _MOVCOMPAT_INLINE_H
#define _MOVCOMPAT_INLINE_H

#ifndef _MOVCOMPAT_MOVCOMPAT_H
#error "include <movcompat/movcompat.h>, not movcompat_inline.h"
#endif

#include <linux/delay.h>
#include <linux/pagemap.h>

/* ---- backend choice (compile time, from the probes) ------------------ */
/*
 * The core links only where this module may use the kernel exports it
 * needs: the xarray's xas_* and kvfree_call_rcu() (kfree_call_rcu()
 * before 5.9) are GPL-only on every kernel, and so is __rcu_read_lock()
 * where CONFIG_PREEMPT_RCU is set. Before the xarray (4.20) the core's
 * table is a radix tree, whose exports are plain on every kernel. A
 * non-GPL module gets the native backends (aops, mops: their exports are
 * plain) and, on kernels with no driver hook, backend none.
 */
/*
 * Page indexes (the core's table, movram's disks) sit on the xarray where
 * the kernel has one, else on a radix tree. The build knob
 * MOVCOMPAT_INDEX=radix (movcompat.mk) takes the radix tree on any kernel,
 * so that the code of kernels before 4.20 runs in the tests of today's.
 */
#if defined(MOVCOMPAT_HAVE_XARRAY) && !defined(MOVCOMPAT_FORCE_RADIX_TREE)
#define MOVCOMPAT_USE_XARRAY 1
#endif

#if defined(MOVCOMPAT_USE_XARRAY)
#if defined(MOVCOMPAT_USABLE_XAS_LOAD) && defined(MOVCOMPAT_USABLE_XAS_STORE) && \
	defined(MOVCOMPAT_USABLE_XAS_FIND) && \
	defined(MOVCOMPAT_USABLE_XAS_NOMEM) && \
	defined(MOVCOMPAT_USABLE_XAS_PAUSE)
#define MOVCOMPAT_CORE_TABLE_LINKABLE 1
#endif
#elif defined(MOVCOMPAT_USABLE_RADIX_TREE_LOOKUP) && \
	defined(MOVCOMPAT_USABLE_RADIX_TREE_DELETE) && \
	defined(MOVCOMPAT_USABLE_RADIX_TREE_GANG_LOOKUP)
/* before 4.20: the core's table is a radix tree (movcompat_core_table.h) */
#define MOVCOMPAT_CORE_TABLE_LINKABLE 1
#endif
#if defined(MOVCOMPAT_CORE_TABLE_LINKABLE) && \
	(defined(MOVCOMPAT_USABLE_KVFREE_CALL_RCU) || \
	 defined(MOVCOMPAT_USABLE_KFREE_CALL_RCU)) && \
	(defined(MOVCOMPAT_USABLE_RCU_READ_LOCK) || \
	 !defined(MOVCOMPAT_EXPORT_RCU_READ_LOCK))
#define MOVCOMPAT_CORE_LINKABLE 1
#endif

#if defined(MOVCOMPAT_FORCE_BACKEND_NONE)
#define MOVCOMPAT_BACKEND_NONE 1
#elif defined(MOVCOMPAT_FORCE_BACKEND_CORE)
#ifndef MOVCOMPAT_CORE_LINKABLE
/* the core needs GPL-only exports: xas_*, kvfree_call_rcu, __rcu_read_lock */
#error "movcompat: MOVCOMPAT_BACKEND=core needs GPL-only exports (MOVCOMPAT_GPL=n)"
#endif
#define MOVCOMPAT_BACKEND_CORE 1
#elif defined(MOVCOMPAT_HAVE_SETPAGEMOVABLE_OPS) && \
	defined(MOVCOMPAT_HAVE_MOVABLE_OPERATIONS) && \
	defined(MOVCOMPAT_USABLE_SETPAGEMOVABLE) && \
	defined(MOVCOMPAT_USABLE_CLEARPAGEMOVABLE)
#define MOVCOMPAT_BACKEND_MOPS 1
#elif defined(MOVCOMPAT_HAVE_SETPAGEMOVABLE_MAPPING) && \
	defined(MOVCOMPAT_HAVE_AOPS_ISOLATE_PAGE) && \
	defined(MOVCOMPAT_USABLE_SETPAGEMOVABLE) && \
	defined(MOVCOMPAT_USABLE_CLEARPAGEMOVABLE)
#define MOVCOMPAT_BACKEND_AOPS 1
#elif defined(MOVCOMPAT_CORE_LINKABLE)
#define MOVCOMPAT_BACKEND_CORE 1
#else
/* no driver hook, and the core is GPL-only: pages are never moved */
#define MOVCOMPAT_BACKEND_NONE 1
#define MOVCOMPAT_BACKEND_NONE_NONGPL 1
#endif

/*
 * The balloon carrier (per domain, opt-in): core-backend kernels whose
 * balloon API this module may use: 6.17+ (pages typed PGTY_offline with
 * PG_movable_ops), and 6.0-6.16 (balloon_mops) when the core is forced
 * there with MOVCOMPAT_BACKEND=core (automatically those kernels get their
 * native hook, which moves pages without the carrier's side effects). Not
 * 4.8-5.19, whose balloon pages need a pseudo-filesystem inode. See
 * compat/movcompat_carrier.c.
 */
#if defined(MOVCOMPAT_BACKEND_CORE) && \
	(defined(MOVCOMPAT_HAVE_PG_MOVABLE_OPS) || \
	 defined(MOVCOMPAT_USABLE_BALLOON_MOPS)) && \
	defined(MOVCOMPAT_USABLE_BALLOON_PAGE_ALLOC) && \
	defined(MOVCOMPAT_USABLE_BALLOON_PAGE_ENQUEUE) && \
	defined(MOVCOMPAT_USABLE_BALLOON_PAGE_DEQUEUE) && \
	(defined(MOVCOMPAT_HAVE_BALLOON_H) || \
	 defined(MOVCOMPAT_HAVE_BALLOON_PAGE_FINALIZE) || \
	 defined(MOVCOMPAT_HAVE_BALLOON_PAGE_DELETE)) && \
	(defined(CONFIG_BALLOON_COMPACTION) || defined(CONFIG_BALLOON_MIGRATION))
#define MOVCOMPAT_HAVE_CARRIER 1
#endif

/* ---- the core backend's side (compat/movcompat_core*.c) -------------- */
#ifdef MOVCOMPAT_BACKEND_CORE
int movcompat_core_track(struct movcompat_domain *dom, struct page *page);
void movcompat_core_untrack(struct movcompat_domain *dom, struct page *page);
void movcompat_core_migrated(struct movcompat_domain *dom, struct page *dst,
			     struct page *src);
struct page *movcompat_core_alloc_page(struct movcompat_domain *dom,
				       gfp_t gfp);
void movcompat_core_free_page(struct movcompat_domain *dom, struct page *page);
void movcompat_core_release(struct movcompat_domain *dom, struct page *page);
bool movcompat_core_is_carrier(const struct movcompat_domain *dom);
unsigned long movcompat_core_page_private(struct movcompat_domain *dom,
					  struct page *page);
void movcompat_core_set_page_private(struct movcompat_domain *dom,
				     struct page *page, unsigned long value);
#endif

#if defined(MOVCOMPAT_BACKEND_MOPS)
#define MOVCOMPAT_BACKEND_NAME "mops"
#elif defined(MOVCOMPAT_BACKEND_AOPS)
#define MOVCOMPAT_BACKEND_NAME "aops"
#elif defined(MOVCOMPAT_BACKEND_CORE)
#define MOVCOMPAT_BACKEND_NAME "core"
#else
#define MOVCOMPAT_BACKEND_NAME "none"
#endif

static inline const char *movcompat_backend_name(void)
{
	return MOVCOMPAT_BACKEND_NAME;
}

static inline const char *
movcompat_domain_backend_name(const struct movcompat_domain *dom)
{
#ifdef MOVCOMPAT_BACKEND_CORE
	if (movcompat_core_is_carrier(dom))
		return "carrier";
#endif
	return movcompat_backend_name();
}

static inline bool
movcompat_domain_pages_movable(const struct movcompat_domain *dom)
{
#if defined(MOVCOMPAT_BACKEND_NONE)
	return false;
#elif defined(MOVCOMPAT_BACKEND_CORE)
	return true;
#else
	return IS_ENABLED(CONFIG_COMPACTION) && IS_ENABLED(CONFIG_MIGRATION);
#endif
}

static inline gfp_t movcompat_gfp(const struct movcompat_domain *dom, gfp_t gfp)
{
#if defined(MOVCOMPAT_BACKEND_MOPS) || defined(MOVCOMPAT_BACKEND_AOPS)
	if (movcompat_domain_pages_movable(dom))
		return gfp | __GFP_MOVABLE;
#endif
	return gfp & ~__GFP_MOVABLE;
}

static inline struct page *movcompat_alloc_page(struct movcompat_domain *dom,
						gfp_t gfp)
{
#ifdef MOVCOMPAT_BACKEND_CORE
	return movcompat_core_alloc_page(dom, gfp);
#else
	return alloc_page(movcompat_gfp(dom, gfp));
#endif
}

static inline void movcompat_free_page(struct movcompat_domain *dom,
				       struct page *page)
{
#ifdef MOVCOMPAT_BACKEND_CORE
	movcompat_core_free_page(dom, page);
#else
	put_page(page);
#endif
}

/* ---- per-page state changes ------------------------------------------ */
#if defined(MOVCOMPAT_BACKEND_MOPS)
static inline int movcompat__mark(struct movcompat_domain *dom,
				  struct page *page)
{
	__SetPageMovable(page, dom->ops);
	return 0;
}
#elif defined(MOVCOMPAT_BACKEND_AOPS)
static inline int movcompat__mark(struct movcompat_domain *dom,
				  struct page *page)
{
	__SetPageMovable(page, dom->mapping);
	return 0;
}
#elif defined(MOVCOMPAT_BACKEND_CORE)
static inline int movcompat__mark(struct movcompat_domain *dom,
				  struct page *page)
{
	return movcompat_core_track(dom, page);
}
#else
static inline int movcompat__mark(struct movcompat_domain *dom,
				  struct page *page)
{
	return 0;
}
#endif

/*
 * Native backends: __ClearPageMovable() clears the owner (mapping/ops) and
 * keeps the "movable type" bit, so a VM holding the page isolated sees that
 * the driver released it and frees it instead of putting it back.
 * Core backend: the page leaves the domain's table; the core notices the
 * same way before it touches an isolated page again.
 */
static inline void movcompat__unmark(struct movcompat_domain *dom,
				     struct page *page)
{
#if defined(MOVCOMPAT_BACKEND_CORE)
	movcompat_core_untrack(dom, page);
#elif !defined(MOVCOMPAT_BACKEND_NONE)
	__ClearPageMovable(page);
#endif
}

static inline int movcompat_page_make_movable(struct movcompat_domain *dom,
					      struct page *page)
{
	int ret;

	/* compound first: PageLocked() of a tail is a VM_BUG_ON_PGFLAGS */
	if (PageCompound(page) || WARN_ON_ONCE(!PageLocked(page)))
		return -EINVAL;
	ret = movcompat__mark(dom, page);
	atomic_long_inc(&dom->nr_movable);
	return ret;
}

static inline void movcompat_page_migrated(struct movcompat_domain *dom,
					   struct page *dst, struct page *src)
{
#ifdef MOVCOMPAT_BACKEND_CORE
	movcompat_core_migrated(dom, dst, src);
#else
	get_page(dst);
	movcompat__mark(dom, dst);
	movcompat__unmark(dom, src);
	put_page(src);
#endif
}

static inline void movcompat_lock_page(struct page *page)
{
#ifdef MOVCOMPAT_HAVE_NONATOMIC_PG_ISOLATED
	while (!trylock_page(page))
		usleep_range(20, 100);
#else
	lock_page(page);
#endif
}

static inline void movcompat_page_release(struct movcompat_domain *dom,
					  struct page *page)
{
#ifdef MOVCOMPAT_BACKEND_CORE
	movcompat_core_release(dom, page);
	atomic_long_dec(&dom->nr_movable);
#else
	movcompat_lock_page(page);
	movcompat__unmark(dom, page);
	unlock_page(page);
	atomic_long_dec(&dom->nr_movable);
	put_page(page);
#endif
}

static inline unsigned long movcompat_page_private(struct movcompat_domain *dom,
						   struct page *page)
{
#ifdef MOVCOMPAT_BACKEND_CORE
	return movcompat_core_page_private(dom, page);
#else
	return page_private(page);
#endif
}

static inline void movcompat_page_set_private(struct movcompat_domain *dom,
					      struct page *page,
					      unsigned long value)
{
#ifdef MOVCOMPAT_BACKEND_CORE
	movcompat_core_set_page_private(dom, page, value);
#else
	set_page_private(page, value);
#endif
}

#endif /* _MOVCOMPAT_INLINE_H */
