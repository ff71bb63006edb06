#!/usr/bin/env bash
# The daily expiry run (.github/workflows/expire.yml): for every stack, the running claims with GPUs past
# their `expires` are stopped in one edit (`ocdp claim stop --expired`), committed on a branch of their
# own and pushed to origin, for an admin to review and merge like any change. Prints the branch and writes
# the pull request's body (who, which claim, how many GPUs, since when) to expire-body.md.
# usage: scripts/ci/expire.sh [--at <RFC 3339 time>]   (from the repository root, on the default branch)
set -euo pipefail
at=()
if [ "${1:-}" = "--at" ]; then at=(--at "$2"); fi
ocdp() { node bin/ocdp.js "$@"; }

mapfile -d '' -t files < <(git ls-files -z -- 'stacks/Pulumi.*.yaml')
body=""
for f in "${files[@]}"; do
  [[ $f =~ ^stacks/Pulumi\.([A-Za-z0-9_.-]+)\.yaml$ ]] || continue
  stack=${BASH_REMATCH[1]}
  list=$(ocdp expired --stack "$stack" "${at[@]}")
  case $list in "stack $stack: no running claim"*) continue ;; esac
  ocdp claim stop --stack "$stack" --expired "${at[@]}"
  body+=$'\n'"### stack \`$stack\`"$'\n\n```\n'"$list"$'\n```\n'
done

if git diff --quiet; then
  echo "nothing expired"
  exit 0
fi
stamp=$(date -u +%Y%m%d-%H%M%S)
branch="ocdp/expire-$stamp"
git switch -q -c "$branch"
git -c user.name="${GIT_AUTHOR_NAME:-ocdp expiry}" -c user.email="${GIT_AUTHOR_EMAIL:-ocdp-expiry@users.noreply.github.com}" \
  commit -q -am "Stop the claims past their expires date ($stamp)"
git push -q origin "$branch"
{
  echo "These running claims with GPUs are past their \`expires\` date: merging this stops them (their"
  echo "pods go, their GPUs return to the workspace; volumes and addresses stay). An owner who still needs"
  echo "one starts it again with \`npx ocdp claim start\`, within the workspace's maxRunning."
  echo "$body"
} > expire-body.md
echo "branch=$branch" >> "${GITHUB_OUTPUT:-/dev/null}"
echo "$branch"
