// openapi-fetch: `const client = createClient<paths>({ baseUrl })`, then `client.GET("/path")` and the other methods.
import { objectProperty, type Recogniser } from "./recogniser.js";

const METHODS = new Set(["GET", "PUT", "POST", "DELETE", "OPTIONS", "HEAD", "PATCH", "TRACE", "request"]);

const openapiFetch: Recogniser = {
  name: "openapi-fetch",
  modules: ["openapi-fetch"],
  recognise(site) {
    if (site.isNew || site.callee === undefined) return undefined;
    // The default export or the named `createClient`, called, then one of its methods.
    const segments = site.callee.segments;
    const factoryIndex = segments.findIndex((segment) => segment.name === "()");
    if (factoryIndex < 0 || factoryIndex > 1 || (factoryIndex === 1 && segments[0].name !== "createClient")) return undefined;
    const method = segments[factoryIndex + 1];
    if (method === undefined || segments.length !== factoryIndex + 2 || !METHODS.has(method.name)) return undefined;
    const [path] = site.node.arguments ?? [];
    const options = segments[factoryIndex].call?.arguments?.[0];
    return path ? { kind: "call", url: path, base: objectProperty(options, "baseUrl", site.resolver) } : undefined;
  },
};

export default openapiFetch;
