// Node's `http.request` / `http.get` (and https): a URL, or options with `hostname` / `host`.
import ts from "../typescript.cjs";
import { skipOuter } from "./context.js";
import { objectLiteralOf, objectProperty, type Recogniser } from "./recogniser.js";

const http: Recogniser = {
  name: "http",
  modules: ["http", "https"],
  recognise(site) {
    if (site.isNew || (site.path !== "request" && site.path !== "get")) return undefined;
    const [first] = site.node.arguments ?? [];
    if (first === undefined) return undefined;
    if (objectLiteralOf(first, site.resolver) !== undefined || ts.isObjectLiteralExpression(skipOuter(first))) {
      const host = objectProperty(first, "hostname", site.resolver) ?? objectProperty(first, "host", site.resolver);
      return { kind: "call", host };
    }
    return { kind: "call", url: first };
  },
};

export default http;
