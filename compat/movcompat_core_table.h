/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The migration core's table of a domain's pages: which pfns hold the
 * domain's pages, which of them the core holds isolated, which are fresh
 * destinations of the running compaction pass.
 *
 * An xarray indexed by pfn / BITS_PER_LONG holds one chunk of three bit
 * words per BITS_PER_LONG pfns. A page is found from its pfn (pfn_to_page),
 * so the table stores no pointers, and the hot path of a migration costs
 * bit operations on chunks that already exist instead of xarray stores and
 * erases (each of which walks the tree, updates node counts and clears
 * marks: measured at about 400 instructions each).
 *
 * Rules:
 *  - a chunk is created, and a bit is SET, only under the xarray's lock, so
 *    a chunk seen empty under the lock stays empty until it is freed;
 *  - bits are cleared and tested without the lock, under RCU (chunks are
 *    freed with kfree_rcu());
 *  - a chunk is freed (under the lock) only when all its words are zero:
 *    a page the core holds isolated, or that the caller has locked and
 *    present, pins its chunk;
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
#include <linux/xarray.h>

/**
 * struct movcompat_chunk - BITS_PER_LONG consecutive pfns of the table.
 * @present: the pfn holds one of the domain's pages.
 * @isolated: the core holds that page isolated.
 * @fresh: the page is a destination of the running compaction pass.
 * @reserved: allocated for the domain, not made movable yet.
 * @rcu: for kfree_rcu().
 */
struct movcompat_chunk {
	unsigned long present;
	unsigned long isolated;
	unsigned long fresh;
	unsigned long reserved;
	struct rcu_head rcu;
};

enum movcompat_table_word { MC_PRESENT, MC_ISOLATED, MC_FRESH, MC_RESERVED };

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

/* the chunk of @pfn, or NULL; call under rcu_read_lock() or with it pinned */
static inline struct movcompat_chunk *mc_chunk(struct xarray *t,
					       unsigned long pfn)
{
	return xa_load(t, pfn / BITS_PER_LONG);
}

/**
 * mc_table_set() - set bit @w of @pfn, creating its chunk if needed.
 * @t: the table.
 * @pfn: the page's pfn.
 * @w: MC_PRESENT (which also clears the reserved bit) or MC_RESERVED.
 * @gfp: for a new chunk and xarray nodes.
 *
 * Return: 0 or -ENOMEM.
 */
static inline int mc_table_set(struct xarray *t, unsigned long pfn,
			       enum movcompat_table_word w, gfp_t gfp)
{
	XA_STATE(xas, t, pfn / BITS_PER_LONG);
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
		if (c) {
			set_bit(pfn % BITS_PER_LONG, mc_word(c, w));
			if (w == MC_PRESENT)
				clear_bit(pfn % BITS_PER_LONG, &c->reserved);
		}
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
	}
	kfree(new);
	return ret;
}

/* mark @pfn present (a page enters the domain): 0 or -ENOMEM */
static inline int mc_table_add(struct xarray *t, unsigned long pfn, gfp_t gfp)
{
	return mc_table_set(t, pfn, MC_PRESENT, gfp);
}

/* free @pfn's chunk if it is empty (takes the lock) */
static inline void mc_table_trim(struct xarray *t, unsigned long pfn)
{
	XA_STATE(xas, t, pfn / BITS_PER_LONG);
	struct movcompat_chunk *c;

	xas_lock(&xas);
	c = xas_load(&xas);
	if (c && mc_chunk_empty(c)) {
		xas_store(&xas, NULL);
		kfree_rcu(c, rcu);
	}
	xas_unlock(&xas);
}

/* clear the words in mask @words (bits of enum movcompat_table_word) */
static inline void mc_table_clear_words(struct xarray *t, unsigned long pfn,
					unsigned int words)
{
	unsigned int b = pfn % BITS_PER_LONG;
	enum movcompat_table_word w;
	struct movcompat_chunk *c;
	bool empty = false;

	rcu_read_lock();
	c = mc_chunk(t, pfn);
	if (c) {
		for (w = MC_PRESENT; w <= MC_RESERVED; w++)
			if (words & BIT(w))
				clear_bit(b, mc_word(c, w));
		empty = mc_chunk_empty(c);
	}
	rcu_read_unlock();
	if (empty)
		mc_table_trim(t, pfn);
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
static inline void mc_table_clear(struct xarray *t, unsigned long pfn,
				  bool present, bool isolated, bool fresh)
{
	mc_table_clear_words(t, pfn,
			     (present ? BIT(MC_PRESENT) | BIT(MC_RESERVED) : 0) |
			     (isolated ? BIT(MC_ISOLATED) : 0) |
			     (fresh ? BIT(MC_FRESH) : 0));
}

/* drop @pfn's reservation (a reserved page that never entered the domain) */
static inline void mc_table_unreserve(struct xarray *t, unsigned long pfn)
{
	mc_table_clear_words(t, pfn, BIT(MC_RESERVED));
}

/* is bit @w of @pfn set? */
static inline bool mc_table_test(struct xarray *t, unsigned long pfn,
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

/*
 * set bit @w of @pfn whose chunk the caller has pinned (a present page it
 * holds locked or isolated): no lock needed
 */
static inline void mc_table_set_pinned(struct xarray *t, unsigned long pfn,
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
static inline void mc_table_walk_pause(struct xa_state *xas,
				       unsigned long *chunks)
{
	if (++*chunks % 1024)
		return;
	xas_pause(xas);
	rcu_read_unlock();
	cond_resched();
	rcu_read_lock();
}

/* free every chunk (domain teardown, no other user left) */
static inline void mc_table_destroy(struct xarray *t)
{
	struct movcompat_chunk *c;
	unsigned long index;

	xa_for_each(t, index, c)
		kfree(c);
	xa_destroy(t);
}

#endif /* _MOVCOMPAT_CORE_TABLE_H */
