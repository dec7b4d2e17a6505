// SPDX-License-Identifier: GPL-2.0
/*
 * PROBE: MOVCOMPAT_HAVE_XARRAY
 * The XArray (<linux/xarray.h>, xa_load(), XA_STATE) exists; without it the
 *   core's page table sits on a radix tree.
 * Added in v4.20 (commit not verified) by "xarray: Add definition of
 *   struct xarray" (Matthew Wilcox).
 */
#include <linux/xarray.h>

static struct xarray movcompat_probe_xa;

void *movcompat_probe(void)
{
	XA_STATE(xas, &movcompat_probe_xa, 0);

	return xas_load(&xas);
}
