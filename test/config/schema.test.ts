// The committed JSON Schemas are exactly what the zod schemas generate, and they describe every field for editors.
import { promises as fs } from "node:fs";
import { describe, expect, it } from "vitest";
import { configJsonSchemas, schemaFiles } from "../../src/config/index.js";
import { loadRules } from "../../src/check/registry.js";

const ruleEntries = async () => (await loadRules()).map(({ meta }) => ({ id: meta.id, description: meta.description }));

interface JsonSchemaNode {
  description?: string;
  properties?: Record<string, JsonSchemaNode>;
  items?: JsonSchemaNode;
  additionalProperties?: JsonSchemaNode | boolean;
}

/** Paths of object properties that carry no description. */
function undescribed(node: JsonSchemaNode, at = ""): string[] {
  const missing: string[] = [];
  for (const [key, child] of Object.entries(node.properties ?? {})) {
    if (!child.description) missing.push(`${at}${key}`);
    missing.push(...undescribed(child, `${at}${key}.`));
  }
  if (node.items) missing.push(...undescribed(node.items, `${at}[].`));
  if (typeof node.additionalProperties === "object") missing.push(...undescribed(node.additionalProperties, `${at}*.`));
  return missing;
}

/** Every field as docs/manifest.md names it: `regions.home`, `databases.<name>.env`, `dependsOn[].kind`. */
function fieldNames(node: JsonSchemaNode, at = ""): string[] {
  const names: string[] = [];
  for (const [key, child] of Object.entries(node.properties ?? {})) {
    if (key === "$schema") continue;
    names.push(`${at}${key}`);
    names.push(...fieldNames(child, `${at}${key}.`));
  }
  if (node.items) names.push(...fieldNames(node.items, `${at.slice(0, -1)}[].`));
  if (typeof node.additionalProperties === "object") names.push(...fieldNames(node.additionalProperties, `${at}<name>.`));
  return names;
}

describe("JSON Schemas", () => {
  it("has every field of both files documented in docs/manifest.md", async () => {
    const docs = await fs.readFile("docs/manifest.md", "utf8");
    const { config, manifest } = configJsonSchemas();
    const fields = [...fieldNames(config as JsonSchemaNode), ...fieldNames(manifest as JsonSchemaNode)];
    expect(fields).toContain("databases.<name>.env");
    expect(fields).toContain("dependsOn[].kind");
    expect(fields.filter((field) => !docs.includes(`| \`${field}\` |`))).toStrictEqual([]);
  });

  it("are committed under schema/ exactly as generated (regenerate: node --import tsx scripts/schema.ts)", async () => {
    for (const [name, text] of Object.entries(schemaFiles(await ruleEntries()))) {
      expect(await fs.readFile(`schema/${name}`, "utf8"), name).toBe(text);
    }
  });

  it("let editors complete every rule id under rules:", async () => {
    const committed = JSON.parse(await fs.readFile("schema/topo-lint.config.schema.json", "utf8")) as {
      properties: { rules: { properties: Record<string, { enum: string[] }> } };
    };
    const rules = committed.properties.rules.properties;
    expect(Object.keys(rules)).toEqual((await ruleEntries()).map((rule) => rule.id));
    expect(rules["soft-calls-to-home"].enum).toEqual(["off", "warn", "error"]);
  });

  it("describe every field of both files", () => {
    const { config, manifest } = configJsonSchemas();
    expect(undescribed(config as JsonSchemaNode)).toStrictEqual([]);
    expect(undescribed(manifest as JsonSchemaNode)).toStrictEqual([]);
  });

  it("list the top-level keys and the required ones of each file", () => {
    const { config, manifest } = configJsonSchemas() as Record<string, { properties: object; required: string[]; title: string }>;
    expect([config.title, Object.keys(config.properties), config.required]).toStrictEqual([
      "topo-lint config",
      ["$schema", "regions", "services", "databases", "exclude", "softWrappers", "infrastructure", "docsUrl", "modules", "rules"],
      ["regions", "services"],
    ]);
    expect([manifest.title, Object.keys(manifest.properties), manifest.required]).toStrictEqual([
      "topo-lint service manifest",
      ["$schema", "name", "placement", "source", "address", "entrypoints", "owns", "dependsOn"],
      ["name", "placement"],
    ]);
  });
});
