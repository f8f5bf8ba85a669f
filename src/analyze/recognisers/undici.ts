// undici: `request(url)`, `fetch(url)`, `stream(url)`, and `new Pool(origin).request({ path })` (also Client).
import { factoryCall, objectProperty, type Recogniser } from "./recogniser.js";

const FUNCTIONS = new Set(["request", "fetch", "stream", "pipeline"]);
const DISPATCHERS = ["Pool", "Client"];

const undici: Recogniser = {
  name: "undici",
  modules: ["undici"],
  recognise(site) {
    if (site.isNew) return undefined;
    const [first] = site.node.arguments ?? [];
    if (FUNCTIONS.has(site.path)) return first ? { kind: "call", url: first } : undefined;
    for (const dispatcher of DISPATCHERS) {
      if (site.path === `${dispatcher}().request` || site.path === `${dispatcher}().stream`) {
        const origin = factoryCall(site.callee, dispatcher)?.arguments?.[0];
        return { kind: "call", url: objectProperty(first, "path", site.resolver) ?? origin, base: origin };
      }
    }
    return undefined;
  },
};

export default undici;
