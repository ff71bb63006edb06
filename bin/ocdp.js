#!/usr/bin/env node
// Thin shim: the CLI lives in dist/ (npm run build).
require("../dist/src/cli/main.js").main(process.argv.slice(2));
