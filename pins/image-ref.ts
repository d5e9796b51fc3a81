/**
 * The image reference grammar, as containerd, Docker and kubelet parse it: distribution/reference
 * regexp.go and reference.go at v0.6.0 (referencePat = name [":" tag] ["@" digest]; a name is an
 * optional domain[:port] and "/"-separated lowercase path components; names at most 255 characters).
 */

const PATH_COMPONENT = "[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*";
const DOMAIN_COMPONENT = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
const HOST = `(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*|\\[(?:[a-fA-F0-9:]+)\\])`;
const NAME = `(?:${HOST}(?::[0-9]+)?/)?${PATH_COMPONENT}(?:/${PATH_COMPONENT})*`;
const TAG = "[\\w][\\w.-]{0,127}";
const DIGEST = "[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}";
const REFERENCE = new RegExp(`^(${NAME})(?::(${TAG}))?(?:@(${DIGEST}))?$`);
/** reference.go NameTotalLengthMax. */
const NAME_MAX = 255;

/** What an error message shows a user as the allowed form. */
export const REFERENCE_GRAMMAR = "[host[:port]/]path[:tag][@digest], path in lowercase letters, digits and . _ - separators (e.g. registry.example:5000/mirror/agnhost:2.53@sha256:<64 hex>)";

export interface ImageRef {
  /** Everything before the tag and digest: [host[:port]/]path. */
  name: string;
  tag?: string;
  digest?: string;
}

/** A reference split into its parts, or why it is not one. */
export function parseImageRef(ref: string): ImageRef | string {
  const m = REFERENCE.exec(ref);
  if (!m) return `'${ref}' is not an image reference: ${REFERENCE_GRAMMAR}`;
  const [, name, tag, digest] = m;
  if (name!.length > NAME_MAX) return `'${ref}': its name is ${name!.length} characters, more than ${NAME_MAX}`;
  return { name: name!, ...(tag === undefined ? {} : { tag }), ...(digest === undefined ? {} : { digest }) };
}


/**
 * The registry a name is pulled from and the repository path there, as containerd and Docker
 * normalise it (distribution/reference normalize.go splitDockerDomain, v0.6.0): a first component
 * with "." or ":" (or `localhost`, or not lowercase) is a registry; otherwise docker.io, where a
 * one-component path gets `library/`; `index.docker.io` is docker.io.
 */
export function splitDomain(name: string): { domain: string; path: string } {
  const slash = name.indexOf("/");
  const first = slash < 0 ? "" : name.slice(0, slash);
  const isDomain = slash >= 0 && (first === "localhost" || /[.:]/.test(first) || first.toLowerCase() !== first);
  let domain = isDomain ? first : "docker.io";
  let path = isDomain ? name.slice(slash + 1) : name;
  if (domain === "index.docker.io") domain = "docker.io";
  if (domain === "docker.io" && !path.includes("/")) path = `library/${path}`;
  return { domain, path };
}
