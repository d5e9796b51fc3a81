import { runStack } from "./program";

/** The Pulumi entry point of plain `pulumi up` (Pulumi.yaml `main`): the program of program.ts. */
export = runStack();
