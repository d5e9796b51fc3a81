import { describe, expect, it } from "vitest";
import { parsePlanText, validatePlan } from "../../probe/plan";

const good = { id: "a", to: "10.0.0.1", port: 80, protocol: "tcp", timeoutMs: 1000, attempts: 1 };

describe("validatePlan", () => {
  it("accepts IPs, DNS names, every protocol and an expect that names an outcome", () => {
    const check = validatePlan({
      concurrency: 8,
      probes: [
        good,
        { ...good, id: "b", to: "fd00::1", protocol: "udp" },
        { ...good, id: "c", to: "backend.lab.svc.cluster.local.", protocol: "http", expect: "timeout" },
      ],
    });
    expect(check).toEqual({
      ok: true,
      plan: {
        concurrency: 8,
        probes: [
          good,
          { ...good, id: "b", to: "fd00::1", protocol: "udp" },
          { ...good, id: "c", to: "backend.lab.svc.cluster.local.", protocol: "http", expect: "timeout" },
        ],
      },
    });
  });

  it("lists every problem with the probe index and field", () => {
    const check = validatePlan({
      concurrency: 0,
      extra: true,
      probes: [good, { ...good, port: 70000, protocol: "sctp", attempts: 0, expect: "blocked", color: "red" }, { ...good, to: "not a name" }, "x"],
    });
    expect(check).toEqual({
      ok: false,
      problems: [
        "plan.extra: unknown field (allowed: concurrency, retryDelayMs, probes)",
        "plan.concurrency: must be an integer 1..1024, got 0",
        "probes[1].color: unknown field (allowed: id, to, endpoint, port, protocol, timeoutMs, attempts, expect, within, content)",
        "probes[1].port: must be an integer 1..65535, got 70000",
        "probes[1].protocol: must be one of tcp, udp, http, file, got \"sctp\"",
        "probes[1].attempts: must be an integer 1..100, got 0",
        "probes[1].expect: must be one of connected, refused, timeout, dns-error, no-route, in-use, found, missing, error when given, got \"blocked\"",
        "probes[2].to: must be an IPv4/IPv6 address or a DNS name, got \"not a name\"",
        "probes[3]: must be an object, got \"x\"",
      ],
    });
  });

  it("rejects duplicate ids and ids the log reader could not find again", () => {
    const check = validatePlan({ probes: [good, { ...good }, { ...good, id: 'say "hi"' }] });
    expect(check.ok).toBe(false);
    expect(!check.ok && check.problems).toEqual([
      'probes[1].id: "a" is already the id of probes[0]; ids must be unique',
      'probes[2].id: must be a non-empty string without spaces, quotes or backslashes, got "say \\"hi\\""',
    ]);
  });

  it("names the file when the text is not JSON, and requires probes", () => {
    const check = parsePlanText("{ probes: [", "/x/plan.json");
    expect(!check.ok && check.problems[0]).toMatch(/^\/x\/plan\.json: not valid JSON \(/);
    expect(validatePlan({})).toEqual({ ok: false, problems: ["plan.probes: must be an array of probes, got nothing"] });
  });

  it("takes a Service endpoint instead of an address, and exactly one of the two", () => {
    const { to: _to, ...noTo } = good;
    const endpoint = { ...noTo, id: "e", endpoint: { service: "default/nginx", index: 1 } };
    expect(validatePlan({ probes: [endpoint] })).toEqual({ ok: true, plan: { probes: [endpoint] } });
    const check = validatePlan({
      probes: [
        { ...endpoint, id: "both", to: "10.0.0.1" },
        { ...noTo, id: "neither" },
        { ...noTo, id: "bad", endpoint: { service: "nginx", index: -1, port: 80 } },
      ],
    });
    expect(!check.ok && check.problems).toEqual([
      'probes[0]: needs exactly one of "to" (an address or DNS name) and "endpoint" ({ service, index }), got both',
      'probes[1]: needs exactly one of "to" (an address or DNS name) and "endpoint" ({ service, index }), got neither',
      "probes[2].endpoint.port: unknown field (allowed: service, index)",
      'probes[2].endpoint.service: must be "namespace/name" (DNS-1123 labels), got "nginx"',
      "probes[2].endpoint.index: must be an integer 0..1023, got -1",
    ]);
  });
});
