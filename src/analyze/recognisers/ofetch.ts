// ofetch: `ofetch(url, { baseURL })`, `$fetch(url)`, `ofetch.raw(url)` and instances from `ofetch.create({ baseURL })`.
import { factoryCall, objectProperty, type Recogniser } from "./recogniser.js";

const FUNCTIONS = ["ofetch", "$fetch"];

const ofetch: Recogniser = {
  name: "ofetch",
  modules: ["ofetch"],
  recognise(site) {
    if (site.isNew) return undefined;
    const fn = FUNCTIONS.find((name) => site.path === name || site.path.startsWith(`${name}.`));
    if (fn === undefined) return undefined;
    const rest = site.path.slice(fn.length).replace(/^\./, "");
    let instanceOptions;
    if (rest === "create()" || rest === "create().raw") instanceOptions = factoryCall(site.callee, "create")?.arguments?.[0];
    else if (rest !== "" && rest !== "raw") return undefined;
    const [url, options] = site.node.arguments ?? [];
    if (url === undefined) return undefined;
    const base = objectProperty(options, "baseURL", site.resolver) ?? objectProperty(instanceOptions, "baseURL", site.resolver);
    return { kind: "call", url, base };
  },
};

export default ofetch;
