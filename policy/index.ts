/** The NetworkPolicy reachability engine: pure, no Pulumi, no I/O. */
export { evaluatePolicies, PolicyMatrix, type MatrixOptions } from "./engine";
export { expectations, ExpectationMatrix, type EnforcedFeature, type ExpectationExplanation } from "./enforcement";
export { readKubernetesObjects, type LoadedObjects } from "./objects";
export { INPUT_LIMITS, inputFormat, podCountProblem, readDocuments, sizeProblem, type InputFormat } from "./input-gate";
export { describeDirection, describeVerdict } from "./reason";
export { matrixJson, type MatrixJsonOptions, type MatrixResultRow } from "./json-rows";
export { renderTruthTable, renderTruthTables } from "./render";
export { formatQuery } from "./ports";
export { portNameProblem } from "./parse-port";
export * from "./types";
