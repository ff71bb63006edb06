#!/usr/bin/env bash
# preview.yml's diff job: `ocdp diff` of every stack against the pull request's base, one comment body
# per stack (comments/<stack>.md, the marker on its first line), with the gate's verdicts for the author
# beside it (informational: gate.yml's run from the base branch is the check to require). It runs the
# pull request's own code, so its job holds no secret and a read-only token; another job posts the bodies.
#   BASE_REF, PR_AUTHOR; COMMENTS_DIR (default comments). Writes invalid=0|1 and refused=0|1 to
#   $GITHUB_OUTPUT when set, and exits 0: the job fails after the bodies are handed on.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=scripts/ci/stacks.sh
. "$here/stacks.sh"
ocdp=(node "$here/../../bin/ocdp.js")
base=$(git merge-base "origin/$BASE_REF" HEAD)
out=${COMMENTS_DIR:-comments}
mkdir -p "$out"
stacks_between "$base" HEAD
invalid=0
refused=0
for stack in "${STACKS[@]}"; do
  body="$out/$stack.md"
  # One comment per stack, each bounded by ocdp diff: many stacks never make one huge comment.
  echo "<!-- ocdp-diff:$stack -->" > "$body"
  rc=0
  "${ocdp[@]}" diff --stack="$stack" --base="$base" --head=HEAD --format=markdown >> "$body" 2>> "$out/$stack.err" || rc=$?
  if [ "$rc" = 1 ] || [ "$rc" = 2 ]; then invalid=1; { echo; echo '```'; cat "$out/$stack.err"; echo '```'; } >> "$body"; fi
  rc=0
  "${ocdp[@]}" authorize --stack="$stack" --base="$base" --head=HEAD --github="$PR_AUTHOR" > "$out/$stack.gate" 2>&1 || rc=$?
  verdict=$([ "$rc" = 0 ] && echo allowed || echo refused)
  { echo; echo "<details><summary>gate for @$PR_AUTHOR: $verdict</summary>"; echo; echo '```'; cat "$out/$stack.gate"; echo '```'; echo "</details>"; } >> "$body"
  if [ "$rc" != 0 ]; then refused=1; fi
done
if [ -n "${GITHUB_OUTPUT:-}" ]; then echo "invalid=$invalid" >> "$GITHUB_OUTPUT"; echo "refused=$refused" >> "$GITHUB_OUTPUT"; fi
echo "invalid=$invalid refused=$refused"
