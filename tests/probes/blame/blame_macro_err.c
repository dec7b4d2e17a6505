// SPDX-License-Identifier: GPL-2.0
/*
 * PROBE: MOVCOMPAT_HAVE_BLAME_MACRO_ERR
 * Fails inside a macro of a kernel header (absent).
 */
#include <linux/seq_file.h>

DEFINE_SHOW_ATTRIBUTE(blame_no_such);
