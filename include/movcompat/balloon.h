/* SPDX-License-Identifier: GPL-2.0 */
/*
 * movcompat balloon - one balloon driver source for every balloon API era.
 *
 * A balloon driver hands pages to a hypervisor (inflate) and takes them
 * back (deflate); the kernel's balloon core keeps them movable, so that
 * compaction, memory offlining and CMA can move them, calling the driver to
 * tell the hypervisor. The core's driver interface changed three times
 * (shared/docs/kernel-api-timeline.md, section 7):
 *
 *   4.8-5.19  the driver mounts a pseudo filesystem and gives the balloon an
 *             inode whose a_ops are balloon_aops; its migratepage callback
 *             does the core's bookkeeping (insert the new page, delete the
 *             old one, isolated_pages--, references, vm events)
 *   6.0-6.19  no inode; the callback still does the bookkeeping
 *             (balloon_page_delete(), balloon_page_finalize() from 6.17 and
 *             in 6.1.160+ / 6.12.64+)
 *   7.0+      <linux/balloon.h>; the core does the bookkeeping, the callback
 *             only talks to the hypervisor; adjust_managed_page_count is a
 *             flag of the balloon
 *
 * This header offers the 7.0 interface on all of them, under movcompat
 * names: struct movcompat_balloon has the fields a driver sets
 * (migratepage, adjust_managed_page_count) with the 7.0 meaning, and
 * movcompat_balloon_page_*() are the 7.0 functions. movcompat does the
 * bookkeeping where the kernel does not, and provides the inode the
 * 4.8-5.19 core needs (a driver has no pseudo filesystem any more).
 * semantic-patches/to_movcompat.cocci ports a balloon driver of any era
 * onto it.
 *
 * The migratepage callback (7.0's contract): called with both pages locked,
 * in process context; @page is inflated and isolated. Tell the hypervisor
 * that @newpage replaces @page and return:
 *   0        @newpage is inflated, @page deflated (movcompat or the kernel
 *            moves the balloon's bookkeeping);
 *   -ENOENT  @page was deflated but @newpage could not be inflated (the
 *            balloon shrank by one page);
 *   -EAGAIN or another error: nothing changed, @page stays inflated.
 * Do not take references, insert or delete pages, or touch the balloon's
 * lists and counters there. Balloon page contents are never copied.
 *
 * The balloon API is GPL-only on every kernel (so is this), and needs the
 * kernel's balloon core (CONFIG_MEMORY_BALLOON, 7.0+: CONFIG_BALLOON, which
 * Debian's kernels have); pages move only with CONFIG_BALLOON_COMPACTION
 * (7.0+: CONFIG_BALLOON_MIGRATION).
 */
#ifndef _MOVCOMPAT_BALLOON_H
#define _MOVCOMPAT_BALLOON_H

#include <linux/list.h>
#include <linux/migrate.h>
#include <linux/mm.h>
#include "movcompat_config.h"

#ifdef MOVCOMPAT_HAVE_BALLOON_H
#include <linux/balloon.h>
#elif defined(MOVCOMPAT_HAVE_BALLOON_COMPACTION_H)
#include <linux/balloon_compaction.h>
#else
#error "movcompat balloon: no <linux/balloon.h> nor <linux/balloon_compaction.h>"
#endif

/*
 * No export: the kernel has no balloon core (CONFIG_MEMORY_BALLOON, 7.0+:
 * CONFIG_BALLOON, selected by balloon drivers such as virtio_balloon), or
 * predates 4.15's balloon_page_alloc(). A GPL-only export: the module is
 * built with MOVCOMPAT_GPL=n, but a balloon driver must be GPL.
 */
#if !defined(MOVCOMPAT_EXPORT_BALLOON_PAGE_ENQUEUE) || \
	!defined(MOVCOMPAT_EXPORT_BALLOON_PAGE_ALLOC)
#error "movcompat balloon: this kernel has no balloon core (enable virtio_balloon)"
#endif
#ifndef MOVCOMPAT_USABLE_BALLOON_PAGE_ENQUEUE
#error "movcompat balloon: the balloon API is GPL-only: build without MOVCOMPAT_GPL=n"
#endif

/**
 * struct movcompat_balloon - a balloon device, as 7.0's struct balloon_dev_info.
 * @dev: the kernel's balloon device; movcompat's, do not touch it.
 * @migratepage: set by the driver (after movcompat_balloon_init()) where it
 *	wants its pages moved; 7.0's contract, see the top of this header.
 *	NULL: the kernel's migration of this balloon's pages fails (-EAGAIN
 *	on 6.0+), they stay where they are.
 * @adjust_managed_page_count: set by the driver (before it inflates) when
 *	inflated pages are to be taken out of the zones' managed page count
 *	(and given back on deflate, moved between zones on migration), as
 *	virtio_balloon does unless the hypervisor reports free pages; the
 *	driver then calls adjust_managed_page_count() nowhere itself.
 */
struct movcompat_balloon {
	struct balloon_dev_info dev;
	int (*migratepage)(struct movcompat_balloon *b, struct page *newpage,
			   struct page *page, enum migrate_mode mode);
	bool adjust_managed_page_count;
};

/**
 * movcompat_balloon_init() - initialise a balloon device.
 * @b: the balloon, embedded in the driver's state.
 *
 * As balloon_devinfo_init(): no pages, no callback, no adjustment. Cannot
 * fail: the inode the 4.8-5.19 core needs is movcompat's, static, and
 * shared by every balloon of the module.
 *
 * Context: any.
 */
void movcompat_balloon_init(struct movcompat_balloon *b);

/**
 * movcompat_balloon_destroy() - check that a balloon is empty, before its
 *	memory goes away.
 * @b: the balloon.
 *
 * The kernel's balloon pages point at their balloon and (4.8-5.19) at the
 * module's inode: every page must have been deflated first, and none may
 * be isolated. Says so loudly (one warning, with the counts) if not; the
 * pages are then the driver's leak, and the module must not be unloaded.
 *
 * Context: process context.
 * Return: true if the balloon was empty.
 */
bool movcompat_balloon_destroy(struct movcompat_balloon *b);

/**
 * movcompat_balloon_page_alloc() - allocate a page to inflate.
 *
 * As balloon_page_alloc(): movable where the kernel can move balloon pages
 * (CONFIG_BALLOON_COMPACTION / CONFIG_BALLOON_MIGRATION), else not; does
 * not retry, warn or dip into reserves.
 *
 * Context: process context.
 * Return: the page, or NULL.
 */
struct page *movcompat_balloon_page_alloc(void);

/**
 * movcompat_balloon_page_enqueue() - put an allocated page into the balloon.
 * @b: the balloon.
 * @page: from movcompat_balloon_page_alloc(); the balloon owns it now.
 *
 * Call it after the hypervisor took the page. Counts the inflation
 * (BALLOON_INFLATE; the managed page count with
 * @b->adjust_managed_page_count).
 *
 * Context: any; takes a spinlock with interrupts saved.
 */
void movcompat_balloon_page_enqueue(struct movcompat_balloon *b,
				    struct page *page);

/**
 * movcompat_balloon_page_dequeue() - take a page out of the balloon.
 * @b: the balloon.
 *
 * Context: any; takes a spinlock with interrupts saved.
 * Return: a page, now the driver's (give it back with put_page() or
 * __free_page() after the hypervisor returned it), or NULL when every
 * page is isolated for migration at the moment (try again later). The
 * kernel BUG()s if the balloon has no page at all: count them.
 */
struct page *movcompat_balloon_page_dequeue(struct movcompat_balloon *b);

/**
 * movcompat_balloon_page_list_enqueue() - enqueue a list of pages.
 * @b: the balloon.
 * @pages: pages from movcompat_balloon_page_alloc(), on their lru; emptied.
 *
 * Context: any; takes a spinlock with interrupts saved.
 * Return: the number of pages enqueued.
 */
size_t movcompat_balloon_page_list_enqueue(struct movcompat_balloon *b,
					   struct list_head *pages);

/**
 * movcompat_balloon_page_list_dequeue() - dequeue up to @n_req_pages pages.
 * @b: the balloon.
 * @pages: the pages are added here, on their lru.
 * @n_req_pages: how many at most.
 *
 * Context: any; takes a spinlock with interrupts saved.
 * Return: the number of pages dequeued (fewer while pages are isolated).
 */
size_t movcompat_balloon_page_list_dequeue(struct movcompat_balloon *b,
					   struct list_head *pages,
					   size_t n_req_pages);

/**
 * movcompat_balloon_pages_movable() - does the kernel move balloon pages?
 *
 * The replacement of IS_ENABLED(CONFIG_BALLOON_MIGRATION), whose symbol was
 * CONFIG_BALLOON_COMPACTION before 7.0: a driver sets migratepage (and
 * allocates its pages movable) only where this is true.
 *
 * Return: true where the kernel's balloon core migrates pages.
 */
static inline bool movcompat_balloon_pages_movable(void)
{
	return IS_ENABLED(CONFIG_BALLOON_COMPACTION) ||
	       IS_ENABLED(CONFIG_BALLOON_MIGRATION);
}

#endif /* _MOVCOMPAT_BALLOON_H */
