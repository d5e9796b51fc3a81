/**
 * Entry point of the bundled probe (probe/bundle.ts): `node probe.js --plan plan.json`, or
 * `node probe.js resolve --request request.json` (probe/resolve.ts). Node builtins only, so the
 * bundle runs from a ConfigMap in a stock Node image.
 */
import { runProbeCommand } from "./command";
import { runResolveCommand } from "./resolve-command";

// dns.lookup runs getaddrinfo on libuv's thread pool (4 threads by default): with a slow resolver,
// four stuck lookups would starve every other probe past its timeout. 128 lets that many lookups
// wait side by side; libuv reads the variable when the pool first starts, which is after this line.
process.env.UV_THREADPOOL_SIZE ??= "128";

const argv = process.argv.slice(2);
const io = { stdout: (text: string) => process.stdout.write(text), stderr: (text: string) => process.stderr.write(text), cwd: process.cwd() };
(argv[0] === "resolve" ? runResolveCommand(argv.slice(1), io) : runProbeCommand(argv, io)).then(
  // Exit at once: a lookup still blocked in getaddrinfo would otherwise hold the process open.
  // stdout to a pipe or file is synchronous on Linux, so every line is out before exit.
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`probe: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
    process.exit(1);
  },
);
