// SvelteKit: method exports of `+server.ts` endpoints, and `load` / `actions` of `+page.server.ts` and
// `+layout.server.ts`, wherever the routes folder is.
import { type Convention, EXT } from "./convention.js";

const METHODS = new Set(["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "fallback"]);

/** "/links/[id]" for "src/routes/links/[id]/+server.ts". */
function route(path: string): string {
  const folder = path.replace(/(^|\/)[^/]+$/, "");
  const routes = folder.replace(/^(?:.*\/)?routes(?=\/|$)/, "");
  const kept = routes.split("/").filter((segment) => segment !== "" && !/^\(.*\)$/.test(segment));
  return `/${kept.join("/")}`;
}

const sveltekit: Convention = {
  name: "SvelteKit",
  files: [
    {
      paths: [`**/+server.${EXT}`],
      exports: (name) => METHODS.has(name),
      label: (path, name) => `SvelteKit ${name} ${route(path)}`,
    },
    {
      paths: [`**/+page.server.${EXT}`, `**/+layout.server.${EXT}`],
      exports: (name) => name === "load" || name.startsWith("actions."),
      label: (path, name) =>
        name === "load" ? `SvelteKit load ${route(path)}` : `SvelteKit action ${name.slice("actions.".length)} ${route(path)}`,
    },
  ],
};

export default sveltekit;
