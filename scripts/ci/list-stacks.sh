#!/usr/bin/env bash
# The stacks at HEAD as a JSON list, for a workflow's matrix: writes stacks=<list> to $GITHUB_OUTPUT.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=scripts/ci/stacks.sh
. "$here/stacks.sh"
stacks_between HEAD HEAD
json=$(json_list ${STACKS[@]+"${STACKS[@]}"})
echo "stacks=$json"
if [ -n "${GITHUB_OUTPUT:-}" ]; then echo "stacks=$json" >> "$GITHUB_OUTPUT"; fi
