// A starting point for a new recogniser; copy it to <library>.ts, fill it in, and add it to index.ts.
//
// A recogniser looks at one call or construction at a time. `site.callee` says what the callee denotes relative to
// an imported module ("axios") or a global (module ""), and `site.path` spells the way from the module to the
// callee: "get" for `axios.get(…)`, "create().get" for `api.get(…)` after `const api = axios.create(…)`,
// "HttpService().get" for `this.http.get(…)` on an injected `http: HttpService`, "Pool" for `new Pool(…)`
// (with `site.isNew`). Aliases, `require()`, class members and exported consts are already followed.
//
// Return `{ kind: "call", url, base?, host? }` for a call to a service: target resolution reads those expressions
// (literals, templates, env reads, config.get, aliases) and matches them against the services' addresses.
// Return `{ kind: "connection", values }` for a database driver: the values are searched for reads of a database's
// env vars or names of its hosts; the connection fact sits at that read and names this recogniser.
// For a driver, `driver(name, modules, openers)` from recogniser.ts is usually all it takes.
//
// Then add a fixture under fixtures/analyze/recognisers/<library>/ (a service calling another service, or
// connecting to a database, with the library) and its case in test/analyze/recognisers.test.ts.
import { objectProperty, type Recogniser } from "./recogniser.js";

const template: Recogniser = {
  name: "template",
  modules: ["the-library"],
  recognise(site) {
    if (site.isNew || site.path !== "send") return undefined;
    const [first] = site.node.arguments ?? [];
    return first ? { kind: "call", url: first, base: objectProperty(site.node.arguments?.[1], "baseUrl", site.resolver) } : undefined;
  },
};

export default template;
