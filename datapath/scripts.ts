/**
 * Two tiny Node programs run inside the lab's namespaces (as files, `node <file> args…`), with Node
 * builtins only and a bounded lifetime each.
 */

/**
 * Listener: `node listener.js <name> <port> <lifetimeMs>`. Answers every TCP connection with its
 * name and a newline, then closes; prints "listening" once bound; exits by itself after lifetimeMs
 * so a crashed lab run never leaves it behind for long.
 */
export const LISTENER_JS = `
const net = require("node:net");
const [name, port, lifetimeMs] = process.argv.slice(2);
const server = net.createServer((socket) => {
  socket.on("error", () => {});
  socket.end(name + "\\n");
});
server.listen(Number(port), "0.0.0.0", () => process.stdout.write("listening\\n"));
setTimeout(() => process.exit(0), Number(lifetimeMs));
`;

/**
 * Sampler: `node sampler.js <ip> <port> <count> <timeoutMs>`. Opens count connections one after the
 * other, reads the first line each listener sends, prints one JSON object {"replies": {name: n},
 * "failures": n} — which endpoints the ClusterIP's DNAT picked.
 */
export const SAMPLER_JS = `
const net = require("node:net");
const [ip, port, count, timeoutMs] = process.argv.slice(2);
function once() {
  return new Promise((resolve) => {
    const socket = net.connect({ host: ip, port: Number(port) });
    let data = "";
    const finish = (name) => { socket.destroy(); resolve(name); };
    socket.setTimeout(Number(timeoutMs), () => finish(null));
    socket.on("data", (d) => { data += d; if (data.includes("\\n")) finish(data.split("\\n")[0]); });
    socket.on("end", () => finish(data.length > 0 ? data.trim() : null));
    socket.on("error", () => finish(null));
  });
}
(async () => {
  const replies = {};
  let failures = 0;
  for (let i = 0; i < Number(count); i++) {
    const name = await once();
    if (name === null) failures++;
    else replies[name] = (replies[name] || 0) + 1;
  }
  process.stdout.write(JSON.stringify({ replies, failures }) + "\\n");
})();
`;
