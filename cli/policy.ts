/**
 * `cnilab policy matrix`: the reachability engine over Kubernetes objects in files. A stable
 * interface other tools script against: the json shape and the exit codes are part of it.
 */
import { exitCode } from "./exit";
import { parseCommandArgs } from "./args";
import {
  evaluatePolicies,
  formatQuery,
  INPUT_LIMITS,
  matrixJson,
  NAMESPACE_NAME_LABEL,
  PolicyInputError,
  portNameProblem,
  PROTOCOLS,
  renderTruthTables,
  type PodInput,
  type PolicyMatrix,
  type PortQuery,
  type Protocol,
} from "../policy";
import { UsageError, type Command, type Io } from "./command";
import { didYouMean } from "../labs/errors";
import { loadPolicyInput } from "./policy-input";

const OUTPUTS = ["table", "json"] as const;
type Output = (typeof OUTPUTS)[number];

const HELP = `Usage: cnilab policy matrix -f FILE [-f FILE…] [--port PORT[/PROTOCOL] …] [--output table|json] [--reasons]

Predicts, for every pair of pods and every port, whether a connection is allowed by the
NetworkPolicies in the files, and why, with the full networking.k8s.io/v1 semantics: what a
dataplane that enforces all of NetworkPolicy does (flannel, for one, enforces none of it).

Input
  -f, --file FILE       YAML or JSON with Kubernetes objects; repeatable. Multi-document YAML and
                        \`kind: List\` (what \`kubectl get ns,pods,networkpolicies -A -o yaml\` prints)
                        are read. Namespace, Pod and NetworkPolicy are used; other kinds are ignored
                        with a note on stderr. A pod contributes its labels, its container ports
                        (named ports resolve against the destination pod's) and status.podIP (ipBlock
                        peers never match a pod whose IP is not given). NetworkPolicy fields are
                        checked strictly, as the API server does: an unknown field is an error. An
                        object given twice (same kind, namespace and name) is an error naming both.
                        A namespace that pods live in but no file describes is taken as labelled only
                        ${NAMESPACE_NAME_LABEL}=<name> (noted on stderr); that label is added to
                        every namespace, as the API server does. No metadata.namespace means "default".
                        Named ports of native sidecars (initContainers with restartPolicy: Always)
                        count as the pod's ports. A cnilab lab file (labs/*.yaml) is read as its plan
                        sees it: its namespaces, one pod per workload and per client, and the
                        policies of every scenario.
                        Bounds, checked before parsing: a JSON file up to ${INPUT_LIMITS.jsonBytes / 2 ** 20} MiB, a YAML file
                        up to ${INPUT_LIMITS.yamlBytes / 2 ** 20} MiB (YAML takes tens of times its size to parse: give large
                        inputs as JSON, kubectl … -o json), ${INPUT_LIMITS.pods.toLocaleString("en")} pods in all files together.

Options
  -p, --port PORT[/PROTOCOL]
                        A port to evaluate; repeatable. PORT is a number or a container port name,
                        resolved on each destination (a destination that does not declare the name is
                        shown as - and left out of json). PROTOCOL: TCP (default), UDP or SCTP.
                        Default: every port/protocol that some pod declares.
  -o, --output table|json
                        table (default): one truth table per port, rows = sources, columns =
                        destinations, \`.\` allowed, \`X\` denied (like upstream e2e).
                        json: {"results":[{"from":"ns/pod","to":"ns/pod","port":80,"protocol":"TCP",
                        "allowed":true,"loopback":false}, …]}, one result per line, ordered by port,
                        source, destination; port is the number connected to, also for a named port.
      --reasons         json: give every result its "reason" (after "allowed"): which policy and rule
                        allows or denies it. Off by default: at 1,000 pods a reason per row is most of
                        the output (hundreds of MB) and of the time.
  -h, --help            This text.

Traffic from a pod to itself is evaluated like any other pair and marked loopback: upstream e2e
does not judge it, because CNIs differ on it.

Exit status: 0 the matrix was printed; 2 bad usage, an unreadable or too large file, too many
pods, or a malformed object (the message names the file, the object and the field).

Examples
  kubectl get ns,pods,networkpolicies -A -o yaml > cluster.yaml
  cnilab policy matrix -f cluster.yaml --port 80 --port serve-81-udp/UDP

  80/TCP  (rows: from, columns: to; . allowed, X denied)
  -   x/a x/b y/a
  x/a X   .   .
  x/b .   .   .
  y/a X   .   .

  cnilab policy matrix -f pods.yaml -f policies.yaml -o json --reasons | jq -r '.results[] | select(.allowed | not) | .reason'
  denied: x/a is selected by ingress policy allow-x-b, whose rules allow no peer matching y/a
`;

export const policyCommand: Command = {
  name: "policy",
  summary: "NetworkPolicy reachability from manifests: who can reach whom, and why (policy matrix)",
  help: HELP,
  run: runPolicy,
};

async function runPolicy(argv: string[], io: Io): Promise<number> {
  const { values, positionals } = parseCommandArgs({
    args: argv,
    options: {
      file: { type: "string", short: "f", multiple: true },
      port: { type: "string", short: "p", multiple: true },
      output: { type: "string", short: "o", default: "table" },
      reasons: { type: "boolean", default: false },
    },
    allowPositionals: true,
    strict: true,
  });
  const [sub, ...extra] = positionals;
  if (sub !== "matrix") throw new UsageError(sub === undefined ? "missing subcommand: matrix" : `unknown subcommand '${sub}'${didYouMean(sub, ["matrix"])}; subcommands: matrix`);
  if (extra.length > 0) throw new UsageError(`unexpected argument '${extra[0]}' (files go after -f)`);
  const files = values.file ?? [];
  if (files.length === 0) throw new UsageError("give at least one -f FILE with Namespace, Pod and NetworkPolicy objects");
  const output = values.output as Output;
  if (!OUTPUTS.includes(output)) throw new UsageError(`--output '${values.output}' is not one of ${OUTPUTS.join(", ")}`);
  if (values.reasons && output !== "json") throw new UsageError("--reasons is for --output json (the table marks each cell . or X)");
  const explicitPorts = (values.port ?? []).map(parsePortArg);

  const loaded = await loadPolicyInput(files, io);
  for (const note of loaded.notes) io.stderr(`cnilab policy matrix: note: ${note}\n`);
  if (loaded.problems.length > 0) return fail(io, loaded.problems);

  const pods = [...loaded.pods].sort((a, b) => a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name));
  const ports = explicitPorts.length > 0 ? explicitPorts : declaredPorts(pods);
  if (ports.length === 0) return fail(io, ["no pod declares a container port; give the ports to evaluate with --port (e.g. --port 80/TCP)"]);

  let matrix: PolicyMatrix;
  try {
    matrix = evaluatePolicies({ namespaces: loaded.namespaces, pods, policies: loaded.policies }, ports);
  } catch (err) {
    if (err instanceof PolicyInputError) return fail(io, [err.message]);
    throw err;
  }
  for (const ns of matrix.impliedNamespaces) {
    io.stderr(`cnilab policy matrix: note: namespace ${ns} has pods but no Namespace object; taking it as labelled only ${NAMESPACE_NAME_LABEL}=${ns}\n`);
  }
  noteMissingNamedPorts(matrix, io);
  if (output === "table") io.stdout(renderTruthTables(matrix));
  else for (const chunk of matrixJson(matrix, { reasons: values.reasons })) io.stdout(chunk);
  return exitCode("ok");
}

function parsePortArg(text: string): PortQuery {
  const [portText = "", protocolText = "TCP", ...rest] = text.split("/");
  const protocol = protocolText.toUpperCase() as Protocol;
  if (rest.length > 0 || !PROTOCOLS.includes(protocol)) {
    throw new UsageError(`--port '${text}': write PORT or PORT/PROTOCOL with PROTOCOL one of ${PROTOCOLS.join(", ")}`);
  }
  if (/^\d+$/.test(portText)) {
    const n = Number(portText);
    if (n < 1 || n > 65535) throw new UsageError(`--port '${text}': ${n} is not a port number 1..65535`);
    return { port: n, protocol };
  }
  const problem = portNameProblem(portText);
  if (problem) throw new UsageError(`--port '${text}': ${problem}`);
  return { port: portText, protocol };
}

/** Every (number, protocol) some pod declares, by number then protocol. */
function declaredPorts(pods: readonly PodInput[]): PortQuery[] {
  const seen = new Map<string, PortQuery>();
  for (const pod of pods) {
    for (const p of pod.ports ?? []) {
      const protocol = p.protocol ?? "TCP";
      seen.set(`${p.containerPort}/${protocol}`, { port: p.containerPort, protocol });
    }
  }
  return [...seen.values()].sort((a, b) => (a.port as number) - (b.port as number) || PROTOCOLS.indexOf(a.protocol) - PROTOCOLS.indexOf(b.protocol));
}

/** A named port some destinations do not declare: their pairs have nothing to connect to. */
function noteMissingNamedPorts(matrix: PolicyMatrix, io: Io): void {
  matrix.ports.forEach((query, q) => {
    const missing = matrix.pods.filter((_, d) => matrix.port(d, q) === undefined);
    if (missing.length === 0) return;
    const shown = missing.length > 5 ? `${missing.slice(0, 5).join(", ")} and ${missing.length - 5} more` : missing.join(", ");
    io.stderr(`cnilab policy matrix: note: ${formatQuery(query)}: no such port on ${shown}; connections to them are left out\n`);
  });
}

function fail(io: Io, problems: readonly string[]): number {
  io.stderr(`cnilab policy matrix: ${problems.length === 1 ? problems[0] : `invalid input:\n  ${problems.join("\n  ")}`}\n`);
  return exitCode("invalid-input");
}
