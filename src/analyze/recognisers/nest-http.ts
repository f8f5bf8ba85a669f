// NestJS `HttpService` (from @nestjs/axios), usually injected: `this.http.get(url)`, `this.http.axiosRef.get(url)`.
import { objectProperty, type Recogniser } from "./recogniser.js";

const METHODS = new Set(["get", "delete", "head", "options", "post", "put", "patch"]);

const nestHttp: Recogniser = {
  name: "nest-http",
  modules: ["@nestjs/axios"],
  recognise(site) {
    const match = /^HttpService\(\)\.(?:axiosRef\.)?(\w+)$/.exec(site.path);
    if (site.isNew || match === null) return undefined;
    const [first] = site.node.arguments ?? [];
    if (first === undefined) return undefined;
    if (match[1] === "request") return { kind: "call", url: objectProperty(first, "url", site.resolver) };
    return METHODS.has(match[1]) ? { kind: "call", url: first } : undefined;
  },
};

export default nestHttp;
