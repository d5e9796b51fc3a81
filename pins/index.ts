/** Every external thing the labs run, pinned in one place (a leaf: imports nothing of ours). */
export * from "./images";
export * from "./image-facts";
export * from "./versions";
export * from "./chart-facts";
export * from "./image-ref";
export * from "./image-map";
export * from "./manifest-facts";
export * from "./terminal-facts";
