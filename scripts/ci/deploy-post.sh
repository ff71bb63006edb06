#!/usr/bin/env bash
# deploy.yml's last step: posts what deploy.sh wrote for one stack: the commit status, and the comment on
# every pull request merged into the commit (GitHub's list of them for the commit). With `gh`.
#   STACK, GITHUB_REPOSITORY, GITHUB_SHA, GH_TOKEN, OUT_DIR (default deploy-out)
set -euo pipefail
out=${OUT_DIR:-deploy-out}
status="$out/status-$STACK.json"
comment="$out/comment-$STACK.md"
if [ ! -s "$status" ]; then echo "stack $STACK: deploy.sh reported nothing (it stopped early; its log says why)" >&2; exit 1; fi
gh api --method POST "repos/$GITHUB_REPOSITORY/statuses/$GITHUB_SHA" --input "$status" > /dev/null
gh api "repos/$GITHUB_REPOSITORY/commits/$GITHUB_SHA/pulls" --jq '.[].number' | while read -r pr; do
  gh api --method POST "repos/$GITHUB_REPOSITORY/issues/$pr/comments" -F "body=@$comment" > /dev/null
  echo "stack $STACK: commented on #$pr"
done
