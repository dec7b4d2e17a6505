/* SPDX-License-Identifier: GPL-2.0 */
/*
 * movcompat - movable driver pages on every kernel era, from one driver source.
 *
 * A driver describes how to move its pages with the kernel's own
 * struct movable_operations (movcompat provides the struct where the kernel
 * lacks it) and registers it once as a movable "domain". Per page it calls
 * movcompat_page_make_movable() when the page enters service,
 * movcompat_page_migrated() from its migrate_page callback on success, and
 * movcompat_page_release() when the page leaves service. movcompat picks the
 * backend from compile-time probes of the target kernel (never from its
 * version number):
 *
 *   aops  4.8-5.19: a per-domain address_space whose a_ops trampoline to the
 *         driver's callbacks; __SetPageMovable(page, mapping)
 *   mops  6.0-6.16 (and backports such as RHEL 9): __SetPageMovable(page, ops)
 *         with the driver's own ops, inline, no added indirection
 *   core  kernels with no driver hook (6.17+, < 4.8): movcompat's own
 *         backported migration core (compat/movcompat_core*.c) tracks the
 *         domain's pages and moves them itself: on request
 *         (movcompat_domain_compact(), movcompat_domain_evacuate(), debugfs)
 *         and when a memory block holding them goes offline (a memory
 *         notifier). Also selectable on any kernel with MOVCOMPAT_BACKEND=core.
 *   none  only when forced (MOVCOMPAT_BACKEND=none): pages are allocated
 *         outside ZONE_MOVABLE/CMA and are never moved;
 *         movcompat_domain_pages_movable() says so at run time
 *
 * Callback contract (all backends), as the kernel defines it:
 *  - isolate_page(page, mode): page locked; return true if the driver lets
 *    the page go for migration. The VM owns page->lru until putback/migrate.
 *  - migrate_page(dst, src, mode): both pages locked; copy the contents,
 *    move the driver's references to @dst, call movcompat_page_migrated()
 *    and return 0. -EAGAIN: try again later; other errors: permanent, the
 *    VM calls putback_page(). Never touch src->lru. A page the driver has
 *    already taken out of its own structures but not yet passed to
 *    movcompat_page_release() is still movable: return -EAGAIN for it.
 *  - putback_page(page): page locked; isolation is cancelled.
 * In a balloon-carrier domain the kernel's balloon core isolates and puts
 * back the pages itself: only migrate_page is called, and page->lru and
 * page->private belong to the balloon core for the page's whole service
 * life (from movcompat_page_make_movable() to movcompat_page_release()),
 * not only while it is isolated: a carrier driver keeps its pages in its
 * own structures (an array, an xarray), never on a list through page->lru.
 * Fault-injection builds (MOVCOMPAT_FAULTS=y) check that at release.
 */
#ifndef _MOVCOMPAT_MOVCOMPAT_H
#define _MOVCOMPAT_MOVCOMPAT_H

#include <linux/atomic.h>
#include <linux/delay.h>
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/migrate.h>
#include <linux/pagemap.h>
#include "movcompat_config.h"

/* ---- backend choice (compile time, from the probes) ------------------ */
/*
 * The core links only where this module may use the kernel exports it
 * needs: the xarray's xas_* and kvfree_call_rcu() are GPL-only on every
 * kernel, and so is __rcu_read_lock() where CONFIG_PREEMPT_RCU is set. A
 * non-GPL module gets the native backends (aops, mops: their exports are
 * plain) and, on kernels with no driver hook, backend none.
 */
#if defined(MOVCOMPAT_USABLE_XAS_LOAD) && defined(MOVCOMPAT_USABLE_XAS_STORE) && \
	defined(MOVCOMPAT_USABLE_XAS_FIND) && \
	defined(MOVCOMPAT_USABLE_XAS_NOMEM) && \
	defined(MOVCOMPAT_USABLE_XAS_PAUSE) && \
	defined(MOVCOMPAT_USABLE_KVFREE_CALL_RCU) && \
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

/* movcompat_domain_init_flags() flags */
/* ask for the balloon carrier where it exists (else the automatic backend) */
#define MOVCOMPAT_DOMAIN_BALLOON_CARRIER	0x1u

#ifndef MOVCOMPAT_HAVE_MOVABLE_OPERATIONS
/**
 * struct movable_operations - how a driver moves its pages (provided by
 * movcompat on kernels older than 6.0; identical to the kernel's own).
 * @isolate_page: page locked; true if the page may be migrated.
 * @migrate_page: both pages locked; move @src to @dst; 0, -EAGAIN or error.
 * @putback_page: page locked; migration of an isolated page was abandoned.
 */
struct movable_operations {
	bool (*isolate_page)(struct page *page, isolate_mode_t mode);
	int (*migrate_page)(struct page *dst, struct page *src,
			    enum migrate_mode mode);
	void (*putback_page)(struct page *page);
};
#endif

struct movcompat_core;
struct movcompat_live;

/**
 * struct movcompat_domain - a set of driver pages sharing one ops table.
 * @ops: the driver's callbacks; must stay valid until
 *	movcompat_domain_destroy() returns.
 * @name: short name for messages.
 * @nr_movable: pages currently marked movable through this domain.
 * @live: movcompat's record of the domain while it is registered (the
 *	teardown of a domain its module never destroyed).
 * @mapping: (aops backend only) the address_space the pages point to.
 * @core: (core backend only) the migration core's per-domain state.
 *
 * Embed it in the driver's state; initialise with movcompat_domain_init().
 * Fields are private to movcompat.
 */
struct movcompat_domain {
	const struct movable_operations *ops;
	const char *name;
	atomic_long_t nr_movable;
	struct movcompat_live *live;
#ifdef MOVCOMPAT_BACKEND_AOPS
	struct address_space *mapping;
#endif
#ifdef MOVCOMPAT_BACKEND_CORE
	struct movcompat_core *core;
#endif
};

int movcompat_domain_init_flags(struct movcompat_domain *dom,
				const struct movable_operations *ops,
				const char *name, unsigned int flags);
int movcompat_domain_init(struct movcompat_domain *dom,
			  const struct movable_operations *ops,
			  const char *name);
void movcompat_domain_destroy(struct movcompat_domain *dom);
long movcompat_domain_compact(struct movcompat_domain *dom);
long movcompat_domain_evacuate(struct movcompat_domain *dom,
			       unsigned long start_pfn, unsigned long nr_pages);

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

/**
 * movcompat_backend_name() - the backend this module was built with.
 *
 * Return: "aops", "mops", "core" or "none".
 */
static inline const char *movcompat_backend_name(void)
{
#if defined(MOVCOMPAT_BACKEND_MOPS)
	return "mops";
#elif defined(MOVCOMPAT_BACKEND_AOPS)
	return "aops";
#elif defined(MOVCOMPAT_BACKEND_CORE)
	return "core";
#else
	return "none";
#endif
}

/**
 * movcompat_domain_backend_name() - how this domain's pages are moved.
 * @dom: the domain.
 *
 * Return: "carrier" for a domain the balloon carrier serves, else the
 * module's backend, as movcompat_backend_name().
 */
static inline const char *
movcompat_domain_backend_name(const struct movcompat_domain *dom)
{
#ifdef MOVCOMPAT_BACKEND_CORE
	if (movcompat_core_is_carrier(dom))
		return "carrier";
#endif
	return movcompat_backend_name();
}

/**
 * movcompat_domain_pages_movable() - can the kernel move this domain's pages?
 * @dom: the domain.
 *
 * False with the forced "none" backend, and on native backends with
 * CONFIG_COMPACTION off (the kernel's movable-page calls are empty stubs
 * there). The core backend needs no kernel support: always true (memory
 * offlining additionally needs CONFIG_MEMORY_HOTREMOVE).
 *
 * Return: true if pages made movable through @dom can be migrated.
 */
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

/**
 * movcompat_gfp() - allocation flags for a page of this domain.
 * @dom: the domain.
 * @gfp: the flags the driver would use without movcompat (e.g. GFP_USER).
 *
 * Adds __GFP_MOVABLE when the kernel itself can move the domain's pages
 * (native backends) and removes it otherwise, so pages the kernel cannot
 * migrate never land in ZONE_MOVABLE or CMA. (The core backend's own
 * placement, in movcompat_alloc_page(), may still put a page in
 * ZONE_MOVABLE: see the placement policy in compat/movcompat_core_place.c.)
 *
 * Return: the flags to allocate with.
 */
static inline gfp_t movcompat_gfp(const struct movcompat_domain *dom, gfp_t gfp)
{
#if defined(MOVCOMPAT_BACKEND_MOPS) || defined(MOVCOMPAT_BACKEND_AOPS)
	if (movcompat_domain_pages_movable(dom))
		return gfp | __GFP_MOVABLE;
#endif
	return gfp & ~__GFP_MOVABLE;
}

/**
 * movcompat_alloc_page() - allocate one order-0 page for the domain.
 * @dom: the domain.
 * @gfp: the flags of this call (see movcompat_gfp()): its context
 *	(GFP_KERNEL, GFP_NOIO, GFP_ATOMIC...) is honoured for this
 *	allocation only; pages the core or the kernel later allocates to move
 *	the page to keep only its zone restrictions.
 *
 * On the core backend and the carrier the page's bookkeeping is allocated
 * here too, with the same flags, so movcompat_page_make_movable() needs no
 * memory for it and cannot fail. A page that is never made movable goes
 * back with movcompat_free_page().
 *
 * Return: the page (refcount 1, the driver's reference) or NULL.
 */
static inline struct page *movcompat_alloc_page(struct movcompat_domain *dom,
						gfp_t gfp)
{
#ifdef MOVCOMPAT_BACKEND_CORE
	return movcompat_core_alloc_page(dom, gfp);
#else
	return alloc_page(movcompat_gfp(dom, gfp));
#endif
}

/**
 * movcompat_free_page() - free a page of movcompat_alloc_page() that was
 *	never made movable.
 * @dom: the domain.
 * @page: the page; the driver's reference is dropped.
 *
 * (A page that was made movable leaves with movcompat_page_release().)
 */
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

/**
 * movcompat_page_make_movable() - put a page into the domain's service.
 * @dom: the domain.
 * @page: an order-0 page the driver holds a reference to, locked by the
 *	caller (trylock_page() always succeeds on a freshly allocated page).
 *
 * From now on the kernel (or the core) may isolate and migrate the page
 * through the domain's callbacks. page->mapping belongs to the VM; the
 * driver's per-page value goes through movcompat_page_private(). May sleep
 * and allocate with GFP_KERNEL (core backend: the page enters the domain's
 * table; carrier: its balloon device) only for a page that did not come
 * from movcompat_alloc_page(), whose bookkeeping was allocated with it; a
 * driver calling it on its I/O path with such pages wraps the call in
 * memalloc_noio_save()/memalloc_noio_restore(). The caller's page lock is
 * held throughout: movcompat never lets go of it.
 *
 * Return: 0; -EINVAL for a compound or tail page (only order-0 pages are
 * movable) or a page not locked by the caller (a bug: warns once);
 * -ENOMEM (core backend, carrier) if a page not from
 * movcompat_alloc_page() could not be tracked, -EBUSY (carrier) while a
 * hibernation is under way (the page would be left out of the image): it
 * then stays in service, unmovable, and must still be released with
 * movcompat_page_release().
 */
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

/**
 * movcompat_page_migrated() - finish a successful migration.
 * @dom: the domain.
 * @dst: the destination page (locked by the VM).
 * @src: the source page (locked by the VM).
 *
 * Call from the driver's migrate_page callback after copying the contents
 * and moving the driver's references to @dst, then return 0. Makes @dst
 * movable and takes the driver's reference on it, releases @src from the
 * domain and drops the driver's reference on it. Do not touch @src after.
 */
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

/**
 * movcompat_lock_page() - lock a page of the domain, waiting if need be.
 * @page: a page of the domain (the caller holds a reference).
 *
 * lock_page(), except on kernels whose VM sets and clears PG_isolated
 * non-atomically under the page lock (4.8-5.17 without upstream commit
 * 356ea3865687, Debian 5.10 among them; from the probes): there a task
 * sleeping in lock_page() on a movable page can lose its wake-up, so this
 * polls with trylock_page() and short sleeps instead of sleeping on the
 * lock. Drivers use it wherever they wait for the lock of a page that may
 * be migrating. May sleep.
 */
static inline void movcompat_lock_page(struct page *page)
{
#ifdef MOVCOMPAT_HAVE_NONATOMIC_PG_ISOLATED
	while (!trylock_page(page))
		usleep_range(20, 100);
#else
	lock_page(page);
#endif
}

/**
 * movcompat_page_release() - take a page out of service and drop it.
 * @dom: the domain.
 * @page: a page made movable through @dom, not locked by the caller; the
 *	driver must already have removed it from its own structures.
 *
 * Clears the page's movable owner under the page lock (the rule of every
 * era; it waits for a migration of this page in progress) and drops the
 * driver's reference. If the VM holds the page isolated at that moment it
 * notices the release and frees the page instead of putting it back, so no
 * callback of the domain runs for this page after this returns. May sleep.
 */
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

/**
 * movcompat_page_private() - the driver's per-page value.
 * @dom: the domain.
 * @page: a page of the domain (or the destination inside migrate_page).
 *
 * page->private on every backend except the balloon carrier, where the
 * balloon core owns page->private and movcompat keeps the value aside.
 * Portable drivers use this pair instead of page_private().
 *
 * Return: the value.
 */
static inline unsigned long movcompat_page_private(struct movcompat_domain *dom,
						   struct page *page)
{
#ifdef MOVCOMPAT_BACKEND_CORE
	return movcompat_core_page_private(dom, page);
#else
	return page_private(page);
#endif
}

/**
 * movcompat_page_set_private() - set the driver's per-page value.
 * @dom: the domain.
 * @page: a page of the domain (or the destination inside migrate_page).
 * @value: the value.
 */
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

#endif /* _MOVCOMPAT_MOVCOMPAT_H */
