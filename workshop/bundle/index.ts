export * from "./blobs";
export * from "./charts";
export * from "./contents";
export * from "./file";
export * from "./load";
export * from "./registry-client";
export * from "./storage";
