#!/usr/bin/env node
'use strict';
// Entry point for `npx dragon-desk`. Plain CommonJS so it runs on any Node >= 20 without a build:
// tsx's CommonJS hook compiles the TypeScript sources on the fly (cached between runs).
const path = require('node:path');

// Compile with the repo's tsconfig whatever the working directory is.
if (!process.env.TSX_TSCONFIG_PATH) process.env.TSX_TSCONFIG_PATH = path.join(__dirname, '..', 'tsconfig.json');
require('tsx/cjs/api').register();
const { main } = require(path.join(__dirname, '..', 'src', 'cli', 'dragon-desk.ts'));

// A reader that goes away early (`| head`) is not an error.
process.stdout.on('error', (err) => {
  if (err && err.code === 'EPIPE') process.exit(0);
  throw err;
});

main(process.argv.slice(2), { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr }).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    process.stderr.write(`dragon-desk: ${err && err.stack ? err.stack : String(err)}\n`);
    process.exitCode = 1;
  },
);
