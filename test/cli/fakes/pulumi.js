"use strict";
/**
 * A stand-in for the `pulumi` CLI, answering what @pulumi/pulumi 3.270's Automation API asks
 * (automation/localWorkspace.js, stack.js, cmd.js): `version`, `stack select --stack`, `stack init`,
 * `up --yes --skip-preview --client=<addr> --exec-kind auto.inline --event-log <target> [--refresh] [--config-file F]`,
 * `stack output --json [--show-secrets]`, `stack history --json`, `destroy`, `stack export`, `cancel`,
 * `plugin ls --json`, `plugin install resource <name> <version>`. Anything else exits 2 so a new call
 * shows up in the tests.
 *
 * Like the real CLI it finds its backend in PULUMI_BACKEND_URL, else in Pulumi.yaml's `backend.url`
 * (a relative file:// path resolved against the working directory, as pulumi/pulumi
 * pkg/backend/diy/backend.go massageBlobPath does with filepath.Abs), else it fails as a
 * non-interactive CLI with no login does; keeps project-scoped stacks under
 * <backend>/.pulumi/stacks/<project>/<stack>.json, reads the stack's settings from `--config-file`
 * or Pulumi.yaml's stackConfigDir, records the passphrase's salt in that file on `stack init` and
 * refuses another passphrase later. Engine events go to the Automation API over gRPC (`tcp://`
 * targets, CLI > 3.205) or to a file. With `--client=<addr>` (an inline program), `up` and `destroy`
 * ask the caller's language runtime server at that address for its plugin info over gRPC, as the engine
 * reaches it, and record the answer (`inline`); the program itself is not run. Creating a program resource with a `cluster` makes that kind
 * cluster (tools.js's clusters/); `--refresh` forgets every resource once that cluster is gone.
 * With `hangUp` (`hangDestroy`), `up` (`destroy`) waits for a signal: the first SIGINT cancels (after a moment in which the steps
 * in flight "finish"), as Pulumi does; every signal received is recorded.
 *
 * State: <dir>/state/calls.jsonl (every call: argv, cwd, the PULUMI_* and CNILAB_KIND environment;
 * signals as {tool, signal}), <dir>/state/config.json (what the test wants: version, program
 * resources and outputs, failures, installed plugins, offline), <dir>/state/plugins.json.
 */
const fs = require("node:fs");
const path = require("node:path");
const crypto = require("node:crypto");
const { parse: parseYaml } = require("yaml");

const stateDir = path.join(__dirname, "..", "state");
const config = readJson(path.join(stateDir, "config.json"), {});
const argv = process.argv.slice(2).filter((a) => a !== "--non-interactive");
const env = process.env;

function readJson(file, fallback) {
  return fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, "utf8")) : fallback;
}
function writeJson(file, value) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify(value, null, 2));
}
function flag(name) {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
}
function record(extra) {
  const picked = {};
  for (const k of ["PULUMI_BACKEND_URL", "PULUMI_CONFIG_PASSPHRASE", "PULUMI_CONFIG_PASSPHRASE_FILE", "PULUMI_SKIP_UPDATE_CHECK", "PULUMI_AUTOMATION_API", "PULUMI_NODEJS_TRANSPILE_ONLY", "CNILAB_KIND"]) {
    if (env[k] !== undefined) picked[k] = env[k];
  }
  fs.mkdirSync(stateDir, { recursive: true });
  fs.appendFileSync(path.join(stateDir, "calls.jsonl"), JSON.stringify({ tool: "pulumi", argv, cwd: process.cwd(), env: picked, ...extra }) + "\n");
}
function exit(code, stdout = "", stderr = "") {
  process.stdout.write(stdout);
  process.stderr.write(stderr);
  process.exit(code);
}

function project() {
  const file = path.join(process.cwd(), "Pulumi.yaml");
  if (!fs.existsSync(file)) exit(255, "", `error: no Pulumi.yaml project file found (searching upwards from ${process.cwd()})\n`);
  const doc = parseYaml(fs.readFileSync(file, "utf8"));
  return { name: doc.name, configDir: path.join(process.cwd(), doc.stackConfigDir ?? doc.config ?? ""), backend: doc.backend?.url };
}
function backendDir() {
  const url = env.PULUMI_BACKEND_URL || project().backend;
  if (!url) exit(255, "", "error: PULUMI_ACCESS_TOKEN must be set for login during non-interactive CLI sessions\n");
  if (!url.startsWith("file://")) exit(255, "", `fake pulumi: only file:// backends, got ${url}\n`);
  const dir = path.resolve(url.slice("file://".length));
  if (!fs.existsSync(dir)) exit(255, "", `error: problem logging in: unable to open bucket ${url}: no such file or directory\n`);
  return dir;
}
const stackName = () => flag("--stack") ?? flag("-s");
const statePath = (name) => path.join(backendDir(), ".pulumi", "stacks", project().name, `${name}.json`);
const settingsPath = (name) => flag("--config-file") ?? path.join(project().configDir, `Pulumi.${name}.yaml`);
const saltOf = (passphrase) => `v1:${crypto.createHash("sha256").update(`cnilab-fake:${passphrase}`).digest("base64").slice(0, 16)}`;

function loadStack(name) {
  if (!name || !fs.existsSync(statePath(name))) exit(255, "", `error: no stack named '${name}' found\n`);
  return readJson(statePath(name));
}
function passphrase() {
  const p = env.PULUMI_CONFIG_PASSPHRASE ?? (env.PULUMI_CONFIG_PASSPHRASE_FILE ? fs.readFileSync(env.PULUMI_CONFIG_PASSPHRASE_FILE, "utf8").trim() : undefined);
  if (p === undefined) {
    exit(255, "", "error: constructing secrets manager of type \"passphrase\": unable to find either `PULUMI_CONFIG_PASSPHRASE` or `PULUMI_CONFIG_PASSPHRASE_FILE` when trying to access the Passphrase Secrets Provider\n");
  }
  return p;
}
/** The settings file as the engine reads it: the salt must match the passphrase; config is returned. */
function stackSettings(name) {
  const file = settingsPath(name);
  const doc = fs.existsSync(file) ? parseYaml(fs.readFileSync(file, "utf8")) ?? {} : {};
  if (doc.encryptionsalt && doc.encryptionsalt !== saltOf(passphrase())) exit(255, "", "error: incorrect passphrase\n");
  return { file, config: doc.config ?? {} };
}

async function eventSink(target) {
  let sequence = 0;
  const stamp = (e) => ({ sequence: sequence++, timestamp: Math.floor(Date.now() / 1000), ...e });
  if (!target) return { send() {}, async close() {} };
  if (!target.startsWith("tcp://")) {
    return { send: (e) => fs.appendFileSync(target, JSON.stringify(stamp(e)) + "\n"), async close() {} };
  }
  const grpc = require("@grpc/grpc-js");
  const { EventsClient } = require("@pulumi/pulumi/proto/events_grpc_pb");
  const { EventRequest } = require("@pulumi/pulumi/proto/events_pb");
  const client = new EventsClient(target.slice("tcp://".length), grpc.credentials.createInsecure());
  let finished;
  const done = new Promise((resolve, reject) => (finished = (err) => (err ? reject(err) : resolve())));
  const call = client.streamEvents((err) => finished(err));
  return {
    send(e) {
      const req = new EventRequest();
      req.setEvent(JSON.stringify(stamp(e)));
      call.write(req);
    },
    async close() {
      call.end();
      await done;
      client.close();
    },
  };
}

/** `--client=<addr>`: the inline program's language runtime must answer there (GetPluginInfo). */
async function inlineRuntime() {
  const addr = argv.find((a) => a.startsWith("--client="))?.slice("--client=".length);
  if (!addr) return undefined;
  const grpc = require("@grpc/grpc-js");
  const { LanguageRuntimeClient } = require("@pulumi/pulumi/proto/language_grpc_pb");
  const { Empty } = require("google-protobuf/google/protobuf/empty_pb");
  const client = new LanguageRuntimeClient(addr, grpc.credentials.createInsecure());
  try {
    const info = await new Promise((resolve, reject) => client.getPluginInfo(new Empty(), { deadline: Date.now() + 10_000 }, (err, r) => (err ? reject(err) : resolve(r))));
    return { version: info.getVersion() };
  } catch (err) {
    exit(255, "", `error: could not reach the inline program's language runtime at ${addr}: ${err.message}\n`);
  } finally {
    client.close();
  }
}

const clusterFile = (name) => path.join(stateDir, "clusters", name);

/** `--refresh`: the kind provider's read finds its cluster gone, and everything in it goes with it. */
function refresh(state) {
  const gone = state.resources.some((r) => r.cluster && !fs.existsSync(clusterFile(r.cluster)));
  if (gone) state.resources = [];
}

/** Waits for signals like an update in progress: the first SIGINT cancels after a moment; every signal is recorded. */
function hang(sink, name, state) {
  const cancel = async () => {
    sink.send({ diagnosticEvent: { message: "update canceled\n", color: "never", severity: "error" } });
    await sink.close();
    writeJson(statePath(name), state);
    exit(255, "", "error: update canceled\n");
  };
  let first = true;
  for (const sig of ["SIGINT", "SIGTERM"]) {
    process.on(sig, () => {
      fs.appendFileSync(path.join(stateDir, "calls.jsonl"), JSON.stringify({ tool: "pulumi", signal: sig }) + "\n");
      if (sig === "SIGTERM" || !first) exit(sig === "SIGTERM" ? 143 : 130, "", `${sig} received; terminating\n`);
      first = false;
      // The steps in flight finish before the engine stops: a second signal here would be seen.
      setTimeout(cancel, config.cancelMs ?? 700);
    });
  }
  setTimeout(() => exit(3, "", "fake pulumi: no signal came\n"), 90_000);
  // Only now may a test send signals: before the handlers exist, SIGINT would just kill this process.
  fs.appendFileSync(path.join(stateDir, "calls.jsonl"), JSON.stringify({ tool: "pulumi", waiting: true }) + "\n");
}

// The engine's URN: the parent components' types, then the resource's own (the root Stack left out).
const urnOf = (stack, proj, r) => `urn:pulumi:${stack}::${proj}::${[...(r.parents ?? []), r.type].join("$")}::${r.name}`;
const step = (op, urn, r) => ({ op, urn, type: r.type, provider: "", new: { type: r.type, urn, custom: r.custom, id: "", parent: "", inputs: {}, outputs: {}, provider: "" } });

async function up() {
  const name = stackName();
  const state = loadStack(name);
  const settings = stackSettings(name);
  record({ settingsFile: settings.file, config: settings.config, inline: await inlineRuntime() });
  if (argv.includes("--refresh")) refresh(state);
  const proj = project().name;
  const sink = await eventSink(flag("--event-log"));
  sink.send({ preludeEvent: { config: settings.config } });
  if (config.hangUp) return hang(sink, name, state);
  const program = config.program ?? { resources: [], outputs: {} };
  const known = new Set(state.resources.map((r) => r.urn));
  let created = 0;
  for (const r of program.resources) {
    const urn = urnOf(name, proj, r);
    const op = known.has(urn) ? "same" : "create";
    if (op === "create" && config.failUpAfter !== undefined && created >= config.failUpAfter) {
      sink.send({ resourcePreEvent: { metadata: step(op, urn, r) } });
      sink.send({ diagnosticEvent: { urn, message: `creating ${r.name} failed: fake failure\n`, color: "never", severity: "error" } });
      sink.send({ resOpFailedEvent: { metadata: step(op, urn, r), status: 1, steps: 1 } });
      await sink.close();
      writeJson(statePath(name), state);
      exit(255, "Updating (" + name + "):\n", "error: update failed\n");
    }
    sink.send({ resourcePreEvent: { metadata: step(op, urn, r) } });
    sink.send({ resOutputsEvent: { metadata: step(op, urn, r) } });
    if (op === "create") {
      state.resources.push({ urn, type: r.type, custom: r.custom, cluster: r.cluster, ...(r.outputs ? { outputs: r.outputs } : {}) });
      if (r.cluster) {
        fs.mkdirSync(path.dirname(clusterFile(r.cluster)), { recursive: true });
        fs.writeFileSync(clusterFile(r.cluster), "");
      }
      created++;
    }
  }
  state.outputs = program.outputs ?? {};
  state.history.unshift({ version: state.history.length + 1, kind: "update", result: "succeeded", resourceChanges: { create: created } });
  sink.send({ summaryEvent: { maybeCorrupt: false, durationSeconds: 1, resourceChanges: { create: created }, policyPacks: {} } });
  await sink.close();
  writeJson(statePath(name), state);
  exit(0, `Updating (${name}):\nResources:\n    + ${created} created\n`);
}

async function destroy() {
  const name = stackName();
  const state = loadStack(name);
  const settings = stackSettings(name);
  record({ settingsFile: settings.file, inline: await inlineRuntime() });
  if (state.locked) {
    exit(255, "", "error: the stack is currently locked by 1 lock(s). Either wait for the other process(es) to end or delete the lock file with `pulumi cancel`.\n");
  }
  const sink = await eventSink(flag("--event-log"));
  if (config.hangDestroy) return hang(sink, name, state);
  if (config.failDestroyTimes > 0) {
    writeJson(path.join(stateDir, "config.json"), { ...config, failDestroyTimes: config.failDestroyTimes - 1 });
    sink.send({ diagnosticEvent: { message: "deleting cnilab-cluster failed: fake failure\n", color: "never", severity: "error" } });
    await sink.close();
    exit(255, "Destroying (" + name + "):\n", "error: destroy failed\n");
  }
  for (const r of [...state.resources].reverse()) {
    const meta = { ...step("delete", r.urn, r), old: { type: r.type, urn: r.urn, custom: r.custom }, new: undefined };
    sink.send({ resourcePreEvent: { metadata: meta } });
    sink.send({ resOutputsEvent: { metadata: meta } });
  }
  const deleted = state.resources.length;
  state.resources = [];
  state.outputs = {};
  state.history.unshift({ version: state.history.length + 1, kind: "destroy", result: "succeeded", resourceChanges: { delete: deleted } });
  await sink.close();
  writeJson(statePath(name), state);
  exit(0, `Destroying (${name}):\nResources:\n    - ${deleted} deleted\n`);
}

function stack() {
  const sub = argv[1];
  if (sub === "select") {
    record();
    loadStack(stackName());
    return exit(0);
  }
  if (sub === "init") {
    const name = argv[2];
    record();
    if (fs.existsSync(statePath(name))) exit(255, "", `error: stack 'organization/${project().name}/${name}' already exists\n`);
    const file = settingsPath(name);
    const salt = saltOf(passphrase());
    // The passphrase provider keeps its salt in the stack's settings file, as the real CLI does.
    if (fs.existsSync(file)) fs.appendFileSync(file, `encryptionsalt: ${salt}\n`);
    else fs.writeFileSync(file, `encryptionsalt: ${salt}\n`);
    writeJson(statePath(name), { resources: [], outputs: {}, history: [], locked: config.lockOnInit === true });
    return exit(0, `Created stack '${name}'\n`);
  }
  const name = stackName();
  const state = loadStack(name);
  record();
  if (sub === "output") {
    const show = argv.includes("--show-secrets");
    const out = Object.fromEntries(Object.entries(state.outputs).map(([k, v]) => [k, v.secret && !show ? "[secret]" : v.value]));
    return exit(0, JSON.stringify(out, null, 4) + "\n");
  }
  if (sub === "history") {
    const now = new Date().toISOString();
    return exit(0, JSON.stringify(state.history.slice(0, 1).map((h) => ({ ...h, startTime: now, endTime: now, message: "", environment: {}, config: {} }))) + "\n");
  }
  if (sub === "export") {
    return exit(0, JSON.stringify({ version: 3, deployment: { manifest: { time: new Date().toISOString() }, resources: state.resources } }) + "\n");
  }
  exit(2, "", `fake pulumi: unsupported: ${argv.join(" ")}\n`);
}

/** Installed plugins: config.plugins to begin with, then what `plugin install` added; `offline` makes installs fail. */
function plugin() {
  record();
  const file = path.join(stateDir, "plugins.json");
  const installed = readJson(file, config.plugins ?? []);
  if (argv[1] === "ls" && argv.includes("--json")) return exit(0, JSON.stringify(installed) + "\n");
  if (argv[1] === "install" && argv[2] === "resource" && argv[3] && argv[4]) {
    if (config.offline) {
      exit(255, "", `error: [resource plugin ${argv[3]}-${argv[4]}] downloading from https://get.pulumi.com/releases/plugins/pulumi-resource-${argv[3]}-${argv[4]}-linux-amd64.tar.gz: dial tcp: lookup get.pulumi.com: no such host\n`);
    }
    writeJson(file, [...installed, { name: argv[3], kind: "resource", version: argv[4].replace(/^v/, ""), size: 1 }]);
    return exit(0, `[resource plugin ${argv[3]}-${argv[4]}] installing\n`);
  }
  exit(2, "", `fake pulumi: unsupported: ${argv.join(" ")}\n`);
}

async function main() {
  const cmd = argv[0];
  if (cmd === "version") {
    record();
    // FAKE_PULUMI_VERSION: the stand-in release archive `setup` installs says its own pinned version.
    return exit(0, `v${env.FAKE_PULUMI_VERSION ?? config.pulumiVersion ?? "3.270.0"}\n`);
  }
  if (cmd === "stack") return stack();
  if (cmd === "up") return up();
  if (cmd === "destroy") return destroy();
  if (cmd === "plugin") return plugin();
  if (cmd === "cancel") {
    const name = stackName();
    const state = loadStack(name);
    record();
    writeJson(statePath(name), { ...state, locked: false });
    return exit(0, "The currently running update has been canceled!\n");
  }
  record();
  exit(2, "", `fake pulumi: unsupported command: ${argv.join(" ")}\n`);
}

main().catch((err) => exit(1, "", `fake pulumi crashed: ${err.stack}\n`));
