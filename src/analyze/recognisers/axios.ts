// axios: `axios.get(url)`, `axios(config)`, `axios.request(config)` and instances from `axios.create({ baseURL })`.
import type ts from "typescript";
import { factoryCall, objectProperty, type CallSite, type Recognised, type Recogniser } from "./recogniser.js";

const METHODS = ["get", "delete", "head", "options", "post", "put", "patch", "postForm", "putForm", "patchForm"];
const WITH_BODY = new Set(["post", "put", "patch", "postForm", "putForm", "patchForm"]);

const axios: Recogniser = {
  name: "axios",
  modules: ["axios"],
  recognise(site) {
    if (site.isNew) return undefined;
    const instance = site.path.startsWith("create()");
    const rest = instance ? site.path.slice("create()".length).replace(/^\./, "") : site.path;
    const base = instance ? objectProperty(factoryCall(site.callee, "create")?.arguments?.[0], "baseURL", site.resolver) : undefined;
    return requestOf(site, rest, base);
  },
};

/** The URL and base of one request made through axios or an instance of it. */
function requestOf(site: CallSite, method: string, instanceBase: ts.Expression | undefined): Recognised | undefined {
  const args = site.node.arguments ?? [];
  if (method === "" || method === "request") {
    const [first, second] = args;
    if (first === undefined) return undefined;
    const urlInConfig = objectProperty(first, "url", site.resolver);
    if (urlInConfig) {
      return { kind: "call", url: urlInConfig, base: objectProperty(first, "baseURL", site.resolver) ?? instanceBase };
    }
    // `axios(url, config)`
    return { kind: "call", url: first, base: objectProperty(second, "baseURL", site.resolver) ?? instanceBase };
  }
  if (!METHODS.includes(method)) return undefined;
  const [url] = args;
  const config = args[WITH_BODY.has(method) ? 2 : 1];
  const base = objectProperty(config, "baseURL", site.resolver) ?? instanceBase;
  return url ? { kind: "call", url, base } : undefined;
}

export default axios;
