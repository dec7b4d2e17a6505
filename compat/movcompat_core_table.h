/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The migration core's table of a domain's pages: which pfns hold the
 * domain's pages, which of them the core holds isolated, which are fresh
 * destinations of the running compaction pass.
 *
 * An index by pfn / BITS_PER_LONG holds one chunk of four bit words per
 * BITS_PER_LONG pfns: an xarray, or a radix tree under a spinlock on
 * kernels before the xarray (4.20; MOVCOMPAT_USE_XARRAY), behind the
 * same few operations (mc_index_*(), mc_table_first() and _next()). A
 * page is found from its pfn (pfn_to_page), so the table stores no
 * pointers, and the hot path of a migration costs
 * bit operations on chunks that already exist instead of xarray stores and
 * erases (each of which walks the tree, updates node counts and clears
 * marks: measured at about 400 instructions each).
 *
 * Rules:
 *  - a chunk is created, and a bit is SET, only under the index's lock, so
 *    a chunk seen empty under the lock stays empty until it is freed; or
 *    without the lock in a chunk the caller pins (below);
 *  - bits are cleared and tested without the lock, under RCU (chunks are
 *    freed with kfree_rcu());
 *  - a chunk is freed (under the lock) only when all its words are zero:
 *    a bit only its setter clears pins the chunk, so that setter may keep
 *    the chunk's pointer, outside RCU, until it clears the bit. Such bits:
 *    present while the caller holds the page locked, isolated (cleared
 *    only by the pass that isolated the page, even when the driver released
 *    the page meanwhile), and reserved (by the allocating caller);
 *  - a page allocated for the domain (movcompat_alloc_page(), or a
 *    destination in a pass's pool) is reserved: its chunk exists before the
 *    page is made movable, so tracking it needs no memory and cannot fail.
 *    The bit becomes the present bit, or goes with movcompat_free_page() or
 *    the pool's drain (a stale one only keeps a chunk until the domain
 *    goes).
 */
#ifndef _MOVCOMPAT_CORE_TABLE_H
#define _MOVCOMPAT_CORE_TABLE_H

#include <linux/bitops.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <movcompat/movcompat.h>	/* MOVCOMPAT_USE_XARRAY */
#ifdef MOVCOMPAT_USE_XARRAY
#include <linux/xarray.h>
#else
#include <linux/radix-tree.h>
#endif

/**
 * struct movcompat_chunk - BITS_PER_LONG consecutive pfns of the table.
 * @present: the pfn holds one of the domain's pages.
 * @isolated: the core holds that page isolated.
 * @fresh: the page is a destination of the running compaction pass.
 * @reserved: allocated for the domain, not made movable yet.
 * @index: its index in the table (first pfn / BITS_PER_LONG).
 * @rcu: for kfree_rcu().
 */
struct movcompat_chunk {
	unsigned long present;
	unsigned long isolated;
	unsigned long fresh;
	unsigned long reserved;
	unsigned long index;
	struct rcu_head rcu;
};

enum movcompat_table_word { MC_PRESENT, MC_ISOLATED, MC_FRESH, MC_RESERVED };
#define MC_ALL_WORDS	(BIT(MC_PRESENT) | BIT(MC_ISOLATED) | BIT(MC_FRESH) | \
			 BIT(MC_RESERVED))

static inline unsigned long *mc_word(struct movcompat_chunk *c,
				     enum movcompat_table_word w)
{
	return w == MC_PRESENT ? &c->present :
	       w == MC_ISOLATED ? &c->isolated :
	       w == MC_FRESH ? &c->fresh : &c->reserved;
}

static inline bool mc_chunk_empty(struct movcompat_chunk *c)
{
	return !READ_ONCE(c->present) && !READ_ONCE(c->isolated) &&
	       !READ_ONCE(c->fresh) && !READ_ONCE(c->reserved);
}

#ifdef MOVCOMPAT_USE_XARRAY
/* the index: chunk number -> struct movcompat_chunk */
struct movcompat_table {
	struct xarray xa;
};

static inline void mc_index_init(struct movcompat_table *t)
{
	xa_init(&t->xa);
}

static inline void mc_index_lock(struct movcompat_table *t)
{
	xa_lock(&t->xa);
}

static inline void mc_index_unlock(struct movcompat_table *t)
{
	xa_unlock(&t->xa);
}

/* the chunk at @index: under rcu_read_lock() or the index's lock */
static inline struct movcompat_chunk *mc_index_load(struct movcompat_table *t,
						    unsigned long index)
{
	return xa_load(&t->xa, index);
}

/* empty the slot at @index, under the lock */
static inline void mc_index_erase_locked(struct movcompat_table *t,
					 unsigned long index)
{
	__xa_erase(&t->xa, index);
}

/* a walk of the chunks from index first to last (mc_table_first()) */
struct mc_table_iter {
	struct xa_state xas;
	unsigned long last;
};

static inline struct movcompat_chunk *mc_iter_skip(struct mc_table_iter *it,
						   void *c)
{
	while (c && xas_retry(&it->xas, c))
		c = xas_next_entry(&it->xas, it->last);
	return c;
}

static inline struct movcompat_chunk *
mc_iter_first(struct movcompat_table *t, struct mc_table_iter *it,
	      unsigned long first, unsigned long last)
{
	it->xas = (struct xa_state)__XA_STATE(&t->xa, first, 0, 0);
	it->last = last;
	return mc_iter_skip(it, xas_find(&it->xas, last));
}

static inline struct movcompat_chunk *mc_table_next(struct mc_table_iter *it)
{
	return mc_iter_skip(it, xas_next_entry(&it->xas, it->last));
}

/* the walk will drop rcu_read_lock() before the next chunk */
static inline void mc_iter_pause(struct mc_table_iter *it)
{
	xas_pause(&it->xas);
}

/* free every chunk (no other user left) */
static inline void mc_index_destroy(struct movcompat_table *t)
{
	struct movcompat_chunk *c;
	unsigned long index;

	xa_for_each(&t->xa, index, c)
		kfree(c);
	xa_destroy(&t->xa);
}
#else /* !MOVCOMPAT_USE_XARRAY: a radix tree */
struct movcompat_table {
	struct radix_tree_root root;
	spinlock_t lock;	/* changes of root */
};

static inline void mc_index_init(struct movcompat_table *t)
{
	/* nodes are allocated GFP_ATOMIC under the spinlock (no preload) */
	INIT_RADIX_TREE(&t->root, GFP_ATOMIC | __GFP_NOWARN);
	spin_lock_init(&t->lock);
}

static inline void mc_index_lock(struct movcompat_table *t)
{
	spin_lock(&t->lock);
}

static inline void mc_index_unlock(struct movcompat_table *t)
{
	spin_unlock(&t->lock);
}

static inline struct movcompat_chunk *mc_index_load(struct movcompat_table *t,
						    unsigned long index)
{
	return radix_tree_lookup(&t->root, index);
}

static inline void mc_index_erase_locked(struct movcompat_table *t,
					 unsigned long index)
{
	radix_tree_delete(&t->root, index);
}

#define MC_ITER_BATCH	16
struct mc_table_iter {
	struct movcompat_table *t;
	unsigned long next, last;
	unsigned int i, n;
	struct movcompat_chunk *buf[MC_ITER_BATCH];
};

static inline struct movcompat_chunk *mc_table_next(struct mc_table_iter *it)
{
	struct movcompat_chunk *c;

	for (;;) {
		if (it->i == it->n) {
			if (it->next > it->last)
				return NULL;
			it->i = 0;
			it->n = radix_tree_gang_lookup(&it->t->root,
						       (void **)it->buf,
						       it->next, MC_ITER_BATCH);
			if (!it->n)
				return NULL;
		}
		c = it->buf[it->i++];
		if (c->index < it->next)	/* moved under RCU: seen */
			continue;
		if (c->index > it->last) {
			it->i = 0;
			it->n = 0;
			it->next = it->last + 1;
			return NULL;
		}
		it->next = c->index + 1;
		return c;
	}
}

static inline struct movcompat_chunk *
mc_iter_first(struct movcompat_table *t, struct mc_table_iter *it,
	      unsigned long first, unsigned long last)
{
	it->t = t;
	it->next = first;
	it->last = last;
	it->i = 0;
	it->n = 0;
	return mc_table_next(it);
}

/* the chunks looked up ahead are not valid after rcu_read_unlock() */
static inline void mc_iter_pause(struct mc_table_iter *it)
{
	it->i = 0;
	it->n = 0;
}

static inline void mc_index_destroy(struct movcompat_table *t)
{
	struct mc_table_iter it;
	struct movcompat_chunk *c;

	while ((c = mc_iter_first(t, &it, 0, ULONG_MAX))) {
		radix_tree_delete(&t->root, c->index);
		kfree(c);
	}
}
#endif /* MOVCOMPAT_USE_XARRAY */

/**
 * mc_table_first() - start a walk of the chunks of @first_pfn..@last_pfn.
 * @t: the table.
 * @it: the walk's state.
 * @first_pfn: first pfn.
 * @last_pfn: last pfn (inclusive).
 *
 * Under rcu_read_lock(); mc_table_walk_pause() may drop it in between.
 * mc_table_next() gives the following chunks. A chunk's first pfn is
 * c->index * BITS_PER_LONG.
 *
 * Return: the first chunk, or NULL.
 */
static inline struct movcompat_chunk *mc_table_first(struct movcompat_table *t,
						     struct mc_table_iter *it,
						     unsigned long first_pfn,
						     unsigned long last_pfn)
{
	return mc_iter_first(t, it, first_pfn / BITS_PER_LONG,
			     last_pfn / BITS_PER_LONG);
}

/* the chunk of @pfn, or NULL; call under rcu_read_lock() or with it pinned */
static inline struct movcompat_chunk *mc_chunk(struct movcompat_table *t,
					       unsigned long pfn)
{
	return mc_index_load(t, pfn / BITS_PER_LONG);
}

/*
 * set bit @w of @pfn in chunk @c: under the index's lock, or in a chunk
 * the caller pins (MC_PRESENT then replaces the reserved bit that pins it:
 * set first, so that the chunk never looks empty)
 */
static inline void mc_chunk_set(struct movcompat_chunk *c, unsigned long pfn,
				enum movcompat_table_word w)
{
	set_bit(pfn % BITS_PER_LONG, mc_word(c, w));
	if (w == MC_PRESENT)
		clear_bit(pfn % BITS_PER_LONG, &c->reserved);
}

/**
 * mc_table_set() - set bit @w of @pfn, creating its chunk if needed.
 * @t: the table.
 * @pfn: the page's pfn.
 * @w: MC_PRESENT (which also clears the reserved bit) or MC_RESERVED.
 * @gfp: for a new chunk and index nodes.
 * @cp: if not NULL, set to the chunk (pinned by the bit just set).
 *
 * Return: 0 or -ENOMEM.
 */
#ifdef MOVCOMPAT_USE_XARRAY
static inline int mc_table_set(struct movcompat_table *t, unsigned long pfn,
			       enum movcompat_table_word w, gfp_t gfp,
			       struct movcompat_chunk **cp)
{
	XA_STATE(xas, &t->xa, pfn / BITS_PER_LONG);
	struct movcompat_chunk *c, *new = NULL;
	int ret = 0;

	for (;;) {
		xas_lock(&xas);
		c = xas_load(&xas);
		if (!c && new) {
			xas_store(&xas, new);
			if (!xas_error(&xas)) {
				c = new;
				new = NULL;
			}
		}
		if (c)
			mc_chunk_set(c, pfn, w);
		xas_unlock(&xas);
		if (c)
			break;
		if (xas_nomem(&xas, gfp))
			continue;
		if (xas_error(&xas)) {
			ret = xas_error(&xas);
			break;
		}
		new = kzalloc(sizeof(*new), gfp);
		if (!new) {
			ret = -ENOMEM;
			break;
		}
		new->index = pfn / BITS_PER_LONG;
	}
	kfree(new);
	if (cp)
		*cp = ret ? NULL : c;
	return ret;
}
#else
static inline int mc_table_set(struct movcompat_table *t, unsigned long pfn,
			       enum movcompat_table_word w, gfp_t gfp,
			       struct movcompat_chunk **cp)
{
	unsigned long index = pfn / BITS_PER_LONG;
	struct movcompat_chunk *c, *new = NULL;
	int ret = 0;

	for (;;) {
		mc_index_lock(t);
		c = mc_index_load(t, index);
		if (!c && new) {
			/* nodes from the root's GFP_ATOMIC: no sleep here */
			ret = radix_tree_insert(&t->root, index, new);
			if (!ret) {
				c = new;
				new = NULL;
			}
		}
		if (c)
			mc_chunk_set(c, pfn, w);
		mc_index_unlock(t);
		if (c || ret)
			break;
		new = kzalloc(sizeof(*new), gfp);
		if (!new) {
			ret = -ENOMEM;
			break;
		}
		new->index = index;
	}
	kfree(new);
	if (cp)
		*cp = ret ? NULL : c;
	return ret;
}
#endif

/* mark @pfn present (a page enters the domain): 0 or -ENOMEM */
static inline int mc_table_add(struct movcompat_table *t, unsigned long pfn,
			       gfp_t gfp)
{
	return mc_table_set(t, pfn, MC_PRESENT, gfp, NULL);
}

/* free @pfn's chunk if it is empty (takes the lock) */
static inline void mc_table_trim(struct movcompat_table *t, unsigned long pfn)
{
	unsigned long index = pfn / BITS_PER_LONG;
	struct movcompat_chunk *c;

	mc_index_lock(t);
	c = mc_index_load(t, index);
	if (c && mc_chunk_empty(c)) {
		mc_index_erase_locked(t, index);
		kfree_rcu(c, rcu);
	}
	mc_index_unlock(t);
}

/*
 * clear the words in mask @words (bits of enum movcompat_table_word) of
 * @pfn in its chunk @c, which the caller pins until this call; frees the
 * chunk if that left it empty
 */
static inline void mc_chunk_clear(struct movcompat_table *t,
				  struct movcompat_chunk *c, unsigned long pfn,
				  unsigned int words)
{
	unsigned int b = pfn % BITS_PER_LONG;
	enum movcompat_table_word w;
	bool empty;

	rcu_read_lock();	/* @c may go once the caller's bits are gone */
	for (w = MC_PRESENT; w <= MC_RESERVED; w++)
		if (words & BIT(w))
			clear_bit(b, mc_word(c, w));
	empty = mc_chunk_empty(c);
	rcu_read_unlock();
	if (empty)
		mc_table_trim(t, pfn);
}

/* mc_chunk_clear() of @pfn's chunk, looked up */
static inline void mc_table_clear_words(struct movcompat_table *t, unsigned long pfn,
					unsigned int words)
{
	struct movcompat_chunk *c;

	rcu_read_lock();
	c = mc_chunk(t, pfn);
	if (c)
		mc_chunk_clear(t, c, pfn, words);
	rcu_read_unlock();
}

/**
 * mc_table_clear() - clear bits of @pfn without the lock.
 * @t: the table.
 * @pfn: the pfn.
 * @present: clear its present bit (and the reserved one: the page leaves
 *	the domain).
 * @isolated: clear its isolated bit.
 * @fresh: clear its fresh bit.
 *
 * Frees the chunk if that left it empty.
 */
static inline void mc_table_clear(struct movcompat_table *t, unsigned long pfn,
				  bool present, bool isolated, bool fresh)
{
	mc_table_clear_words(t, pfn,
			     (present ? BIT(MC_PRESENT) | BIT(MC_RESERVED) : 0) |
			     (isolated ? BIT(MC_ISOLATED) : 0) |
			     (fresh ? BIT(MC_FRESH) : 0));
}

/* drop @pfn's reservation (a reserved page that never entered the domain) */
static inline void mc_table_unreserve(struct movcompat_table *t, unsigned long pfn)
{
	mc_table_clear_words(t, pfn, BIT(MC_RESERVED));
}

/* is bit @w of @pfn set? */
static inline bool mc_table_test(struct movcompat_table *t, unsigned long pfn,
				 enum movcompat_table_word w)
{
	struct movcompat_chunk *c;
	bool ret;

	rcu_read_lock();
	c = mc_chunk(t, pfn);
	ret = c && test_bit(pfn % BITS_PER_LONG, mc_word(c, w));
	rcu_read_unlock();
	return ret;
}

/**
 * struct mc_chunk_cache - the last chunk looked up, for a run of pfns.
 * @index: its index (ULONG_MAX: none yet).
 * @c: the chunk, or NULL; valid only in the rcu_read_lock() section that
 *	looked it up.
 */
struct mc_chunk_cache {
	unsigned long index;
	struct movcompat_chunk *c;
};

#define MC_CHUNK_CACHE_INIT { .index = ULONG_MAX, .c = NULL }

/*
 * mc_table_test() for pfns taken in order, under one rcu_read_lock() held
 * by the caller: one index lookup per chunk instead of one per pfn.
 */
static inline bool mc_table_test_cached(struct movcompat_table *t,
					unsigned long pfn,
					enum movcompat_table_word w,
					struct mc_chunk_cache *cache)
{
	unsigned long index = pfn / BITS_PER_LONG;

	if (cache->index != index) {
		cache->c = mc_index_load(t, index);
		cache->index = index;
	}
	return cache->c && test_bit(pfn % BITS_PER_LONG, mc_word(cache->c, w));
}

/*
 * set bit @w of @pfn whose chunk the caller has pinned (a present page it
 * holds locked or isolated): no lock needed
 */
static inline void mc_table_set_pinned(struct movcompat_table *t, unsigned long pfn,
				       enum movcompat_table_word w)
{
	struct movcompat_chunk *c;

	rcu_read_lock();
	c = mc_chunk(t, pfn);
	if (!WARN_ON_ONCE(!c))
		set_bit(pfn % BITS_PER_LONG, mc_word(c, w));
	rcu_read_unlock();
}

/* bits of the chunk at @base that fall in [first, last] */
static inline unsigned long mc_range_mask(unsigned long base,
					  unsigned long first,
					  unsigned long last)
{
	unsigned long mask = ~0UL;

	if (first > base)
		mask &= ~0UL << (first - base);
	if (last < base + BITS_PER_LONG - 1)
		mask &= ~0UL >> (BITS_PER_LONG - 1 - (last - base));
	return mask;
}

/* in a long walk of the table under RCU: every 1024 chunks, let others run */
static inline void mc_table_walk_pause(struct mc_table_iter *it,
				       unsigned long *chunks)
{
	if (++*chunks % 1024)
		return;
	mc_iter_pause(it);
	rcu_read_unlock();
	cond_resched();
	rcu_read_lock();
}

/* free every chunk (domain teardown, no other user left) */
static inline void mc_table_destroy(struct movcompat_table *t)
{
	mc_index_destroy(t);
}

#endif /* _MOVCOMPAT_CORE_TABLE_H */
