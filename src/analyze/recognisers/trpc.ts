// tRPC clients: the links that carry every procedure call, `httpLink({ url })`, `httpBatchLink({ url })`,
// `httpBatchStreamLink({ url })`, `httpSubscriptionLink({ url })`. The call is located where the link is made.
import { objectProperty, type Recogniser } from "./recogniser.js";

const LINKS = new Set(["httpLink", "httpBatchLink", "httpBatchStreamLink", "httpSubscriptionLink", "unstable_httpBatchStreamLink"]);

const trpc: Recogniser = {
  name: "trpc",
  modules: ["@trpc/client"],
  recognise(site) {
    if (site.isNew || !LINKS.has(site.path)) return undefined;
    const url = objectProperty(site.node.arguments?.[0], "url", site.resolver);
    return url ? { kind: "call", url } : undefined;
  },
};

export default trpc;
