#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The generated parts of the semantic patches, from one source each:
#  - the Python every patch shares (tools/prelude.py) is copied into
#    aops_to_mops.cocci, mops_to_movcompat.cocci and
#    balloon_compaction_to_balloon.cocci between their "shared" markers;
#  - to_movcompat.cocci is aops_to_mops.cocci followed by
#    mops_to_movcompat.cocci (spatch applies the rules in order, so an
#    address_space-era driver is first brought to the 6.0 API, then onto
#    movcompat).
# ci/cocci-test.sh generates into a scratch directory and checks that the
# committed files are the same.
#
# usage: semantic-patches/generate.sh [OUTDIR]   (default: in place)

set -o pipefail
here=$(cd "$(dirname "$0")" && pwd)
dir=${1:-$here}
mkdir -p "$dir"
out=$dir/to_movcompat.cocci

# with_prelude PATCH: the patch with tools/prelude.py between its markers
with_prelude()
{
	awk -v prelude="$here/tools/prelude.py" '
		/^# ---- shared by every movcompat semantic patch/ {
			print "# ---- shared by every movcompat semantic patch (generated from tools/prelude.py by generate.sh) ----"
			# its first 3 lines are its own header
			while ((getline l < prelude) > 0)
				if (++n > 3)
					print l
			skip = 1
			next
		}
		/^# ---- end of the shared part ----/ { skip = 0 }
		!skip' "$1"
}
for p in aops_to_mops mops_to_movcompat balloon_compaction_to_balloon; do
	with_prelude "$here/$p.cocci" >"$dir/$p.cocci.tmp" || exit 1
	grep -q '^# ---- end of the shared part ----' "$dir/$p.cocci.tmp" ||
		{ echo "generate.sh: $p.cocci has no shared markers" >&2; exit 1; }
	mv "$dir/$p.cocci.tmp" "$dir/$p.cocci"
done

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
/// by generate.sh; edit those two): first the ops table, the
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
	body "$dir/aops_to_mops.cocci" | sed '/^\/\/ finalize:/,$d'
	echo "// ======== part 2: mops_to_movcompat.cocci ========"
	# In patch mode part 1 has turned an address_space table into a
	# movable_operations one before part 2 runs; in the other modes it has
	# not, so part 2 must count part 1's table as its own, or report mode
	# calls MIGRATEPAGE_SUCCESS left by hand where patch mode converts it
	body "$dir/mops_to_movcompat.cocci" |
		sed 's/^@m_leftsucc depends on !m_done \&\& !m_ops@$/@m_leftsucc depends on !m_done \&\& !m_ops \&\& !a_ops@/' 
	# both parts' API tokens for the shared parse guard and macro scan
	echo
	echo "@initialize:python@"
	echo "@@"
	python3 - "$dir/aops_to_mops.cocci" "$dir/mops_to_movcompat.cocci" <<'PY'
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
grep -q '^@m_leftsucc depends on !m_done && !m_ops && !a_ops@$' "$out" ||
	{ echo "generate.sh: the m_leftsucc rule of mops_to_movcompat.cocci changed: update its rewrite here" >&2; exit 1; }
