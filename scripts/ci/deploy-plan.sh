#!/usr/bin/env bash
# deploy.yml's plan job: which stacks to deploy at this commit. A stack is deployed when `ocdp diff` from
# the commit it was last deployed at (the tag ocdp-deployed/<stack>, moved only by a deploy that
# succeeded) to this one changes its rendered claims (exit 3), or finds them invalid (exit 1: the deploy
# then fails with the reason), or when it was never deployed. So a README-only commit deploys nothing, a
# template or policy change deploys every stack it reaches, and a failed deploy is retried by the next
# merge. By hand (workflow_dispatch), STACK names the one stack to deploy, changed or not.
#   GITHUB_SHA (default HEAD), STACK (optional), GITHUB_OUTPUT (stacks=<JSON list> is written there)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=scripts/ci/stacks.sh
. "$here/stacks.sh"
ocdp=(node "$here/../../bin/ocdp.js")
head=$(git rev-parse --verify "${GITHUB_SHA:-HEAD}^{commit}")
# The deployed commits live in the origin's tags: another run may have moved them.
git fetch --quiet --force origin '+refs/tags/ocdp-deployed/*:refs/tags/ocdp-deployed/*' 2>/dev/null || true
stacks_between "$head" "$head"
chosen=()
for stack in "${STACKS[@]}"; do
  if [ -n "${STACK:-}" ]; then
    if [ "$stack" = "$STACK" ]; then echo "stack $stack: chosen by hand"; chosen+=("$stack"); fi
    continue
  fi
  tag="refs/tags/ocdp-deployed/$stack"
  if ! deployed=$(git rev-parse -q --verify "$tag^{commit}"); then
    echo "stack $stack: never deployed from this repository"; chosen+=("$stack"); continue
  fi
  rc=0
  "${ocdp[@]}" diff --stack="$stack" --base="$deployed" --head="$head" --format=json > /dev/null 2>&1 || rc=$?
  case $rc in
    0) echo "stack $stack: no change to its claims since ${deployed:0:12}" ;;
    3) echo "stack $stack: its claims changed since ${deployed:0:12}"; chosen+=("$stack") ;;
    1) echo "stack $stack: invalid at this commit: the deploy reports why"; chosen+=("$stack") ;;
    *) echo "stack $stack: ocdp diff failed (exit $rc)" >&2; exit 1 ;;
  esac
done
if [ -n "${STACK:-}" ] && [ "${#chosen[@]}" = 0 ]; then echo "no stack $STACK at ${head:0:12}" >&2; exit 1; fi
json=$(json_list ${chosen[@]+"${chosen[@]}"})
echo "stacks=$json"
if [ -n "${GITHUB_OUTPUT:-}" ]; then echo "stacks=$json" >> "$GITHUB_OUTPUT"; fi
