#!/usr/bin/env bash
# drift.yml's drift job, one stack: `ocdp drift` against its cluster (a refresh preview; nothing is
# changed), and the body of the stack's drift issue. Writes drifted=0|1 to $GITHUB_OUTPUT and
# $OUT_DIR/drift-<stack>.md; exits 0 for drift or none (the issue carries it), 1 when drift could not be
# told (the preview failed).
#   STACK, KUBECONFIG_DATA (a secret; none: the stack is skipped), PULUMI_BACKEND_URL and
#   PULUMI_CONFIG_PASSPHRASE (secrets), RUN_URL, OUT_DIR (default drift-out)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
# shellcheck source=scripts/ci/stacks.sh
. "$here/stacks.sh"
out=${OUT_DIR:-drift-out}
mkdir -p "$out"
say() { if [ -n "${GITHUB_OUTPUT:-}" ]; then echo "$1" >> "$GITHUB_OUTPUT"; fi; }
if [ -z "${KUBECONFIG_DATA:-}" ]; then echo "stack $STACK: no KUBECONFIG_${STACK^^} secret: skipped"; say "drifted=skip"; exit 0; fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export TMPDIR="$tmp"
PATH="$root/.tools/bin:$PATH" kubeconfig_secret "$STACK"
rc=0
node "$root/bin/ocdp.js" drift --stack "$STACK" > "$tmp/drift.txt" 2> "$tmp/drift.err" || rc=$?
cat "$tmp/drift.txt"
if [ "$rc" != 0 ] && [ "$rc" != 6 ]; then cat "$tmp/drift.err" >&2; exit 1; fi
{
  echo "<!-- ocdp-drift:$STACK -->"
  if [ "$rc" = 6 ]; then
    echo "The cluster of stack \`$STACK\` differs from the stack (found by \`ocdp drift\`, a refresh preview that changes nothing):"
    echo
    echo '```'
    cat "$tmp/drift.txt"
    echo '```'
    echo
    echo "To restore the stack's objects, an admin runs the **deploy** workflow by hand with stack \`$STACK\` (\`pulumi up\`). To keep a change made on the cluster, make it in the stack instead, through a pull request."
  else
    echo "No drift on stack \`$STACK\`."
  fi
  if [ -n "${RUN_URL:-}" ]; then echo; echo "[The run]($RUN_URL)"; fi
} > "$out/drift-$STACK.md"
if [ "$rc" = 6 ]; then say "drifted=1"; else say "drifted=0"; fi
