#!/usr/bin/env node
// Runs the TypeScript CLI through tsx, so the installed package needs no build step.
require("tsx/cjs");
require("../cli/main.ts").runProcessMain();
