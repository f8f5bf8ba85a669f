// Calls into a package a service lists under `address.clients`: any call of a function or constructor imported from
// it (or a method of what they return) is a call to that service.
import type { TopologyConfig } from "../../model.js";
import { isModule } from "./context.js";
import { isPromiseChain, type Recogniser } from "./recogniser.js";

export function clientPackages(config: TopologyConfig): Recogniser {
  const owners = new Map<string, string>();
  for (const service of [...config.services].sort((a, b) => (a.name < b.name ? -1 : 1))) {
    for (const client of service.address.clients) if (!owners.has(client)) owners.set(client, service.name);
  }
  const packages = [...owners.keys()].sort();
  return {
    name: "client",
    modules: packages,
    recognise(site) {
      const callee = site.callee;
      if (callee === undefined || isPromiseChain(site.path)) return undefined;
      const client = packages.find((name) => isModule(callee.module, name));
      const service = client && owners.get(client);
      return service ? { kind: "call", service, recogniser: `client:${client}` } : undefined;
    },
  };
}
