/* SPDX-License-Identifier: GPL-2.0 */
/* Interfaces between movcompat's common code and its backends. */
#ifndef _MOVCOMPAT_INTERNAL_H
#define _MOVCOMPAT_INTERNAL_H

#include <movcompat/movcompat.h>

/*
 * Allocation flags for a page movcompat moves something into: may fail,
 * never calls the OOM killer. __GFP_RETRY_MAYFAIL from 4.13 (a macro, so
 * its own test); before it, __GFP_NORETRY is the flag that keeps the OOM
 * killer out of an order-0 allocation.
 */
#ifdef __GFP_RETRY_MAYFAIL
#define MOVCOMPAT_GFP_MAYFAIL	__GFP_RETRY_MAYFAIL
#else
#define MOVCOMPAT_GFP_MAYFAIL	__GFP_NORETRY
#endif

#if defined(MOVCOMPAT_BACKEND_AOPS)
int movcompat_backend_domain_init(struct movcompat_domain *dom,
				  unsigned int flags);
void movcompat_backend_domain_destroy(struct movcompat_domain *dom);
#elif defined(MOVCOMPAT_BACKEND_CORE)
#include "movcompat_core.h"
static inline int movcompat_backend_domain_init(struct movcompat_domain *dom,
						unsigned int flags)
{
	return movcompat_core_domain_init(dom, flags);
}

static inline void
movcompat_backend_domain_destroy(struct movcompat_domain *dom)
{
	movcompat_core_domain_destroy(dom);
}
#else
/* mops and none need no per-domain kernel object */
static inline int movcompat_backend_domain_init(struct movcompat_domain *dom,
						unsigned int flags)
{
	return 0;
}

static inline void
movcompat_backend_domain_destroy(struct movcompat_domain *dom)
{
}
#endif

#if defined(MOVCOMPAT_BACKEND_MOPS) || defined(MOVCOMPAT_BACKEND_AOPS)
long movcompat_native_drain(struct movcompat_domain *dom);
unsigned long movcompat_native_owner(struct movcompat_domain *dom);
long movcompat_native_forget(unsigned long owner, const char *name);
#else
/* core: its own teardown moves the pages; none: nothing points at it */
static inline long movcompat_native_drain(struct movcompat_domain *dom)
{
	return 0;
}
#endif

/*
 * compat/movcompat_balloon.c, before 7.0 where the kernel moves balloon
 * pages: the bookkeeping of a balloon migration (also the carrier's)
 */
struct balloon_dev_info;
void movcompat_balloon_settle(struct balloon_dev_info *dev,
			      struct page *newpage, struct page *page,
			      bool inflated, bool adjust);

int movcompat_live_add(struct movcompat_domain *dom);
void movcompat_live_del(struct movcompat_domain *dom);

#endif /* _MOVCOMPAT_INTERNAL_H */
