/**
 * Why a file could not be read, to follow its name: "does not exist", "is a directory, not a file",
 * "cannot be read (permission denied)", else the system's own message.
 */
export function fileProblem(err: unknown): string {
  switch ((err as { code?: unknown }).code) {
    case "ENOENT":
    case "ENOTDIR":
      return "does not exist";
    case "EISDIR":
      return "is a directory, not a file";
    case "EACCES":
    case "EPERM":
      return "cannot be read (permission denied)";
    default:
      return `cannot be read (${(err as Error).message})`;
  }
}
