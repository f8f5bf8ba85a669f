// ws: `new WebSocket(url)` opens a connection to a service at construction.
import type { Recogniser } from "./recogniser.js";

const ws: Recogniser = {
  name: "ws",
  modules: ["ws", "isomorphic-ws"],
  recognise(site) {
    if (!site.isNew || (site.path !== "" && site.path !== "WebSocket")) return undefined;
    const [url] = site.node.arguments ?? [];
    return url ? { kind: "call", url } : undefined;
  },
};

export default ws;
