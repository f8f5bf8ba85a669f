// The infrastructure stage: Terraform configuration → the facts (regional modules, CIDRs, peerings, DNS records) that
// the topology graph carries and the infrastructure rules check.
export { readInfrastructure, normaliseHost } from "./terraform.js";
export { parseHcl } from "./hcl.js";
export { FUNCTIONS } from "./evaluate.js";
