/**
 * Every test file starts with a fetch that refuses any host but loopback: the network rule (tests
 * reach only loopback and namespaces they made) holds even for a command that would download a tool.
 */
const realFetch = globalThis.fetch;
const LOOPBACK = new Set(["127.0.0.1", "localhost", "[::1]"]);

globalThis.fetch = (input: string | URL | Request, init?: RequestInit) => {
  const url = new URL(input instanceof Request ? input.url : String(input));
  if (!LOOPBACK.has(url.hostname)) return Promise.reject(new TypeError("fetch failed", { cause: new Error(`tests reach only loopback, not ${url.host}`) }));
  return realFetch(input, init);
};
