// Nuxt / Nitro: the default export of `server/api/**` and `server/routes/**`, a `defineEventHandler(fn)` (or
// `eventHandler`, `defineCachedEventHandler`, `{ handler }`): the handler given to it serves the request. A method
// suffix (`links.get.ts`) names the method.
import { type Convention, EXT } from "./convention.js";

const METHOD = /\.(get|post|put|patch|delete|head|options)$/;

/** "GET /api/links/[id]" for "server/api/links/[id].get.ts". */
function label(path: string): string {
  const api = path.startsWith("server/api/");
  const rest = path.replace(/^server\/(api|routes)\//, "").replace(/\.[^./]+$/, "");
  const method = METHOD.exec(rest);
  const segments = rest.replace(METHOD, "").split("/");
  if (segments.at(-1) === "index") segments.pop();
  const route = `/${[...(api ? ["api"] : []), ...segments].filter((segment) => segment !== "").join("/")}`;
  return `Nitro ${method ? method[1].toUpperCase() : "ALL"} ${route}`;
}

const nitro: Convention = {
  name: "Nitro",
  files: [
    {
      paths: [`server/api/**/*.${EXT}`, `server/routes/**/*.${EXT}`],
      exports: (name) => name === "default",
      label,
    },
  ],
};

export default nitro;
