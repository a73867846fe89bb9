#!/usr/bin/env node
// Installed entry point: the compiled CLI (npm run build makes dist/).
await import('../dist/cli/main.js');
