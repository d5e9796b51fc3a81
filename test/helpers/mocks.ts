/**
 * One recording mock for every component test.
 *
 *   const recorded = await installMocks();                       // before importing the program
 *   const { KindCluster } = await import("../../components/cluster/index.js");
 *   const lab = new KindCluster("lab", args);
 *   await settled(lab.nodes);                                    // let registrations finish
 *   recorded.find((r) => r.type === "docker:index/network:Network")
 *
 * Why record at the monitor and not only in `newResource`: Pulumi's mock `newResource` is not
 * told the parent, the dependencies or the resource options, which are what component tests
 * assert. So the mock monitor's `registerResource` is wrapped to read them off the request.
 * Each `setMocks` replaces the previous one (vitest runs every test file in its own process).
 * The dynamic import needs the ".js": TypeScript's nodenext rule for `import()` in a CommonJS
 * file; vitest resolves it to the .ts file.
 */
import * as pulumi from "@pulumi/pulumi";

export interface RecordedResource {
  /** The type token, e.g. `docker:index/network:Network`, `cnilab:cluster:KindCluster`. */
  type: string;
  name: string;
  /** The inputs as the provider would see them (Outputs resolved, secrets unwrapped). */
  inputs: Record<string, any>;
  urn: string;
  /** The parent's URN; compare with `await settled(component.urn)`. */
  parent?: string;
  /** The explicit provider reference (`<provider urn>::<id>`), if one was given. */
  provider?: string;
  custom: boolean;
  /** URNs the resource depends on (dependsOn and data edges). */
  dependencies: string[];
  additionalSecretOutputs: string[];
  deleteBeforeReplace: boolean;
  /** The URN of the `deletedWith` resource, if one was given. */
  deletedWith?: string;
  /** The aliases as sent to the engine: a whole URN, or a spec (only the fields that were set). */
  aliases: RecordedAlias[];
}

export type RecordedAlias = { urn: string } | { name?: string; type?: string; parentUrn?: string; noParent?: boolean };

export interface MockOptions {
  /** Extra output properties for a resource (merged over its inputs). */
  outputs?: (args: pulumi.runtime.MockResourceArgs) => Record<string, unknown>;
  /** Answers invokes (`call`); default: echo the inputs. */
  call?: (args: pulumi.runtime.MockCallArgs) => Record<string, unknown>;
  project?: string;
  stack?: string;
  /** `pulumi.runtime.isDryRun()` answers this (true = preview). */
  preview?: boolean;
}

/** Installs the mocks and returns the list every later registration is appended to. */
export async function installMocks(options: MockOptions = {}): Promise<RecordedResource[]> {
  // A program run before (another stack) may still be finishing component outputs: let its calls
  // reach its own monitor. `waitForRPCs` is exported by the SDK's runtime/settings.js, untyped (@internal).
  await (pulumi.runtime as unknown as { waitForRPCs(): Promise<void> }).waitForRPCs();
  const recorded: RecordedResource[] = [];
  await pulumi.runtime.setMocks(
    {
      newResource: (args) => ({
        id: args.custom ? `${args.name}-id` : undefined,
        state: { ...args.inputs, ...(options.outputs?.(args) ?? {}) },
      }),
      call: (args) => options.call?.(args) ?? args.inputs,
    },
    options.project ?? "cnilab",
    options.stack ?? "test",
    options.preview ?? false,
  );
  const monitor = pulumi.runtime.getMonitor() as unknown as {
    registerResource(req: RegisterRequest, callback: (err: unknown, resp: unknown) => void): Promise<void>;
  };
  const register = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req, callback) =>
    register(req, (err, resp) => {
      if (!err) recorded.push(describe(req, resp as { getUrn(): string }));
      callback(err, resp);
    });
  return recorded;
}

/** The parts of the RegisterResourceRequest protobuf read here. */
interface RegisterRequest {
  getType(): string;
  getName(): string;
  getObject(): unknown;
  getParent(): string;
  getProvider(): string;
  getCustom(): boolean;
  getDependenciesList(): string[];
  getAdditionalsecretoutputsList(): string[];
  getDeletebeforereplace(): boolean;
  getDeletedwith(): string;
  getAliasesList(): AliasMessage[];
}

/** The pulumirpc.Alias protobuf: a URN, or a spec whose empty fields were not set. */
interface AliasMessage {
  getUrn(): string;
  getSpec(): { getName(): string; getType(): string; getParenturn(): string; getNoparent(): boolean } | undefined;
}

function describeAlias(alias: AliasMessage): RecordedAlias {
  const spec = alias.getSpec();
  if (!spec) return { urn: alias.getUrn() };
  return {
    ...(spec.getName() ? { name: spec.getName() } : {}),
    ...(spec.getType() ? { type: spec.getType() } : {}),
    ...(spec.getParenturn() ? { parentUrn: spec.getParenturn() } : {}),
    ...(spec.getNoparent() ? { noParent: true } : {}),
  };
}

function describe(req: RegisterRequest, resp: { getUrn(): string }): RecordedResource {
  return {
    type: req.getType(),
    name: req.getName(),
    inputs: pulumi.runtime.deserializeProperties(req.getObject() as never),
    urn: resp.getUrn(),
    ...(req.getParent() ? { parent: req.getParent() } : {}),
    ...(req.getProvider() ? { provider: req.getProvider() } : {}),
    custom: req.getCustom(),
    dependencies: req.getDependenciesList(),
    additionalSecretOutputs: req.getAdditionalsecretoutputsList(),
    deleteBeforeReplace: req.getDeletebeforereplace(),
    ...(req.getDeletedwith() ? { deletedWith: req.getDeletedwith() } : {}),
    aliases: req.getAliasesList().map(describeAlias),
  };
}

/**
 * Resolves an Output's (or plain value's) value. Under mocks with `preview: false` every value
 * is known; an unknown value (preview) would never resolve, so don't await one.
 */
export function settled<T>(value: pulumi.Input<T>): Promise<T> {
  return new Promise((resolve) => {
    pulumi.output(value).apply((v) => {
      resolve(v as T);
      return v;
    });
  });
}
