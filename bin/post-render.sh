#!/bin/sh
# The Helm post-renderer the program gives each Chart: post-render.sh STAGE NODE OCDP_JS.
# `ocdp post-render --stage STAGE` behind a shell front: the provider starts one post-renderer per Chart
# at every preview and up, and a Node start costs ~0.15 CPU-s on a small runner, while nearly every call
# is a hit in the render cache (`ocdp render`, or the last run, wrote it). The front takes the cache key
# as the Node side does (offline/cache.ts postRenderKey: sha256 over Helm's output without its trailing
# newlines, then over "post-render\n<stage key>\n<that>") and prints the entry; anything else (no entry,
# no cache, no sha256 tool) goes to Node, which renders, prints and writes the entry.
set -u
stage=$1 node=$2 ocdp=$3
input=$(cat) || exit 1 # drops trailing newlines, as the key does

if command -v sha256sum >/dev/null 2>&1; then
  sum() { sha256sum; }
elif command -v shasum >/dev/null 2>&1; then
  sum() { shasum -a 256; }
else
  sum() { return 1; }
fi

if [ -f "$stage/stage-key" ] && [ -f "$stage/cache-dir" ] \
  && key=$(cat "$stage/stage-key") && cache=$(cat "$stage/cache-dir") \
  && in=$(printf '%s' "$input" | sum) \
  && key=$(printf 'post-render\n%s\n%s' "$key" "${in%% *}" | sum); then
  key=${key%% *}
  entry=$cache/render/$(printf '%.2s' "$key")/$key.yaml
  if [ -f "$entry" ]; then exec cat "$entry"; fi
fi
printf '%s\n' "$input" | exec "$node" "$ocdp" post-render --stage "$stage"
