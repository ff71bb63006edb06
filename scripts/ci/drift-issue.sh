#!/usr/bin/env bash
# drift.yml's last step: one issue per stack, titled "Drift on stack <stack>" and labelled ocdp-drift:
# opened (or its body updated) while the stack drifts, closed with a comment when drift is gone. With `gh`.
#   STACK, DRIFTED (1|0|skip), GITHUB_REPOSITORY, GH_TOKEN, OUT_DIR (default drift-out)
set -euo pipefail
out=${OUT_DIR:-drift-out}
title="Drift on stack $STACK"
[ "$DRIFTED" = skip ] && exit 0
number=$(gh issue list --repo "$GITHUB_REPOSITORY" --state open --label ocdp-drift --search "\"$title\" in:title" --json number,title \
  --jq "map(select(.title == \"$title\")) | .[0].number // empty")
if [ "$DRIFTED" = 1 ]; then
  if [ -n "$number" ]; then
    gh issue edit "$number" --repo "$GITHUB_REPOSITORY" --body-file "$out/drift-$STACK.md" > /dev/null
    echo "stack $STACK: drift issue #$number updated"
  else
    gh label create ocdp-drift --repo "$GITHUB_REPOSITORY" --description "the cluster differs from the stack" --force > /dev/null
    gh issue create --repo "$GITHUB_REPOSITORY" --title "$title" --label ocdp-drift --body-file "$out/drift-$STACK.md"
  fi
elif [ -n "$number" ]; then
  gh issue close "$number" --repo "$GITHUB_REPOSITORY" --comment "No drift any more: $(tail -n 1 "$out/drift-$STACK.md")" > /dev/null
  echo "stack $STACK: drift issue #$number closed"
fi
