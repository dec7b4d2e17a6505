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
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/migrate.h>
#include "movcompat_config.h"

/* movcompat_domain_init() flags */
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

#ifndef MOVCOMPAT_HAVE_MIGRATE_SYNC_NO_COPY
/*
 * MIGRATE_SYNC_NO_COPY: a migration mode of 4.14 to 6.9 in which the VM
 * copied the contents itself; removed upstream after 6.9 (the probe
 * migrate_sync_no_copy). Callbacks written for those kernels test for it:
 * on later kernels the name stands for a mode no kernel passes, so such a
 * test compiles and is never true.
 */
#define MIGRATE_SYNC_NO_COPY	((enum migrate_mode)-1)
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
 * @mapping: aops backend: the address_space the pages point to.
 * @core: core backend: the migration core's per-domain state.
 *
 * Embed it in the driver's state; initialise with movcompat_domain_init().
 * Fields are private to movcompat.
 */
struct movcompat_domain {
	const struct movable_operations *ops;
	const char *name;
	atomic_long_t nr_movable;
	struct movcompat_live *live;
	struct address_space *mapping;
	struct movcompat_core *core;
	bool registered;
};

/* ---- domains ---------------------------------------------------------- */

/**
 * movcompat_domain_init() - register a driver's movable page callbacks.
 * @dom: the domain to initialise (embedded in the driver's state).
 * @ops: the callbacks; all three must be set; must outlive the domain.
 * @name: short name used in messages (and the core's debugfs directory).
 * @flags: 0, or MOVCOMPAT_DOMAIN_BALLOON_CARRIER to ask for the balloon
 *	carrier where it exists (movcompat_domain_backend_name() tells what
 *	you got).
 *
 * Call it before the first page of the domain is made movable, and
 * destroy the domain on every error path after it.
 *
 * Context: process context, may sleep.
 * Return: 0, -EINVAL if @ops is incomplete or @flags unknown, -ENOMEM.
 */
int movcompat_domain_init(struct movcompat_domain *dom,
			  const struct movable_operations *ops,
			  const char *name, unsigned int flags);

/**
 * movcompat_domain_destroy() - tear a domain down.
 * @dom: the domain.
 *
 * Every page must have been released with movcompat_page_release() first:
 * then no page points at the domain and no callback can run any more, even
 * while compaction is running. If pages were not released (a driver bug)
 * this says so with a stack trace, then takes the pages out of the
 * kernel's reach while the driver's callbacks, which must still work, can
 * move them: each page is moved out of ZONE_MOVABLE and CMA (nothing could
 * move it later) through the driver's isolate_page/migrate_page, and
 * stops pointing at the domain (carrier: taken back from the kernel;
 * native backends: found by their page->mapping in a walk of the memory
 * map, their movable owner cleared). The pages stay the driver's
 * (its references). aops keeps the domain's mapping allocated (leaks it)
 * only if the kernel held a page isolated for over 10 s.
 * The core backend always stops its triggers (memory notifier, debugfs)
 * and waits for running passes: after this returns no code of the module
 * runs on the domain's behalf. A domain never destroyed is torn down when
 * its module is freed (a failed module_init included), with a loud
 * message, but without the driver's callbacks: its pages are not moved
 * then (see compat/movcompat_live.c).
 *
 * A domain that was never initialised (all zero, as a static one starts),
 * whose movcompat_domain_init() failed, or that was destroyed already is
 * left alone: an error path may destroy the domain wherever it failed.
 */
void movcompat_domain_destroy(struct movcompat_domain *dom);

/**
 * movcompat_domain_compact() - defragment the domain's pages.
 * @dom: the domain.
 *
 * Core backend: empties the sparsest pageblocks holding the domain's pages
 * into the room of the others, as the kernel's compaction does: their pages
 * are migrated to newly allocated pages outside those blocks (under the
 * placement policy), so the emptied blocks can merge into huge pages. When
 * no block is worth emptying, every page moves once. Pages that are busy or
 * refused are skipped. On native backends the kernel's own compaction
 * moves the pages; nothing to do here.
 *
 * Context: process context, may sleep for a long time.
 * Return: pages migrated, or -EOPNOTSUPP on native backends, or -errno.
 */
long movcompat_domain_compact(struct movcompat_domain *dom);

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
			       unsigned long start_pfn, unsigned long nr_pages);

/**
 * movcompat_backend_name() - the backend this module was built with.
 *
 * Return: "aops", "mops", "core" or "none".
 */
static inline const char *movcompat_backend_name(void);

/**
 * movcompat_domain_backend_name() - how this domain's pages are moved.
 * @dom: the domain.
 *
 * Return: "carrier" for a domain the balloon carrier serves, else the
 * module's backend, as movcompat_backend_name().
 */
static inline const char *
movcompat_domain_backend_name(const struct movcompat_domain *dom);

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
movcompat_domain_pages_movable(const struct movcompat_domain *dom);

/* ---- pages ------------------------------------------------------------ */

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
static inline gfp_t movcompat_gfp(const struct movcompat_domain *dom, gfp_t gfp);

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
						gfp_t gfp);

/**
 * movcompat_free_page() - free a page of movcompat_alloc_page() that was
 *	never made movable.
 * @dom: the domain.
 * @page: the page; the driver's reference is dropped.
 *
 * (A page that was made movable leaves with movcompat_page_release().)
 */
static inline void movcompat_free_page(struct movcompat_domain *dom,
				       struct page *page);

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
					      struct page *page);

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
					   struct page *dst, struct page *src);

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
static inline void movcompat_lock_page(struct page *page);

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
					  struct page *page);

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
						   struct page *page);

/**
 * movcompat_page_set_private() - set the driver's per-page value.
 * @dom: the domain.
 * @page: a page of the domain (or the destination inside migrate_page).
 * @value: the value.
 */
static inline void movcompat_page_set_private(struct movcompat_domain *dom,
					      struct page *page,
					      unsigned long value);

/* the implementation of the inline functions above: not part of the API */
#include "movcompat_inline.h"
/* kernel helpers older kernels lack (totalram_pages(), array_size(), ...) */
#include "movcompat_backports.h"

#endif /* _MOVCOMPAT_MOVCOMPAT_H */
