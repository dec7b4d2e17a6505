#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# to_movcompat.cocci is aops_to_mops.cocci followed by
# mops_to_movcompat.cocci (spatch applies the rules in order, so an
# address_space-era driver is first brought to the 6.0 API, then onto
# movcompat). This writes it; ci/cocci-test.sh checks it is up to date.
#
# usage: semantic-patches/gen-to-movcompat.sh [OUTPUT]

set -o pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=${1:-$here/to_movcompat.cocci}

body() { sed -n '/^@initialize:python@/,$p' "$1"; }

{
	cat <<'HDR'
// SPDX-License-Identifier: GPL-2.0
/// Port a driver's movable pages to movcompat from either native era:
/// address_space operations (4.8-5.19) or struct movable_operations
/// (6.0-6.16). The result builds with compat/movcompat.mk and works on
/// every era, including 6.17+ where the native calls are gone.
///
/// This is aops_to_mops.cocci followed by mops_to_movcompat.cocci (generated
/// by gen-to-movcompat.sh; edit those two): first the ops table, the
/// migrate callback signature and __SetPageMovable() are brought to the 6.0
/// API, then everything is rewritten onto movcompat: one static
/// struct movcompat_domain per ops table, movcompat_domain_init/destroy in
/// module_init/module_exit, movcompat_page_make_movable(),
/// movcompat_page_migrated(), movcompat_page_release(),
/// movcompat_alloc_page(), MIGRATEPAGE_SUCCESS -> 0.
/// Reports what must be finished by hand (see the two source patches);
/// report mode exits with status 1 when something is left.
///
// Confidence: Medium
// Copyright: (C) 2026 movcompat contributors
// Options: --no-includes --include-headers
// Requires: 1.1.1
// Keywords: movcompat, movable_operations, address_space_operations
// Comments: tested with spatch 1.1.1 and 1.3.0

virtual patch
virtual context
virtual org
virtual report

// ======== part 1: aops_to_mops.cocci ========
HDR
	body "$here/aops_to_mops.cocci" | sed '/^\/\/ finalize:/,$d'
	echo "// ======== part 2: mops_to_movcompat.cocci ========"
	body "$here/mops_to_movcompat.cocci"
	# both parts' API tokens for the shared parse guard and macro scan
	echo
	echo "@initialize:python@"
	echo "@@"
	python3 - "$here/aops_to_mops.cocci" "$here/mops_to_movcompat.cocci" <<'PY'
import re
import sys
for v in ("MC_MACRO", "MC_TOKENS"):
	words = []
	for f in sys.argv[1:]:
		m = re.search(r'^%s = re.compile\(r"\\b\((.*)\)\\b"\)$' % v,
			      open(f).read(), re.M)
		words += [w for w in m.group(1).split("|") if w not in words]
	print('%s = re.compile(r"\\b(%s)\\b")' % (v, "|".join(words)))
PY
} >"$out.tmp" && mv "$out.tmp" "$out"
