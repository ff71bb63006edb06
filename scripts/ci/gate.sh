#!/usr/bin/env bash
# The pull-request gate, run by gate.yml from the base branch's code (the pull request is data: its
# commits are fetched and read with git, nothing from them is built or run). Every stack at either end
# is judged with `ocdp authorize`, for every account the pull request's commits came from:
#   PR_AUTHOR    the pull request's author
#   PR_SENDER    the account whose push (or edit) started this run
#   PR_COMMITS   a file of "<sha>\t<author login>\t<committer login>" lines, GitHub's record of each
#                commit (the API's list of the pull request's commits); an empty login (an email no
#                account owns) is refused: the gate cannot tell who made that commit
#   PR_COMMIT_COUNT  how many commits the pull request has; a list that is short of it is refused
#   BASE_REF     the base branch; PR_HEAD the fetched head (default pr/head)
# Exit 0 when every stack allows every account's change, 1 otherwise.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=scripts/ci/stacks.sh
. "$here/stacks.sh"
head=${PR_HEAD:-pr/head}
# What the pull request changes: from where it left the base branch to its head.
base=$(git merge-base "origin/$BASE_REF" "$head")

declare -A judged=()
accounts=()
refused=0
judge() {
  if [ -n "$1" ] && [ -z "${judged[$1]:-}" ]; then judged[$1]=1; accounts+=("--github=$1"); fi
}
judge "${PR_AUTHOR:?PR_AUTHOR is required}"
judge "${PR_SENDER:-}"
if [ -n "${PR_COMMITS:-}" ]; then
  n=0
  while IFS=$'\t' read -r sha author committer; do
    [ -n "$sha" ] || continue
    n=$((n + 1))
    if [ -z "$author" ] || [ -z "$committer" ]; then
      echo "REFUSED  commit ${sha:0:12}: its author or committer is no GitHub account, so the gate cannot tell who made it" >&2
      refused=1
    fi
    judge "$author"
    # web-flow is GitHub itself committing a change made in its web editor; the author is the person.
    if [ "$committer" != "web-flow" ]; then judge "$committer"; fi
  done < "$PR_COMMITS"
  if [ -n "${PR_COMMIT_COUNT:-}" ] && [ "$n" != "$PR_COMMIT_COUNT" ]; then
    echo "REFUSED  the pull request has $PR_COMMIT_COUNT commits and GitHub listed $n (it lists 250 at most): split it" >&2
    refused=1
  fi
fi

stacks_between "$base" "$head"
if [ "${#STACKS[@]}" = 0 ]; then echo "REFUSED  no stack file at either end to judge" >&2; exit 1; fi
for stack in "${STACKS[@]}"; do
  rc=0
  # --opt=value: a stack named "--help" is a stack name, never an option.
  node "$here/../../bin/ocdp.js" authorize --stack="$stack" --base="$base" --head="$head" "${accounts[@]}" || rc=$?
  if [ "$rc" != 0 ]; then refused=1; fi
done
exit "$refused"
