#!/usr/bin/env node
// Thin shim: the CLI lives in dist/ (npm run build). `post-render --stage DIR` (what Pulumi's Helm
// resource runs, once per Chart) goes straight to its own small module, not through the whole CLI.
const argv = process.argv.slice(2);
if (argv[0] === "post-render" && argv[1] === "--stage" && argv.length === 3) {
  require("../dist/src/offline/stagedClaim.js").postRenderMain(argv[2]).then((code) => { process.exitCode = code; });
} else {
  require("../dist/src/cli/main.js").main(argv);
}
