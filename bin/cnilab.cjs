#!/usr/bin/env node
// Runs the TypeScript CLI through tsx, so the installed package needs no build step.
require("tsx/cjs");
const { main } = require("../cli/main.ts");
const io = { stdout: (t) => process.stdout.write(t), stderr: (t) => process.stderr.write(t), cwd: process.cwd(), env: process.env };
main(process.argv.slice(2), io).then(
  (code) => process.exit(code),
  (err) => {
    process.stderr.write(`cnilab: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
