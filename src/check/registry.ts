// The rule registry is the rules/ folder: every rules/<id>.ts (or .js once built) is one rule.
import { readdirSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";
import path from "node:path";
import type { Rule } from "./rule.js";

const RULES_DIR = fileURLToPath(new URL("../../rules/", import.meta.url));

let loaded: Promise<Rule[]> | undefined;

/** Every rule, sorted by id. */
export function loadRules(): Promise<Rule[]> {
  loaded ??= importRules();
  return loaded;
}

async function importRules(): Promise<Rule[]> {
  const files = readdirSync(RULES_DIR)
    .filter((name) => /\.(ts|js)$/.test(name) && !name.endsWith(".d.ts"))
    .sort();
  // Imported together (the module loader reads the files while it compiles the ones it has); a failure is reported
  // for the first file in order, as one import after another would.
  const settled = await Promise.allSettled(files.map((name) => import(pathToFileURL(path.join(RULES_DIR, name)).href)));
  return files.map((name, index) => {
    const result = settled[index];
    if (result.status === "rejected") throw result.reason;
    const rule = (result.value as { default?: Rule }).default;
    const id = name.replace(/\.(ts|js)$/, "");
    if (!rule || rule.meta?.id !== id) throw new Error(`rules/${name} must default-export a rule with id "${id}"`);
    return rule;
  });
}
