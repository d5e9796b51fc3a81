"use strict";
/**
 * A stand-in for the `kind` and `docker` CLIs, for the cluster provider's tests.
 * Called as `node fake-cli.js <kind|docker> <args…>` by the wrappers install.ts writes; the state
 * lives in `<bin>/../state` so every call sees what earlier calls did:
 *   state/calls.jsonl        one line per call: tool, argv, KIND_EXPERIMENTAL_DOCKER_NETWORK
 *                            (and, for `kind create`, the config file's content)
 *   state/clusters/<n>.json  a cluster: its network and node containers
 *   state/fail-create        if present, the next `kind create` fails after "Ensuring node image"
 *                            and leaves its node containers behind (then the file is removed)
 *   state/nodes/<node>/      a node's filesystem for `docker exec <node> sh -c <script>`: the script
 *                            runs in the real sh with /etc/containerd/certs.d moved under it
 * Output copies the shape of kind v0.27 and Docker: kind logs progress to stderr, data to stdout.
 */
const fs = require("node:fs");
const path = require("node:path");

const stateDir = path.join(__dirname, "..", "state");
const clustersDir = path.join(stateDir, "clusters");
const [tool, ...argv] = process.argv.slice(2);
const network = process.env.KIND_EXPERIMENTAL_DOCKER_NETWORK;

function flag(name) {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
}
function record(extra) {
  fs.mkdirSync(stateDir, { recursive: true });
  const call = { tool, argv, KIND_EXPERIMENTAL_DOCKER_NETWORK: network ?? null, ...extra };
  fs.appendFileSync(path.join(stateDir, "calls.jsonl"), JSON.stringify(call) + "\n");
}
function clusterFile(name) {
  return path.join(clustersDir, `${name}.json`);
}
function loadCluster(name) {
  return fs.existsSync(clusterFile(name)) ? JSON.parse(fs.readFileSync(clusterFile(name), "utf8")) : undefined;
}
function allClusters() {
  if (!fs.existsSync(clustersDir)) return [];
  return fs.readdirSync(clustersDir).map((f) => JSON.parse(fs.readFileSync(path.join(clustersDir, f), "utf8")));
}
function exit(code, stderr = "", stdout = "") {
  process.stdout.write(stdout);
  process.stderr.write(stderr);
  process.exit(code);
}

/** Node containers as kind names them: <name>-control-plane, <name>-control-plane2, <name>-worker, … */
function nodesFor(name, config) {
  const count = (role) => (config.match(new RegExp(`role:\\s*${role}\\b`, "g")) ?? []).length;
  const nodes = [];
  const add = (role, n) => {
    for (let i = 1; i <= n; i++) nodes.push({ name: `${name}-${role}${i === 1 ? "" : i}`, role });
  };
  add("control-plane", Math.max(count("control-plane"), 1));
  add("worker", count("worker"));
  return nodes.map((node, i) => ({ ...node, ip: `172.18.0.${i + 2}` }));
}

function kindCreate() {
  const name = flag("--name") ?? "kind";
  const configPath = flag("--config");
  const config = configPath ? fs.readFileSync(configPath, "utf8") : "";
  record({ config });
  if (loadCluster(name)) exit(1, `ERROR: failed to create cluster: node(s) already exist for a cluster with the name "${name}"\n`);
  const image = (config.match(/image:\s*(\S+)/) ?? [])[1] ?? "kindest/node:v1.32.2@sha256:f226345927d7e348497136874b6d207e0b32cc52154ad8323129352923a3142f";
  const shown = image.split("@")[0];
  const nodes = nodesFor(name, config);
  const boxes = nodes.map(() => "📦").join(" ");
  fs.mkdirSync(clustersDir, { recursive: true });
  const failFlag = path.join(stateDir, "fail-create");
  let log = `Creating cluster "${name}" ...\n • Ensuring node image (${shown}) 🖼  ...\n ✓ Ensuring node image (${shown}) 🖼\n • Preparing nodes ${boxes}  ...\n`;
  // The node containers exist before anything below can fail: what a rollback has to remove.
  fs.writeFileSync(clusterFile(name), JSON.stringify({ name, network: network ?? "kind", nodes }));
  if (fs.existsSync(failFlag)) {
    fs.rmSync(failFlag);
    log += ` ✗ Preparing nodes ${boxes}\nERROR: failed to create cluster: command "docker run --name ${nodes[0].name} --hostname ${nodes[0].name} --label io.x-k8s.kind.role=control-plane --privileged --net ${network ?? "kind"} ${image}" failed with error: exit status 125\nCommand Output: docker: Error response from daemon: failed to create shim task: OCI runtime create failed: unable to start container process.\n`;
    exit(1, log);
  }
  log += ` ✓ Preparing nodes ${boxes} \n • Writing configuration 📜  ...\n ✓ Writing configuration 📜\n • Starting control-plane 🕹️  ...\n ✓ Starting control-plane 🕹️\n`;
  if (!/disableDefaultCNI:\s*true/.test(config)) log += " • Installing CNI 🔌  ...\n ✓ Installing CNI 🔌\n";
  log += " • Installing StorageClass 💾  ...\n ✓ Installing StorageClass 💾\n";
  if (nodes.some((n) => n.role === "worker")) log += " • Joining worker nodes 🚜  ...\n ✓ Joining worker nodes 🚜\n";
  log += `Set kubectl context to "kind-${name}"\nYou can now use your cluster with:\n\nkubectl cluster-info --context kind-${name}\n\nHave a nice day! 👋\n`;
  exit(0, log);
}

function kubeconfig(name) {
  const b64 = (text) => Buffer.from(text).toString("base64");
  const port = 40000 + ([...name].reduce((sum, ch) => sum + ch.charCodeAt(0), 0) % 20000);
  return [
    "apiVersion: v1",
    "clusters:",
    "- cluster:",
    `    certificate-authority-data: ${b64(`-----BEGIN CERTIFICATE-----\nfake CA of ${name}\n-----END CERTIFICATE-----\n`)}`,
    `    server: https://127.0.0.1:${port}`,
    `  name: kind-${name}`,
    "contexts:",
    "- context:",
    `    cluster: kind-${name}`,
    `    user: kind-${name}`,
    `  name: kind-${name}`,
    `current-context: kind-${name}`,
    "kind: Config",
    "preferences: {}",
    "users:",
    `- name: kind-${name}`,
    "  user:",
    `    client-certificate-data: ${b64(`-----BEGIN CERTIFICATE-----\nfake admin of ${name}\n-----END CERTIFICATE-----\n`)}`,
    `    client-key-data: ${b64(`-----BEGIN RSA PRIVATE KEY-----\nfake key of ${name}\n-----END RSA PRIVATE KEY-----\n`)}`,
    "",
  ].join("\n");
}

function kind() {
  const command = argv.filter((a) => !a.startsWith("-")).slice(0, 2).join(" ");
  if (command === "create cluster") return kindCreate();
  record();
  const name = flag("--name") ?? "kind";
  const cluster = loadCluster(name);
  switch (command) {
    case "get clusters": {
      const names = allClusters().map((c) => c.name).sort();
      return names.length ? exit(0, "", names.join("\n") + "\n") : exit(0, "No kind clusters found.\n");
    }
    case "get nodes":
      return cluster
        ? exit(0, "", cluster.nodes.map((n) => n.name).join("\n") + "\n")
        : exit(0, `No kind nodes found for cluster "${name}".\n`);
    case "get kubeconfig":
      return cluster
        ? exit(0, "", kubeconfig(name))
        : exit(1, `ERROR: could not locate any control plane nodes for cluster named '${name}'. Use the --name option to select a different cluster\n`);
    case "delete cluster": {
      const nodes = cluster ? cluster.nodes.map((n) => `"${n.name}"`).join(" ") : "";
      if (cluster) fs.rmSync(clusterFile(name));
      return exit(0, `Deleting cluster "${name}" ...\n${cluster ? `Deleted nodes: [${nodes}]\n` : ""}`);
    }
    default:
      if (argv[0] === "version") return exit(0, "", "kind v0.27.0 go1.24.4 linux/amd64\n");
      return exit(1, `ERROR: unknown command "${command}" for "kind"\n`);
  }
}

/** `docker exec <node> sh -c <script>` on a node of a cluster: the script runs against state/nodes/<node>. */
function dockerExec() {
  const [node, shell, flagC, script] = argv.slice(1);
  if (!allClusters().some((c) => c.nodes.some((n) => n.name === node))) exit(1, `Error: No such container: ${node}\n`);
  if (shell !== "sh" || flagC !== "-c") exit(1, `fake docker: exec runs only sh -c, got ${argv.slice(2).join(" ")}\n`);
  const root = path.join(stateDir, "nodes", node);
  fs.mkdirSync(root, { recursive: true });
  const moved = script.replaceAll("/etc/containerd/certs.d", path.join(root, "etc/containerd/certs.d"));
  const result = require("node:child_process").spawnSync("sh", ["-c", moved], { encoding: "utf8" });
  exit(result.status ?? 1, result.stderr, result.stdout);
}

/** `docker inspect --type container <names…>`: Docker's JSON document, trimmed to what matters. */
function docker() {
  record();
  if (argv[0] === "exec") return dockerExec();
  if (argv[0] !== "inspect") exit(1, `fake docker: "${argv[0]}" is not simulated\n`);
  const args = argv.slice(1);
  const typeAt = args.indexOf("--type");
  if (typeAt >= 0) args.splice(typeAt, 2);
  const names = args.filter((a) => !a.startsWith("-"));
  const byName = new Map(allClusters().flatMap((c) => c.nodes.map((n) => [n.name, { cluster: c, node: n }])));
  const found = [];
  let errors = "";
  for (const name of names) {
    const hit = byName.get(name);
    if (!hit) {
      errors += `Error: No such container: ${name}\n`;
      continue;
    }
    const { cluster, node } = hit;
    found.push({
      Id: Buffer.from(node.name).toString("hex").padEnd(64, "0").slice(0, 64),
      Name: `/${node.name}`,
      State: { Status: "running", Running: true },
      Config: {
        Hostname: node.name,
        Image: "kindest/node:v1.32.2",
        Labels: { "io.x-k8s.kind.cluster": cluster.name, "io.x-k8s.kind.role": node.role },
      },
      NetworkSettings: {
        Networks: {
          [cluster.network]: { IPAddress: node.ip, IPPrefixLen: 16, Gateway: "172.18.0.1", MacAddress: "02:42:ac:12:00:02" },
        },
      },
    });
  }
  exit(errors ? 1 : 0, errors, JSON.stringify(found, null, 4) + "\n");
}

if (tool === "kind") kind();
else if (tool === "docker") docker();
else exit(2, `fake-cli: unknown tool "${tool}"\n`);
