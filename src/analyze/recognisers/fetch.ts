// The global `fetch` (and the node-fetch / cross-fetch packages that mimic it): the URL is the first argument.
import type { Recogniser } from "./recogniser.js";

const PACKAGES = ["node-fetch", "cross-fetch", "isomorphic-fetch"];

const fetch: Recogniser = {
  name: "fetch",
  modules: ["", ...PACKAGES],
  recognise({ node, isNew, callee, path }) {
    if (isNew || callee === undefined) return undefined;
    const isFetch = callee.module === "" ? path === "fetch" : path === "" || path === "default" || path === "fetch";
    const [input] = node.arguments ?? [];
    return isFetch && input ? { kind: "call", url: input } : undefined;
  },
};

export default fetch;
