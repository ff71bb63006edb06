#!/usr/bin/env bash
# gate.yml's preview job: `pulumi preview --diff` of one stack against its real cluster, for a pull
# request. It runs the base branch's code (this script, ocdp, the program, charts and presets as they
# are on the base branch); the pull request supplies only the stack file, fetched with git as data and
# read by the strict loader, which the program checks Pulumi read alike. A pull request that changes
# anything but stack files is previewed after merge instead: its charts and presets are not run with
# the cluster's credentials before review.
#   STACK, BASE_REF, PR_HEAD (default pr/head), KUBECONFIG_DATA (the stack's kubeconfig, a secret),
#   PULUMI_BACKEND_URL and PULUMI_CONFIG_PASSPHRASE (secrets)
set -euo pipefail
head=${PR_HEAD:-pr/head}
base=$(git merge-base "origin/$BASE_REF" "$head")
say() { echo "$1"; if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then echo "$1" >> "$GITHUB_STEP_SUMMARY"; fi; }
if [ -z "${KUBECONFIG_DATA:-}" ]; then say "stack $STACK: no KUBECONFIG_${STACK^^} secret, no cluster preview"; exit 0; fi
others=$(git diff --name-only "$base" "$head" | grep -v -E '^stacks/Pulumi\.[A-Za-z0-9_.-]+\.yaml$' || true)
if [ -n "$others" ]; then say "stack $STACK: the pull request changes more than stack files; the cluster preview runs after merge"; exit 0; fi
file="stacks/Pulumi.$STACK.yaml"
if git diff --quiet "$base" "$head" -- "$file"; then say "stack $STACK: unchanged by the pull request"; exit 0; fi
mode=$(git ls-tree "$head" -- "$file" | cut -d' ' -f1)
if [ -z "$mode" ]; then say "stack $STACK: removed by the pull request; nothing to preview"; exit 0; fi
if [ "$mode" != 100644 ]; then echo "stack $STACK: $file is not a regular file at the pull request's head (mode $mode)" >&2; exit 1; fi
git cat-file blob "$head:$file" > "$file"

# A private temporary folder, removed on every path: the provider writes the cluster's kubeconfig into
# $TMPDIR (kubeconfig<digits>, one per run) and never removes it.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export TMPDIR="$tmp" PATH="$PWD/.tools/bin:$PATH" PULUMI_HOME="$tmp/pulumi-home" PULUMI_SKIP_UPDATE_CHECK=true
pulumi plugin install resource kubernetes v4.25.0 --file .tools/bin/pulumi-resource-kubernetes --non-interactive
pulumi stack select --create "$STACK" --non-interactive
# On stdin, never on a command line that `ps` shows; then out of the environment of what runs next.
printf '%s' "$KUBECONFIG_DATA" | pulumi config set --secret ocdp:kubeconfig --stack "$STACK" --non-interactive
unset KUBECONFIG_DATA
pulumi preview --diff --stack "$STACK" --non-interactive
