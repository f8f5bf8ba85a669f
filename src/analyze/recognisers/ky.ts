// ky: `ky(url)`, `ky.get(url)` …, with `prefixUrl` in the options or in an instance from `ky.create|extend({ prefixUrl })`.
import { factoryCall, objectProperty, type Recogniser, throughFactory } from "./recogniser.js";

const METHODS = new Set(["", "()", "get", "post", "put", "patch", "delete", "head"]);

const ky: Recogniser = {
  name: "ky",
  modules: ["ky", "ky-universal"],
  recognise(site) {
    if (site.isNew) return undefined;
    const { factory, rest } = throughFactory(site.path, ["create", "extend"]);
    if (!METHODS.has(factory ? (rest === "" ? "()" : rest) : rest)) return undefined;
    if (factory && rest === "") return undefined; // `ky.create(…)` itself makes no request
    const [url, options] = site.node.arguments ?? [];
    if (url === undefined) return undefined;
    const instanceOptions = factory ? factoryCall(site.callee, factory)?.arguments?.[0] : undefined;
    const base = objectProperty(options, "prefixUrl", site.resolver) ?? objectProperty(instanceOptions, "prefixUrl", site.resolver);
    return { kind: "call", url, base };
  },
};

export default ky;
