/* SPDX-License-Identifier: GPL-2.0 */
/* Interfaces between movcompat's common code and its backends. */
#ifndef _MOVCOMPAT_INTERNAL_H
#define _MOVCOMPAT_INTERNAL_H

#include <movcompat/movcompat.h>

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

int movcompat_live_add(struct movcompat_domain *dom);
void movcompat_live_del(struct movcompat_domain *dom);

#endif /* _MOVCOMPAT_INTERNAL_H */
