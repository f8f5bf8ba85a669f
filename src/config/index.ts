// The config stage: reads topo-lint.config.yaml and the service manifests into a checked TopologyConfig.
export { loadConfig, type LoadOptions } from "./load.js";
export { configJsonSchemas, schemaFiles } from "./schema.js";
export { CONFIG_NAMES } from "./discover.js";
