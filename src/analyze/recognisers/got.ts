// got: `got(url)`, `got.get(url)`, `got({ url })` and instances from `got.extend({ prefixUrl })`.
import { factoryCall, objectProperty, type Recogniser } from "./recogniser.js";

const METHODS = new Set(["", "get", "post", "put", "patch", "delete", "head", "stream"]);

const got: Recogniser = {
  name: "got",
  modules: ["got"],
  recognise(site) {
    if (site.isNew) return undefined;
    const instance = site.path.startsWith("extend()");
    const method = instance ? site.path.slice("extend()".length).replace(/^\./, "") : site.path;
    if (!METHODS.has(method)) return undefined;
    const [first, second] = site.node.arguments ?? [];
    if (first === undefined) return undefined;
    const urlOption = objectProperty(first, "url", site.resolver);
    const options = urlOption ? first : second;
    const prefix =
      objectProperty(options, "prefixUrl", site.resolver) ??
      (instance ? objectProperty(factoryCall(site.callee, "extend")?.arguments?.[0], "prefixUrl", site.resolver) : undefined);
    return { kind: "call", url: urlOption ?? first, base: prefix };
  },
};

export default got;
