"use strict";
/**
 * Stand-ins for `docker` and `kind`, as much as doctor, up and down ask of them. Called as
 * `node tools.js <docker|kind> <args…>`; state in <dir>/state next to the fake pulumi's:
 *   config.json           docker: "up" | "down" | "denied" | "hang", dockerVersion, cgroupVersion,
 *                         rootDir, kindVersion ("broken" = `kind version` fails)
 *   clusters/<name>       a kind cluster that exists
 *   networks/<name>.json  a Docker network that exists: its subnet and gateway
 *   containers/<name>.json a Docker container that exists: its labels
 *   calls.jsonl           every call: tool and argv
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
  if (argv[0] === "info") {
    const mode = config.docker ?? "up";
    if (mode === "down") exit(1, "", `Cannot connect to the Docker daemon at ${socket}. Is the docker daemon running?\n`);
    if (mode === "denied") {
      exit(1, "", `permission denied while trying to connect to the Docker daemon socket at ${socket}: Get "http://%2Fvar%2Frun%2Fdocker.sock/v1.50/info": dial unix /var/run/docker.sock: connect: permission denied\n`);
    }
    if (mode === "hang") return setTimeout(() => exit(0), 60_000);
    return exit(0, JSON.stringify({ ServerVersion: config.dockerVersion ?? "28.2.2", CgroupVersion: config.cgroupVersion ?? "2", DockerRootDir: config.rootDir ?? "/var/lib/docker" }) + "\n");
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
  exit(2, "", `fake docker: unsupported: ${argv.join(" ")}\n`);
}

function kind() {
  if (argv[0] === "version") {
    if (config.kindVersion === "broken") exit(1, "", "kind: cannot execute binary file\n");
    return exit(0, `kind v${config.kindVersion ?? "0.30.0"} go1.24.6 linux/amd64\n`);
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
  exit(2, "", `fake kind: unsupported: ${argv.join(" ")}\n`);
}

if (tool === "docker") docker();
else kind();
