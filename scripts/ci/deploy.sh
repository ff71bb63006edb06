#!/usr/bin/env bash
# deploy.yml's deploy job, one stack: `pulumi up` of this commit (the default branch's reviewed code),
# then each claim's state from the live cluster, the payloads for the commit status and for a comment on
# each pull request merged into the commit, and, when every claim is ready, the tag
# ocdp-deployed/<stack> moved to this commit so that the next run diffs from here. A failed run leaves
# the tag where it was: the next merge deploys the stack again.
# Two runs on one stack: the workflow's concurrency group queues them; if one still finds the stack
# locked (a run from elsewhere), it waits for the lock, up to DEPLOY_LOCK_WAIT seconds (default 900).
#   STACK, GITHUB_SHA (default HEAD), RUN_URL (the run's page, linked from status and comment),
#   KUBECONFIG_DATA (the stack's kubeconfig, a secret; else the stack file's), PULUMI_BACKEND_URL and
#   PULUMI_CONFIG_PASSPHRASE (secrets), OUT_DIR (default deploy-out: status-<stack>.json,
#   comment-<stack>.md), READY_WAIT (default 5m: how long `ocdp status` waits for claims after up)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
ocdp=(node "$root/bin/ocdp.js")
# shellcheck source=scripts/ci/stacks.sh
. "$here/stacks.sh"
: "${STACK:?STACK is required}"
head=$(git rev-parse --verify "${GITHUB_SHA:-HEAD}^{commit}")
out=${OUT_DIR:-deploy-out}
mkdir -p "$out"
# A private temporary folder, removed on every path: the provider writes the cluster's kubeconfig into
# $TMPDIR and never removes it.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export TMPDIR="$tmp"
git fetch --quiet --force origin '+refs/tags/ocdp-deployed/*:refs/tags/ocdp-deployed/*' 2>/dev/null || true
deployed=$(git rev-parse -q --verify "refs/tags/ocdp-deployed/$STACK^{commit}" || true)
# The claims the merged change touched: this commit against its first parent (a merge or squash commit
# is one pull request), or every claim on a first deploy.
parent=$(git rev-parse -q --verify "$head^1" || true)
if [ -n "$parent" ]; then
  "${ocdp[@]}" diff --stack="$STACK" --base="$parent" --head="$head" --format=json > "$tmp/touched.json" 2> /dev/null || true
fi
if [ -n "${KUBECONFIG_DATA:-}" ]; then PATH="$root/.tools/bin:$PATH" kubeconfig_secret "$STACK"; fi
unset KUBECONFIG_DATA
wait_lock=${DEPLOY_LOCK_WAIT:-900}
start=$SECONDS
up=0
while :; do
  up=0
  # --refresh: what was changed on the cluster behind Pulumi's back (drift) is put back too.
  "${ocdp[@]}" up --refresh --stack "$STACK" > "$tmp/up.log" 2>&1 || up=$?
  cat "$tmp/up.log"
  if [ "$up" = 0 ] || ! grep -q -E 'currently locked|another update is currently in progress' "$tmp/up.log"; then break; fi
  if [ $((SECONDS - start)) -ge "$wait_lock" ]; then echo "stack $STACK: still locked by another update after ${wait_lock}s" >&2; break; fi
  echo "stack $STACK: locked by another update; waiting"
  sleep 10
done
ready=0
"${ocdp[@]}" status --stack "$STACK" --json --wait "${READY_WAIT:-5m}" > "$tmp/status.json" 2> "$tmp/status.err" || ready=$?
if [ ! -s "$tmp/status.json" ]; then echo '{"claims":[]}' > "$tmp/status.json"; fi
report=0
node "$here/deploy-report.mjs" --stack "$STACK" --commit "$head" --up "$up" --status "$tmp/status.json" --status-err "$tmp/status.err" \
  --touched "$tmp/touched.json" --run-url "${RUN_URL:-}" --out "$out" || report=$?
if [ "$up" = 0 ] && [ "$ready" = 0 ] && [ "$report" = 0 ]; then
  git tag -f "ocdp-deployed/$STACK" "$head" > /dev/null
  git push --quiet --force origin "refs/tags/ocdp-deployed/$STACK"
  echo "stack $STACK: deployed ${head:0:12}${deployed:+ (was ${deployed:0:12})}"
  exit 0
fi
echo "stack $STACK: not deployed; ocdp-deployed/$STACK stays at ${deployed:0:12}" >&2
exit 1
