// SPDX-License-Identifier: GPL-2.0
/*
 * movcompat domains: registration and teardown, common to every backend.
 * The aops backend's address_space lives in movcompat_aops.c.
 */
#include <linux/bug.h>
#include <linux/module.h>
#include <linux/printk.h>
#include <movcompat/movcompat.h>
#include "movcompat_internal.h"

/* modinfo -F movcompat_backend MODULE.ko: the backend it was built with */
MODULE_INFO(movcompat_backend, MOVCOMPAT_BACKEND_NAME);

/* documented in include/movcompat/movcompat.h */
int movcompat_domain_init(struct movcompat_domain *dom,
			  const struct movable_operations *ops,
			  const char *name, unsigned int flags)
{
	int ret;

	dom->registered = false;	/* until it is: destroy is a no-op */
	if (flags & ~MOVCOMPAT_DOMAIN_BALLOON_CARRIER) {
		pr_err("movcompat: domain %s: unknown flags %#x\n",
		       name ? name : "(unnamed)", flags);
		return -EINVAL;
	}
	if (!ops || !ops->isolate_page || !ops->migrate_page ||
	    !ops->putback_page) {
		pr_err("movcompat: domain %s: isolate_page, migrate_page and putback_page must all be set\n",
		       name ? name : "(unnamed)");
		return -EINVAL;
	}
	dom->ops = ops;
	dom->name = name ? name : "movcompat";
	atomic_long_set(&dom->nr_movable, 0);
#ifndef MOVCOMPAT_BACKEND_CORE
	if (flags & MOVCOMPAT_DOMAIN_BALLOON_CARRIER)
		pr_info("movcompat: domain %s: backend %s: the kernel's own hook moves these pages, without the balloon carrier's side effects; the carrier serves kernels with no hook (or MOVCOMPAT_BACKEND=core)\n",
			dom->name, movcompat_backend_name());
#endif
#ifdef MOVCOMPAT_BACKEND_NONE_NONGPL
	pr_info("movcompat: domain %s: backend none: this kernel has no driver hook, and movcompat's core needs GPL-only exports a non-GPL module cannot use: its pages are never moved (and never placed in ZONE_MOVABLE or CMA)\n",
		dom->name);
#endif
	dom->live = NULL;
	ret = movcompat_backend_domain_init(dom, flags);
	if (ret)
		return ret;
	/* the leaked-domain guard (movcompat_live.c) */
	ret = movcompat_live_add(dom);
	if (ret) {
		movcompat_backend_domain_destroy(dom);
		return ret;
	}
	dom->registered = true;
	return 0;
}

/* documented in include/movcompat/movcompat.h */
void movcompat_domain_destroy(struct movcompat_domain *dom)
{
	long left;

	/* never initialised, its init failed, or destroyed already */
	if (!dom->registered)
		return;
	dom->registered = false;
	left = atomic_long_read(&dom->nr_movable);
	movcompat_live_del(dom);
	if (left) {
		/* loud, with the driver's call chain, but not a kernel warning */
		pr_err("movcompat: domain %s destroyed with %ld pages not released: a driver bug (release every page with movcompat_page_release() first)\n",
		       dom->name, left);
		dump_stack();
		/* aops: pages the kernel still holds keep the mapping in use */
		if (movcompat_native_drain(dom) && IS_ENABLED(MOVCOMPAT_BACKEND_AOPS))
			return;
	}
	movcompat_backend_domain_destroy(dom);
}
