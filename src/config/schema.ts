// The shapes of topo-lint.config.yaml and of a service manifest, as zod schemas: one source for validation and for the
// JSON Schemas that editors use to complete and check both files.
import { z } from "zod";

const RULE_SETTINGS = ["off", "warn", "error"] as const;
export const PLACEMENTS = ["home", "regional"] as const;
export const CALL_KINDS = ["hard", "soft"] as const;
export const PURPOSES = ["cache-warm", "telemetry", "write-flush", "other"] as const;
export const MODULE_EXTRACTORS = ["auto", "own", "dependency-cruiser"] as const;

const name = (what: string) => z.string().min(1).describe(what);
const strings = (what: string) => z.array(z.string().min(1)).default([]).describe(what);

// The `$schema` key lets a JSON file name its schema for editors; it means nothing to topo-lint.
const schemaKey = z.string().optional().describe("The JSON Schema of this file, for editors. Ignored by topo-lint.");

export const databaseSchema = z
  .strictObject({
    engine: z.string().optional().describe('What the database is ("postgres", "redis", …). Free text, for people.'),
    env: strings(
      "Environment variables that hold the database's connection string. Code reading one of them connects to the database.",
    ).meta({ examples: [["ORDERS_DATABASE_URL"]] }),
    hosts: strings("Hostnames that identify the database in URLs and connection strings.").meta({
      examples: [["orders-db.internal"]],
    }),
  })
  .describe("A database: how code that connects to it is recognised.");

export const infrastructureSchema = z
  .strictObject({
    terraform: z
      .array(z.string().min(1))
      .min(1)
      .describe(
        "Globs of Terraform files (.tf), relative to the analysed root. Each glob must match at least one .tf file. They are parsed, never planned or applied; local modules they call are read too.",
      )
      .meta({ examples: [["infra/**/*.tf"]] }),
    perRegionInputs: strings(
      "The only module inputs allowed to differ between the regional modules of different regions (the input that names the region always may).",
    ).meta({ examples: [["region", "cidr_block"]] }),
  })
  .describe("The infrastructure behind the regions: Terraform configuration checked by the infrastructure rules.");

export const configSchema = z
  .strictObject({
    $schema: schemaKey,
    regions: z
      .strictObject({
        home: name("The home region, where the monolith and every home service run.").meta({ examples: ["us-west-2"] }),
        serving: z
          .array(z.string().min(1))
          .min(1)
          .describe("The regions where regional services run. May include the home region.")
          .meta({ examples: [["us-west-2", "eu-west-1", "af-south-1"]] }),
      })
      .describe("The home region and the serving regions."),
    services: z
      .array(z.string().min(1))
      .min(1)
      .describe("Globs of service manifests, relative to the analysed root. Each glob must match at least one file.")
      .meta({ examples: [["services/*/topo.service.yaml"]] }),
    databases: z
      .record(z.string(), databaseSchema)
      .default({})
      .describe("The databases, by name. Names are unique across services, databases and regions."),
    exclude: strings(
      "Globs (relative to the analysed root) of files left out of the analysis, on top of node_modules, dist, build, coverage, *.d.ts and .gitignore'd files.",
    ).meta({ examples: [["**/*.test.ts", "**/__tests__/**"]] }),
    softWrappers: strings("Functions whose callback arguments run soft: calls inside them never hold up a request.").meta({
      examples: [["softCall"]],
    }),
    infrastructure: infrastructureSchema.optional(),
    docsUrl: z
      .string()
      .regex(/^https?:\/\/[^\s/]+\S*$/, "expected an http(s) URL")
      .optional()
      .describe(
        "The URL of topo-lint's docs/ folder where your reviewers can read it; rule links in reports become <docsUrl>/rules/<id>.md. Without it, reports name each rule's page inside the topo-lint package.",
      )
      .meta({ examples: ["https://git.example.com/platform/topo-lint/-/blob/main/docs"] }),
    modules: z
      .enum(MODULE_EXTRACTORS)
      .optional()
      .describe(
        "Where module edges come from. own: topo-lint's own resolver (workspaces, tsconfig paths, package.json imports). dependency-cruiser: also dependency-cruiser's resolution, for imports the own resolver cannot follow (bundler aliases); needs the dependency-cruiser package installed. auto (the default): dependency-cruiser when the root's .dependency-cruiser.js, .cjs or .json holds an alias the own resolver does not know (options.alias, enhancedResolveOptions.alias, the resolve.alias of its webpackConfig, the paths of its tsConfig); these configs are read as data and never run. The --modules flag overrides it.",
      )
      .meta({ examples: ["dependency-cruiser"] }),
    rules: z
      .record(z.string(), z.enum(RULE_SETTINGS).describe("off, warn or error."))
      .default({})
      .describe("Severity per rule id: off, warn or error. Rules not named keep their default.")
      .meta({ examples: [{ "unused-dependency": "warn" }] }),
  })
  .describe("topo-lint topology config: regions, where the service manifests are, databases and rule settings.");

export const dependencySchema = z
  .strictObject({
    service: z.string().min(1).optional().describe("The service called. Set exactly one of service / database."),
    database: z.string().min(1).optional().describe("The database connected to. Set exactly one of service / database."),
    kind: z
      .enum(CALL_KINDS)
      .default("hard")
      .describe("hard: a request can wait on the call; soft: it never does. A database connection is always hard."),
    purpose: z
      .enum(PURPOSES)
      .default("other")
      .describe("Why the call is made: cache-warm, telemetry, write-flush or other."),
  })
  .describe("A declared call to a service or connection to a database.");

export const manifestSchema = z
  .strictObject({
    $schema: schemaKey,
    name: name("The service's name. Unique across services, databases and regions.").meta({ examples: ["links"] }),
    placement: z
      .enum(PLACEMENTS)
      .describe("home: runs only in the home region; regional: runs in every serving region."),
    source: z
      .array(z.string().min(1))
      .optional()
      .describe(
        "Folders holding the service's own code, relative to this file's folder. Default: this file's folder. Two services' folders never overlap.",
      )
      .meta({ examples: [["src"]] }),
    address: z
      .strictObject({
        hostnames: strings('Hostname patterns of the service; "{region}" stands for a region name or a run-time value.').meta(
          { examples: [["links.{region}.example.com"]] },
        ),
        env: strings("Environment variables holding the service's address. Reading one is holding the address.").meta({
          examples: [["LINKS_URL"]],
        }),
        clients: strings("Packages whose calls are calls to this service.").meta({ examples: [["@acme/links-client"]] }),
      })
      .default({ hostnames: [], env: [], clients: [] })
      .describe("How other code refers to this service."),
    entrypoints: z
      .strictObject({
        requests: strings(
          "Globs (relative to this file's folder) of files whose exported functions serve requests, besides detected route handlers.",
        ).meta({ examples: [["src/server.ts"]] }),
        background: strings("Globs of files whose exported functions run out of band (jobs, timers, consumers).").meta({
          examples: [["src/jobs/*.ts"]],
        }),
        health: strings("Globs of files whose exported functions answer the health check.").meta({
          examples: [["src/health.ts"]],
        }),
      })
      .default({ requests: [], background: [], health: [] })
      .describe("Where the service's code starts running."),
    owns: strings("The databases this service owns: the only service that connects to them.").meta({
      examples: [["orders-db"]],
    }),
    dependsOn: z
      .array(dependencySchema)
      .default([])
      .describe("What the service declares it calls and connects to.")
      .meta({ examples: [[{ service: "config", kind: "soft", purpose: "cache-warm" }, { database: "orders-db" }]] }),
  })
  .describe("topo-lint service manifest: one service, where it runs, how it is addressed and what it depends on.");

export type ConfigInput = z.output<typeof configSchema>;
export type ManifestInput = z.output<typeof manifestSchema>;

/** The JSON Schemas of topo-lint.config.yaml and of a service manifest (draft-07, which editors support best). */
/** A rule editors can complete under `rules:`. */
export interface RuleEntry {
  id: string;
  description: string;
}

/** The JSON Schemas; `rules` (the rules/ folder's ids) lets editors complete rule ids under `rules:`. */
export function configJsonSchemas(rules: readonly RuleEntry[] = []): { config: object; manifest: object } {
  return {
    config: jsonSchema(configSchema, "topo-lint config", rules),
    manifest: jsonSchema(manifestSchema, "topo-lint service manifest", rules),
  };
}

function jsonSchema(schema: z.ZodType, title: string, rules: readonly RuleEntry[]): object {
  const generated = z.toJSONSchema(schema, {
    target: "draft-07",
    io: "input",
    override: ({ zodSchema, jsonSchema }) => {
      // "Exactly one of service / database" is checked in code; the schema says it too so editors flag it.
      if (zodSchema === dependencySchema) {
        jsonSchema.oneOf = [{ required: ["service"] }, { required: ["database"] }];
      }
      if (zodSchema === configSchema.shape.rules && rules.length > 0) {
        const setting = { enum: [...RULE_SETTINGS] };
        jsonSchema.properties = Object.fromEntries(rules.map((rule) => [rule.id, { ...setting, description: rule.description }]));
      }
    },
  });
  const { $schema, ...rest } = generated as Record<string, unknown>;
  return { $schema, title, ...rest };
}

/** The committed schema files (under schema/), by file name, exactly as they are written. */
export function schemaFiles(rules: readonly RuleEntry[] = []): Record<string, string> {
  const { config, manifest } = configJsonSchemas(rules);
  return {
    "topo-lint.config.schema.json": `${JSON.stringify(config, null, 2)}\n`,
    "topo-lint.service.schema.json": `${JSON.stringify(manifest, null, 2)}\n`,
  };
}
