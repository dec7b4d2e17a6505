/* SPDX-License-Identifier: GPL-2.0 */
/*
 * movram_index.h (movram's own) - a disk's page index, offset -> page, for
 * every kernel: an xarray where the kernel has one (v4.20;
 * MOVCOMPAT_USE_XARRAY, from movcompat's probes and its MOVCOMPAT_INDEX
 * build knob), else a radix tree under a spinlock, as brd kept its pages
 * before the xarray.
 *
 * The rules movram relies on, the same on both:
 *  - a slot changes only under movram_index_lock();
 *  - movram_index_load() may run without the lock; its result is only
 *    compared or, under the lock, used;
 *  - movram_index_replace_locked() never allocates (migration swaps a page
 *    in place while the VM holds both pages locked);
 *  - the walk takes the lock itself and returns a page the caller must
 *    look up again before using it (movram_get_locked()): it may be gone
 *    by then. It goes
 *
 *	for (idx = first, page = movram_index_find(ix, &idx, last); page;
 *	     page = movram_index_find_after(ix, &idx, last))
 */
#ifndef _MOVRAM_INDEX_H
#define _MOVRAM_INDEX_H

#include <linux/errno.h>
#include <linux/mm_types.h>
#include <linux/spinlock.h>
#include <movcompat/movcompat.h>	/* MOVCOMPAT_USE_XARRAY */
#ifdef MOVCOMPAT_USE_XARRAY
#include <linux/xarray.h>
#else
#include <linux/radix-tree.h>
#include <linux/rcupdate.h>
#endif

#ifdef MOVCOMPAT_USE_XARRAY

#define MOVRAM_INDEX_KIND	"xarray"	/* debugfs stats "index" */

struct movram_index {
	struct xarray xa;
};

static inline void movram_index_init(struct movram_index *ix)
{
	xa_init(&ix->xa);
}

static inline void movram_index_lock(struct movram_index *ix)
{
	xa_lock(&ix->xa);
}

static inline void movram_index_unlock(struct movram_index *ix)
{
	xa_unlock(&ix->xa);
}

static inline struct page *movram_index_load(struct movram_index *ix,
					     unsigned long idx)
{
	return xa_load(&ix->xa, idx);
}

/*
 * Publish @page at @idx unless a page is there. Takes the lock itself and
 * may drop it to allocate with @gfp. Return: 0, -EEXIST (a page is there)
 * or -ENOMEM.
 */
static inline int movram_index_insert(struct movram_index *ix,
				      unsigned long idx, struct page *page,
				      gfp_t gfp)
{
	int ret = xa_insert(&ix->xa, idx, page, gfp);

	return ret == -EBUSY ? -EEXIST : ret;	/* -EBUSY from v5.1 */
}

static inline void movram_index_erase_locked(struct movram_index *ix,
					     unsigned long idx)
{
	__xa_erase(&ix->xa, idx);
}

/* @idx holds a page: put @page there instead, without allocating. */
static inline void movram_index_replace_locked(struct movram_index *ix,
					       unsigned long idx,
					       struct page *page)
{
	__xa_store(&ix->xa, idx, page, GFP_ATOMIC);	/* an existing slot */
}

/* The first page at an offset in [*@idx, @last], its offset in *@idx. */
static inline struct page *movram_index_find(struct movram_index *ix,
					     unsigned long *idx,
					     unsigned long last)
{
	return xa_find(&ix->xa, idx, last, XA_PRESENT);
}

/* The same after offset *@idx. */
static inline struct page *movram_index_find_after(struct movram_index *ix,
						   unsigned long *idx,
						   unsigned long last)
{
	return xa_find_after(&ix->xa, idx, last, XA_PRESENT);
}

/* The index is empty (every page was erased); free what it holds. */
static inline void movram_index_destroy(struct movram_index *ix)
{
	xa_destroy(&ix->xa);
}

#else /* !MOVCOMPAT_USE_XARRAY: a radix tree under a spinlock */

#define MOVRAM_INDEX_KIND	"radix"

struct movram_index {
	spinlock_t lock;		/* changes of root */
	struct radix_tree_root root;
};

static inline void movram_index_init(struct movram_index *ix)
{
	spin_lock_init(&ix->lock);
	/* nodes come from radix_tree_preload() (movram_index_insert()) */
	INIT_RADIX_TREE(&ix->root, GFP_ATOMIC | __GFP_NOWARN);
}

static inline void movram_index_lock(struct movram_index *ix)
{
	spin_lock(&ix->lock);
}

static inline void movram_index_unlock(struct movram_index *ix)
{
	spin_unlock(&ix->lock);
}

static inline struct page *movram_index_load(struct movram_index *ix,
					     unsigned long idx)
{
	struct page *page;

	rcu_read_lock();
	page = radix_tree_lookup(&ix->root, idx);
	rcu_read_unlock();
	return page;
}

static inline int movram_index_insert(struct movram_index *ix,
				      unsigned long idx, struct page *page,
				      gfp_t gfp)
{
	int ret;

	if (radix_tree_preload(gfp))
		return -ENOMEM;
	spin_lock(&ix->lock);
	ret = radix_tree_insert(&ix->root, idx, page);
	spin_unlock(&ix->lock);
	radix_tree_preload_end();
	return ret;		/* 0, -EEXIST or -ENOMEM */
}

static inline void movram_index_erase_locked(struct movram_index *ix,
					     unsigned long idx)
{
	radix_tree_delete(&ix->root, idx);
}

static inline void movram_index_replace_locked(struct movram_index *ix,
					       unsigned long idx,
					       struct page *page)
{
	void __rcu **slot = radix_tree_lookup_slot(&ix->root, idx);

#ifdef MOVCOMPAT_HAVE_RADIX_TREE_REPLACE_SLOT_ROOT
	radix_tree_replace_slot(&ix->root, slot, page);
#else
	radix_tree_replace_slot(slot, page);
#endif
}

static inline struct page *movram_index_find(struct movram_index *ix,
					     unsigned long *idx,
					     unsigned long last)
{
	struct radix_tree_iter iter;
	struct page *page = NULL;
	void __rcu **slot;

	spin_lock(&ix->lock);
	radix_tree_for_each_slot(slot, &ix->root, &iter, *idx) {
		if (iter.index > last)
			break;
		page = radix_tree_deref_slot_protected(slot, &ix->lock);
		if (page) {
			*idx = iter.index;
			break;
		}
	}
	spin_unlock(&ix->lock);
	return page;
}

static inline struct page *movram_index_find_after(struct movram_index *ix,
						   unsigned long *idx,
						   unsigned long last)
{
	unsigned long next = *idx + 1;
	struct page *page;

	if (*idx >= last)
		return NULL;
	page = movram_index_find(ix, &next, last);
	if (page)
		*idx = next;
	return page;
}

static inline void movram_index_destroy(struct movram_index *ix)
{
	/* erasing the last page freed the last node */
}

#endif /* MOVCOMPAT_USE_XARRAY */

#endif /* _MOVRAM_INDEX_H */
