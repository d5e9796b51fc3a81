/**
 * A lab's problems are the one error type for bad input (input/error.ts): SpecError and SpecProblem
 * are its names here, so lab code reads as before.
 */
export { InputError as SpecError, formatPath, formatProblem, type InputProblem as SpecProblem } from "../input/error";

// The probe program is bundled from probe/ alone (probe/bundle.ts), so the rule lives there.
export { fileProblem } from "../probe/files";
// Every suggestion's wording; a leaf, since the policy engine below the lab loader suggests too.
export { closest, didYouMean } from "../text/did-you-mean";
