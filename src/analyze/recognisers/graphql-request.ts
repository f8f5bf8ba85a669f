// graphql-request: `request(url, document)`, and `new GraphQLClient(url).request(document)` (also rawRequest, batchRequests).
import { factoryCall, type Recogniser } from "./recogniser.js";

const METHODS = new Set(["request", "rawRequest", "batchRequests"]);

const graphqlRequest: Recogniser = {
  name: "graphql-request",
  modules: ["graphql-request"],
  recognise(site) {
    if (site.isNew) return undefined;
    const [first] = site.node.arguments ?? [];
    if (METHODS.has(site.path) || site.path === "default") return first ? { kind: "call", url: first } : undefined;
    const method = /^GraphQLClient\(\)\.(\w+)$/.exec(site.path)?.[1];
    if (method === undefined || !METHODS.has(method)) return undefined;
    const url = factoryCall(site.callee, "GraphQLClient")?.arguments?.[0];
    return url ? { kind: "call", url } : undefined;
  },
};

export default graphqlRequest;
