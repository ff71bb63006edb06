#!/bin/sh
# The Helm post-renderer the program gives each Chart: post-render.sh STAGE NODE OCDP_JS.
# `ocdp post-render --stage STAGE` behind a shell front: the provider starts one post-renderer per Chart
# at every preview and up, and a Node start costs ~0.15 CPU-s on a small runner, while nearly every call
# is a hit in the render cache (`ocdp render`, or the last run, wrote it). The front finds the entry as
# the Node side names it (offline/cache.ts postRenderKey: `<stage key>-<sha256 of Helm's output without
# its trailing newlines, plus one>`) and prints it; anything else (no entry, no cache, no sha256 tool)
# goes to Node, which renders, prints and writes the entry.
# Every process a post-renderer starts is paid once per Chart per run, so a hit starts three: the `cat`
# of stdin, the sum, the `cat` of the entry (reads, the test and the expansions are built in; measured,
# each other process here costs ~5 ms).
set -u
stage=$1 node=$2 ocdp=$3
input=$(cat) || exit 1 # drops trailing newlines, as the key does

if command -v sha256sum >/dev/null 2>&1; then
  SUM=sha256sum
elif command -v shasum >/dev/null 2>&1; then
  SUM="shasum -a 256"
else
  SUM=
fi

# The stage's key and cache, each on one line (a stage written before they ended in a newline reads too).
key= cache=
if [ -n "$SUM" ] && { read -r key < "$stage/stage-key" || [ -n "$key" ]; } \
  && { read -r cache < "$stage/cache-dir" || [ -n "$cache" ]; } \
  && in=$($SUM <<END
$input
END
); then
  entry=$cache/render/${key%"${key#??}"}/$key-${in%% *}.yaml
  if [ -f "$entry" ]; then exec cat "$entry"; fi
fi
printf '%s\n' "$input" | exec "$node" "$ocdp" post-render --stage "$stage"
