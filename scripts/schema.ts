// Writes the JSON Schemas of the config and of a service manifest to schema/ (run: node --import tsx scripts/schema.ts).
import { promises as fs } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { schemaFiles } from "../src/config/schema.js";
import { loadRules } from "../src/check/registry.js";

const folder = path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "schema");
await fs.mkdir(folder, { recursive: true });
const rules = (await loadRules()).map(({ meta }) => ({ id: meta.id, description: meta.description }));
for (const [name, text] of Object.entries(schemaFiles(rules))) {
  await fs.writeFile(path.join(folder, name), text);
  console.log(`wrote schema/${name}`);
}
