"use strict";
/**
 * Stand-ins for `docker`, `kind` and `kubectl`, as much as doctor, up, down and e2e's diagnostics ask
 * of them. Called as `node tools.js <docker|kind|kubectl> <args…>`; state in <dir>/state next to the
 * fake pulumi's:
 *   config.json           docker: "up" | "down" | "denied" | "hang", dockerVersion, cgroupVersion,
 *                         rootDir, kindVersion ("broken" = `kind version` fails; FAKE_KIND_VERSION
 *                         in the environment wins: the stand-in release binary says its own version),
 *                         kubeconfig (what `kind get kubeconfig` prints for an existing cluster,
 *                         instead of a marker)
 *   clusters/<name>       a kind cluster that exists: {"network"} its node containers sit on
 *   networks/<name>.json  a Docker network that exists: its subnet, gateway and labels
 *   containers/<name>.json a Docker container that exists: its labels
 *   swarm.json            the daemon's swarm mode: {"NodeID", "LocalNodeState", "ControlAvailable", "labels"}
 *                         (absent: inactive); `swarm leave --force` removes it
 *   config.json cluster   what kubectl reports of every cluster: { pods, jobs } as `-o json` items
 *   calls.jsonl           every call: tool and argv
 * A cluster's nodes are <name>-control-plane, <name>-worker and <name>-worker2.
 * Messages copy Docker 28's and kind v0.27's.
 */
const fs = require("node:fs");
const path = require("node:path");

const stateDir = path.join(__dirname, "..", "state");
const config = fs.existsSync(path.join(stateDir, "config.json")) ? JSON.parse(fs.readFileSync(path.join(stateDir, "config.json"), "utf8")) : {};
const [tool, ...argv] = process.argv.slice(2);
fs.mkdirSync(stateDir, { recursive: true });
fs.appendFileSync(path.join(stateDir, "calls.jsonl"), JSON.stringify({ tool, argv }) + "\n");

function exit(code, stdout = "", stderr = "") {
  process.stdout.write(stdout);
  process.stderr.write(stderr);
  process.exit(code);
}
const dir = (name) => path.join(stateDir, name);
const list = (name) => (fs.existsSync(dir(name)) ? fs.readdirSync(dir(name)) : []);

function docker() {
  const socket = "unix:///var/run/docker.sock";
  const swarmFile = path.join(stateDir, "swarm.json");
  const swarm = fs.existsSync(swarmFile) ? JSON.parse(fs.readFileSync(swarmFile, "utf8")) : { NodeID: "", LocalNodeState: "inactive", ControlAvailable: false };
  if (argv[0] === "info" && argv[1] === "--format" && argv[2] === "{{json .Swarm}}") {
    const { labels: _labels, ...info } = swarm;
    return exit(0, JSON.stringify(info) + "\n");
  }
  if (argv[0] === "node" && argv[1] === "inspect" && argv[3] === "--format" && argv[4] === "{{json .Spec.Labels}}") {
    if (swarm.LocalNodeState !== "active" || argv[2] !== swarm.NodeID) exit(1, "", `Error response from daemon: This node is not a swarm manager.\n`);
    return exit(0, JSON.stringify(swarm.labels ?? {}) + "\n");
  }
  if (argv[0] === "swarm" && argv[1] === "leave" && argv[2] === "--force") {
    if (swarm.LocalNodeState !== "active") exit(1, "", "Error response from daemon: This node is not part of a swarm\n");
    fs.rmSync(swarmFile);
    return exit(0, "Node left the swarm.\n");
  }
  if (argv[0] === "info") {
    const mode = config.docker ?? "up";
    if (mode === "down") exit(1, "", `Cannot connect to the Docker daemon at ${socket}. Is the docker daemon running?\n`);
    if (mode === "denied") {
      exit(1, "", `permission denied while trying to connect to the Docker daemon socket at ${socket}: Get "http://%2Fvar%2Frun%2Fdocker.sock/v1.50/info": dial unix /var/run/docker.sock: connect: permission denied\n`);
    }
    if (mode === "hang") return setTimeout(() => exit(0), 60_000);
    return exit(0, JSON.stringify({ ServerVersion: config.dockerVersion ?? "28.2.2", CgroupVersion: config.cgroupVersion ?? "2", DockerRootDir: config.rootDir ?? "/var/lib/docker" }) + "\n");
  }
  if (argv[0] === "network" && argv[1] === "ls") {
    if (!argv.includes("{{.Name}}")) exit(2, "", `fake docker: unsupported: ${argv.join(" ")}\n`);
    return exit(0, ["bridge", "host", "none", ...list("networks").map((f) => f.replace(/\.json$/, ""))].map((n) => `${n}\n`).join(""));
  }
  if (argv[0] === "network" && argv[1] === "inspect" && !argv.includes("--format")) {
    const builtin = { bridge: { subnet: "172.17.0.0/16" }, host: {}, none: {} };
    const out = argv.slice(2).map((name) => {
      const file = path.join(dir("networks"), `${name}.json`);
      const n = builtin[name] ?? (fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, "utf8")) : undefined);
      if (!n) exit(1, "[]\n", `Error response from daemon: network ${name} not found\n`);
      return { Name: name, IPAM: { Config: n.subnet ? [{ Subnet: n.subnet, Gateway: n.gateway }] : [] }, Labels: n.labels ?? {} };
    });
    return exit(0, JSON.stringify(out, null, 4) + "\n");
  }
  if (argv[0] === "ps" && argv[1] === "-a" && argv[2] === "--format") {
    const want = '{{.Names}}\t{{.Label "io.x-k8s.kind.cluster"}}\t{{.Networks}}\t{{.Label "io.cnilab.project"}}\t{{.Label "io.cnilab.stack"}}';
    if (argv[3] !== want) exit(2, "", `fake docker: unsupported: ${argv.join(" ")}\n`);
    // A kind cluster's node containers sit on its network; a container file carries its labels.
    const nodes = list("clusters").flatMap((c) => {
      const text = fs.readFileSync(path.join(dir("clusters"), c), "utf8");
      return nodesOf(c).map((node) => `${node}\t${c}\t${text ? JSON.parse(text).network : ""}\t\t\n`);
    });
    const others = list("containers").map((f) => {
      const labels = JSON.parse(fs.readFileSync(path.join(dir("containers"), f), "utf8")).labels ?? {};
      return `${f.replace(/\.json$/, "")}\t\t\t${labels["io.cnilab.project"] ?? ""}\t${labels["io.cnilab.stack"] ?? ""}\n`;
    });
    return exit(0, [...nodes, ...others].join(""));
  }
  if (argv[0] === "network" && argv[1] === "inspect") {
    const file = path.join(dir("networks"), `${argv[2]}.json`);
    if (!fs.existsSync(file)) exit(1, "", `Error: No such network: ${argv[2]}\n`);
    const network = JSON.parse(fs.readFileSync(file, "utf8"));
    if (!argv.includes("{{json .IPAM.Config}}")) exit(2, "", `fake docker: unsupported: ${argv.join(" ")}\n`);
    return exit(0, JSON.stringify([{ Subnet: network.subnet, Gateway: network.gateway }]) + "\n");
  }
  if (argv[0] === "network" && argv[1] === "rm") {
    const file = path.join(dir("networks"), `${argv[2]}.json`);
    if (!fs.existsSync(file)) exit(1, "", `Error response from daemon: network ${argv[2]} not found\n`);
    fs.rmSync(file);
    return exit(0, `${argv[2]}\n`);
  }
  if (argv[0] === "container" && argv[1] === "inspect") {
    const file = path.join(dir("containers"), `${argv[2]}.json`);
    if (!fs.existsSync(file)) exit(1, "", `Error: No such container: ${argv[2]}\n`);
    if (!argv.includes("{{json .Config.Labels}}")) exit(2, "", `fake docker: unsupported: ${argv.join(" ")}\n`);
    return exit(0, JSON.stringify(JSON.parse(fs.readFileSync(file, "utf8")).labels) + "\n");
  }
  if (argv[0] === "rm" && argv[1] === "-f") {
    const file = path.join(dir("containers"), `${argv[2]}.json`);
    if (!fs.existsSync(file)) exit(1, "", `Error response from daemon: No such container: ${argv[2]}\n`);
    fs.rmSync(file);
    return exit(0, `${argv[2]}\n`);
  }
  if (argv[0] === "exec") {
    const [node, ...command] = argv.slice(1);
    if (!list("clusters").some((c) => nodesOf(c).includes(node))) exit(1, "", `Error response from daemon: No such container: ${node}\n`);
    if (command.join(" ") === "ip route") return exit(0, `default via 172.30.2.1 dev eth0\n10.244.1.0/24 via 172.30.2.3 dev eth0\n`);
    if (command.join(" ") === "ip -d link") return exit(0, `1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536\n2: flannel.1: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1450\n    vxlan id 1 dstport 8472\n`);
    return exit(127, "", `OCI runtime exec failed: exec: "${command[0]}": executable file not found in $PATH\n`);
  }
  exit(2, "", `fake docker: unsupported: ${argv.join(" ")}\n`);
}

const nodesOf = (cluster) => [`${cluster}-control-plane`, `${cluster}-worker`, `${cluster}-worker2`];
const flag = (name) => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : undefined);
const KUBECONFIG_MARK = "# fake kind kubeconfig of ";

function kubectl() {
  const file = flag("--kubeconfig");
  const kubeconfig = file && fs.existsSync(file) ? fs.readFileSync(file, "utf8") : "";
  const cluster = kubeconfig.startsWith(KUBECONFIG_MARK) ? kubeconfig.split("\n")[0].slice(KUBECONFIG_MARK.length) : undefined;
  if (!cluster || !list("clusters").includes(cluster)) exit(1, "", `The connection to the server 127.0.0.1:6443 was refused - did you specify the right host or port?\n`);
  const words = argv.filter((a, i) => !a.startsWith("-") && !(argv[i - 1] ?? "").match(/^(--kubeconfig|-n|-o)$/));
  const state = config.cluster ?? {};
  const items = (kind) => state[kind] ?? [];
  const [verb, kind, name] = words;
  if (verb === "get" && argv.includes("json")) return exit(0, JSON.stringify({ apiVersion: "v1", kind: "List", items: items(kind) }) + "\n");
  if (verb === "get" && kind === "events") return exit(0, "NAMESPACE     LAST SEEN   TYPE      REASON    OBJECT                 MESSAGE\nkube-system   1m          Warning   BackOff   pod/cnilab-cni-ready   Back-off restarting failed container\n");
  if (verb === "get") return exit(0, `NAME  STATUS\n${items(kind).map((o) => o.metadata.name).join("\n")}\n`);
  const named = items(kind === "job" ? "jobs" : "pods").find((o) => o.metadata.name === name);
  if (verb === "describe") return named ? exit(0, `Name:         ${name}\nNamespace:    ${named.metadata.namespace}\n`) : exit(1, "", `Error from server (NotFound): ${kind}s "${name}" not found\n`);
  if (verb === "logs") return exit(0, `[pod/${(kind ?? "").replace(/^job\//, "")}/wait] cnilab: NOT READY: the flannel DaemonSet\n`);
  exit(2, "", `fake kubectl: unsupported: ${argv.join(" ")}\n`);
}

function kind() {
  if (argv[0] === "version") {
    // The stand-in release binary `setup` installs says its own pinned version (test/cli/fakes/tool-server.ts).
    const version = process.env.FAKE_KIND_VERSION ?? config.kindVersion ?? "0.30.0";
    if (version === "broken") exit(1, "", "kind: cannot execute binary file\n");
    return exit(0, `kind v${version} go1.24.6 linux/amd64\n`);
  }
  if (argv[0] === "get" && argv[1] === "clusters") {
    const clusters = list("clusters");
    return clusters.length === 0 ? exit(0, "", "No kind clusters found.\n") : exit(0, clusters.join("\n") + "\n");
  }
  if (argv[0] === "delete" && argv[1] === "cluster") {
    const name = argv[argv.indexOf("--name") + 1];
    fs.rmSync(path.join(dir("clusters"), name), { force: true });
    // kind exits 0 whether or not the cluster existed.
    return exit(0, "", `Deleting cluster "${name}" ...\n`);
  }
  const name = flag("--name") ?? "kind";
  const exists = list("clusters").includes(name);
  if (argv[0] === "get" && argv[1] === "nodes") return exists ? exit(0, nodesOf(name).join("\n") + "\n") : exit(0, "", `No kind nodes found for cluster "${name}".\n`);
  if (argv[0] === "get" && argv[1] === "kubeconfig") {
    if (!exists) exit(1, "", `ERROR: could not locate any control plane nodes for cluster named '${name}'. Use the --name option to select a different cluster\n`);
    // config.kubeconfig: a real one (an API stand-in on loopback) for tests that read the cluster with a client.
    return exit(0, config.kubeconfig ?? `${KUBECONFIG_MARK}${name}\napiVersion: v1\nkind: Config\n`);
  }
  if (argv[0] === "export" && argv[1] === "logs") {
    if (!exists) exit(1, "", `ERROR: unknown cluster "${name}"\n`);
    for (const node of nodesOf(name)) {
      fs.mkdirSync(path.join(argv[2], node), { recursive: true });
      fs.writeFileSync(path.join(argv[2], node, "journal.log"), "-- fake journal --\n");
    }
    return exit(0, `${argv[2]}\n`, "Exporting logs for cluster \"" + name + "\" to:\n");
  }
  exit(2, "", `fake kind: unsupported: ${argv.join(" ")}\n`);
}

if (tool === "docker") docker();
else if (tool === "kubectl") kubectl();
else kind();
