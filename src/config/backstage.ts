// Reads Backstage catalog files (catalog-info.yaml) matched by the config's `services:` globs: Components become
// services, Resources of type database become databases, and `spec.dependsOn` entity references become dependsOn.
import path from "node:path";
import { isMap, isScalar, LineCounter, parseAllDocuments } from "yaml";
import { z } from "zod";
import { didYouMean, UserError } from "../errors.js";
import type { DatabaseDecl, DependencyDecl, Placement, Position, ServiceManifest } from "../model.js";
import { foldersIn, pathKind } from "./discover.js";
import { plainValue, sameKey, SourceDocument } from "./document.js";
import { validate } from "./issues.js";
import type { DeclaredService } from "./load.js";
import { resolvePath } from "./paths.js";
import { PLACEMENTS } from "./schema.js";

/** The annotations topo-lint reads; any other `topo-lint.dev/…` annotation is a misspelling. */
export const ANNOTATIONS = {
  placement: "topo-lint.dev/placement",
  hostnames: "topo-lint.dev/hostnames",
  env: "topo-lint.dev/env",
  owns: "topo-lint.dev/owns",
  source: "topo-lint.dev/source",
  engine: "topo-lint.dev/engine",
} as const;
const ANNOTATION_PREFIX = "topo-lint.dev/";

/** A Component without a placement annotation stays in home: home is what the code already is, and never breaks the region rules by being there. */
export const DEFAULT_PLACEMENT: Placement = "home";

/** Only Components and Resources are read; their other fields (owner, lifecycle, system, …) are Backstage's business. */
const entitySchema = z.looseObject({
  apiVersion: z.string(),
  kind: z.string().min(1),
  metadata: z.looseObject({
    name: z.string().min(1),
    namespace: z.string().min(1).optional(),
    annotations: z.record(z.string(), z.string()).default({}),
  }),
  spec: z
    .looseObject({
      type: z.string().optional(),
      dependsOn: z.array(z.string().min(1)).default([]),
    })
    .default({ dependsOn: [] }),
});

/** An entity as a reference names it: kind and namespace lower-cased, as Backstage compares them. */
interface EntityKey {
  kind: string;
  namespace: string;
  name: string;
}

/** A `spec.dependsOn` item or `owns` item still to be resolved once every service and database is known. */
interface PendingReference {
  service: DeclaredService;
  written: string;
  location: Position;
  label: string;
  /** dependsOn items become DependencyDecls; owns items name databases only. */
  role: "dependsOn" | "owns";
}

/** What one catalog file declares. */
export interface Catalog {
  file: string;
  services: DeclaredService[];
  databases: DatabaseDecl[];
  /** Entities read but not modelled (APIs, Systems, libraries, other Resources): references to them are skipped. */
  ignored: EntityKey[];
  /** Entities modelled, with the topo-lint name they carry. */
  entities: { key: EntityKey; role: "service" | "database" }[];
  pending: PendingReference[];
}

/** Whether a file matched by `services:` is a Backstage catalog rather than a topo-lint manifest. */
export function isBackstageCatalog(file: string, text: string): boolean {
  if (file.endsWith(".json")) return false;
  // A topo-lint manifest has no apiVersion key (its schema is strict), so any Backstage apiVersion decides it.
  return /^apiVersion:[ \t]*["']?([\w-]+\.)*backstage\.io\//m.test(text);
}

/** Reads every entity of one multi-document catalog file; positions are in the whole file. */
export async function readCatalog(root: string, file: string, text: string): Promise<Catalog> {
  const lines = new LineCounter();
  const documents = parseAllDocuments(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: sameKey });
  const catalog: Catalog = { file, services: [], databases: [], ignored: [], entities: [], pending: [] };
  const list = Array.isArray(documents) ? documents : [];
  for (const document of list) {
    const error = document.errors[0];
    if (error) {
      const { line, col } = lines.linePos(error.pos[0]);
      const message = error.code === "DUPLICATE_KEY" ? "a key appears twice in the same mapping" : oneLine(error.message);
      throw new UserError(`YAML syntax error: ${message}`, { location: { file, line, column: col } });
    }
  }
  const folder = path.posix.dirname(file) === "." ? "" : path.posix.dirname(file);
  for (const document of list) {
    if (document.contents === null || (isScalar(document.contents) && document.contents.value === null)) continue;
    const source = new SourceDocument(file, plainValue(file, document, lines), document, lines);
    if (!isMap(document.contents)) {
      throw new UserError("expected a Backstage entity (a mapping with apiVersion, kind and metadata)", {
        location: source.start(),
      });
    }
    const value = source.value as Record<string, unknown>;
    // Documents of other tools (or other Backstage plugins' kinds with foreign apiVersions) are not entities to read.
    if (typeof value.apiVersion !== "string" || !/^([\w-]+\.)*backstage\.io\//.test(value.apiVersion)) continue;
    const kind = typeof value.kind === "string" ? value.kind.toLowerCase() : undefined;
    if (kind !== "component" && kind !== "resource") {
      if (kind === undefined) validate(source, entitySchema); // reports the missing or wrong kind at its position
      const metadata = value.metadata as { name?: unknown; namespace?: unknown } | undefined;
      if (typeof metadata?.name === "string") {
        catalog.ignored.push(entityKey(kind ?? "", metadata.namespace, metadata.name));
      }
      continue;
    }
    const entity = validate(source, entitySchema);
    const key = entityKey(kind, entity.metadata.namespace, entity.metadata.name);
    const annotations = entity.metadata.annotations;
    checkAnnotationNames(source, annotations);
    const location = source.keyAt(["metadata", "name"]);

    if (kind === "resource") {
      if (entity.spec.type !== "database") {
        catalog.ignored.push(key);
        continue;
      }
      const database: DatabaseDecl = {
        name: entity.metadata.name,
        env: listAnnotation(annotations, ANNOTATIONS.env),
        hosts: listAnnotation(annotations, ANNOTATIONS.hostnames),
        location,
      };
      const engine = annotations[ANNOTATIONS.engine]?.trim();
      if (engine) database.engine = engine;
      catalog.databases.push(database);
      catalog.entities.push({ key, role: "database" });
      continue;
    }

    // A library is shared code, attributed to every service that imports it, never a service of its own.
    if (entity.spec.type === "library") {
      catalog.ignored.push(key);
      continue;
    }
    const placementText = annotations[ANNOTATIONS.placement]?.trim();
    let placement = DEFAULT_PLACEMENT;
    if (placementText !== undefined) {
      if (!(PLACEMENTS as readonly string[]).includes(placementText)) {
        const suggestion = didYouMean(placementText, PLACEMENTS);
        throw new UserError(
          `annotation ${ANNOTATIONS.placement}: expected home or regional, found "${placementText}"`,
          suggestion
            ? { location: annotationAt(source, ANNOTATIONS.placement), hint: suggestion }
            : { location: annotationAt(source, ANNOTATIONS.placement) },
        );
      }
      placement = placementText as Placement;
    }
    const { source: sourceFolders, sourceLocations, sourceDefaulted } = await readSource(
      root,
      folder,
      source,
      annotations,
      location,
      entity.metadata.name,
    );
    const manifest: ServiceManifest = {
      name: entity.metadata.name,
      placement,
      manifest: file,
      location,
      source: sourceFolders,
      address: {
        hostnames: listAnnotation(annotations, ANNOTATIONS.hostnames),
        env: listAnnotation(annotations, ANNOTATIONS.env),
        clients: [],
      },
      entrypoints: { requests: [], background: [], health: [] },
      owns: [],
      dependsOn: [],
    };
    const service: DeclaredService = { manifest, sourceLocations, sourceDefaulted };
    catalog.services.push(service);
    catalog.entities.push({ key, role: "service" });

    const ownsAt = annotationAt(source, ANNOTATIONS.owns);
    for (const [index, item] of splitList(annotations[ANNOTATIONS.owns] ?? "").entries()) {
      catalog.pending.push({
        service,
        written: item.text,
        location: itemPosition(text, lines, ownsAt, annotations[ANNOTATIONS.owns] ?? "", item.offset),
        label: `annotation ${ANNOTATIONS.owns}[${index}]`,
        role: "owns",
      });
    }
    for (const [index, written] of entity.spec.dependsOn.entries()) {
      catalog.pending.push({
        service,
        written,
        location: source.valueAt(["spec", "dependsOn", index]),
        label: `spec.dependsOn[${index}]`,
        role: "dependsOn",
      });
    }
  }
  return catalog;
}

/**
 * Fills `owns` and `dependsOn` of the catalogs' services from their entity references, now that every service and
 * database is known (native manifests and config databases count as entities in the default namespace).
 */
export function resolveCatalogReferences(catalogs: Catalog[], serviceNames: string[], databaseNames: string[]): void {
  const modelled = new Map<string, { role: "service" | "database"; name: string }>();
  const add = (key: EntityKey, role: "service" | "database") => modelled.set(keyText(key), { role, name: key.name });
  // Names from catalogs carry their own namespace; the rest (manifests, config databases) live in "default".
  const fromCatalogs = new Set(catalogs.flatMap((catalog) => catalog.entities.map((entity) => `${entity.role}:${entity.key.name}`)));
  for (const name of serviceNames) {
    if (!fromCatalogs.has(`service:${name}`)) add({ kind: "component", namespace: "default", name }, "service");
  }
  for (const name of databaseNames) {
    if (!fromCatalogs.has(`database:${name}`)) add({ kind: "resource", namespace: "default", name }, "database");
  }
  for (const catalog of catalogs) for (const entity of catalog.entities) add(entity.key, entity.role);
  const ignored = new Set(catalogs.flatMap((catalog) => catalog.ignored.map(keyText)));

  for (const catalog of catalogs) {
    for (const reference of catalog.pending) {
      const target = resolveReference(reference, modelled, ignored, serviceNames, databaseNames);
      if (target === undefined) continue;
      const { manifest } = reference.service;
      if (reference.role === "owns") {
        if (target.role !== "database") {
          throw new UserError(`${reference.label}: "${reference.written}" is a service; owns lists databases`, {
            location: reference.location,
          });
        }
        const first = manifest.owns.find((owned) => owned.database === target.name);
        if (first) throw listedTwice(reference, `database "${target.name}"`, first.location);
        manifest.owns.push({ database: target.name, location: reference.location });
        continue;
      }
      const first = manifest.dependsOn.find((other) =>
        target.role === "service" ? other.service === target.name : other.database === target.name,
      );
      if (first) throw listedTwice(reference, `${target.role} "${target.name}"`, first.location);
      // Backstage has no words for soft calls: a dependency declared here is hard, as in a manifest that omits `kind`.
      const declared: DependencyDecl =
        target.role === "service"
          ? { service: target.name, kind: "hard", purpose: "other", location: reference.location }
          : { database: target.name, kind: "hard", purpose: "other", location: reference.location };
      manifest.dependsOn.push(declared);
    }
  }
}

function resolveReference(
  reference: PendingReference,
  modelled: Map<string, { role: "service" | "database"; name: string }>,
  ignored: Set<string>,
  serviceNames: string[],
  databaseNames: string[],
): { role: "service" | "database"; name: string } | undefined {
  const parsed = parseReference(reference.written);
  if (parsed === undefined) {
    throw new UserError(`${reference.label}: "${reference.written}" is not an entity reference`, {
      location: reference.location,
      hint: "write [<kind>:][<namespace>/]<name>, e.g. component:default/links or resource:orders-db",
    });
  }
  // owns names databases, so a bare name there is a Resource; a bare dependsOn name may be either kind.
  const kinds = parsed.kind !== undefined ? [parsed.kind] : reference.role === "owns" ? ["resource"] : ["component", "resource"];
  for (const kind of kinds) {
    const key = keyText({ kind, namespace: parsed.namespace, name: parsed.name });
    const found = modelled.get(key);
    if (found) return found;
    if (ignored.has(key)) return undefined;
  }
  const wanted = kinds.length === 1 && kinds[0] === "resource" ? "database" : kinds.length === 1 && kinds[0] === "component" ? "service" : "entity";
  const known = wanted === "database" ? databaseNames : wanted === "service" ? serviceNames : [...serviceNames, ...databaseNames];
  const suggestion = didYouMean(parsed.name, known);
  throw new UserError(`${reference.label}: unknown ${wanted} "${reference.written}"`, {
    location: reference.location,
    hint:
      suggestion ??
      "references name a Component or a Resource of type database declared in a file matched by services:, a topo-lint manifest or a config database",
  });
}

/** `[kind:][namespace/]name`, kind and namespace lower-cased; the namespace defaults to "default". */
function parseReference(written: string): { kind?: string; namespace: string; name: string } | undefined {
  const match = /^(?:([^:/\s]+):)?(?:([^:/\s]+)\/)?([^:/\s]+)$/.exec(written.trim());
  if (!match) return undefined;
  const result: { kind?: string; namespace: string; name: string } = {
    namespace: (match[2] ?? "default").toLowerCase(),
    name: match[3],
  };
  if (match[1] !== undefined) result.kind = match[1].toLowerCase();
  return result;
}

function entityKey(kind: string, namespace: unknown, name: string): EntityKey {
  return { kind: kind.toLowerCase(), namespace: typeof namespace === "string" ? namespace.toLowerCase() : "default", name };
}

function keyText(key: EntityKey): string {
  return `${key.kind}:${key.namespace}/${key.name}`;
}

function listedTwice(reference: PendingReference, what: string, first: Position): UserError {
  return new UserError(`${reference.label}: ${what} is listed twice (first at ${first.file}:${first.line}:${first.column})`, {
    location: reference.location,
  });
}

/** A misspelt topo-lint annotation would otherwise be ignored silently, leaving a service in the wrong place. */
function checkAnnotationNames(source: SourceDocument, annotations: Record<string, string>): void {
  const known = Object.values(ANNOTATIONS) as string[];
  for (const name of Object.keys(annotations)) {
    if (!name.startsWith(ANNOTATION_PREFIX) || known.includes(name)) continue;
    const suggestion = didYouMean(name, known);
    throw new UserError(`unknown annotation "${name}"; expected one of ${known.join(", ")}`, {
      location: source.keyAt(["metadata", "annotations", name]),
      ...(suggestion ? { hint: suggestion } : {}),
    });
  }
}

/** The source folders: `topo-lint.dev/source` (relative to the catalog file's folder), or else that folder. */
async function readSource(
  root: string,
  folder: string,
  source: SourceDocument,
  annotations: Record<string, string>,
  nameLocation: Position,
  name: string,
): Promise<{ source: string[]; sourceLocations: Position[]; sourceDefaulted: boolean }> {
  const written = annotations[ANNOTATIONS.source];
  if (written === undefined) {
    if (folder === "") {
      throw new UserError(
        `the source of service "${name}" would be the whole analysed root (the catalog file's folder, by default); expected a folder inside it`,
        { location: nameLocation, hint: `set the annotation ${ANNOTATIONS.source} to the folders that hold the service's own code` },
      );
    }
    return { source: [folder], sourceLocations: [nameLocation], sourceDefaulted: true };
  }
  const at = annotationAt(source, ANNOTATIONS.source);
  const hint = `paths in ${ANNOTATIONS.source} are relative to the catalog file's folder (${folder === "" ? "the analysed root" : folder})`;
  const folders: string[] = [];
  const locations: Position[] = [];
  const items = splitList(written);
  if (items.length === 0) {
    throw new UserError(`annotation ${ANNOTATIONS.source}: expected at least one folder`, { location: at });
  }
  for (const [index, item] of items.entries()) {
    const label = `annotation ${ANNOTATIONS.source}[${index}]`;
    const resolved = resolvePath(root, folder, item.text);
    if (resolved === undefined) throw new UserError(`${label}: "${item.text}" points outside the analysed root`, { location: at, hint });
    if (resolved === "") {
      throw new UserError(`${label}: "${item.text}" is the whole analysed root; expected a folder inside it`, { location: at });
    }
    const kind = await pathKind(path.join(root, resolved));
    if (kind === undefined) {
      const suggestion = didYouMean(path.posix.basename(item.text), await foldersIn(path.dirname(path.join(root, resolved))));
      throw new UserError(`${label}: folder "${resolved}" does not exist`, { location: at, hint: suggestion ?? hint });
    }
    if (kind === "file") throw new UserError(`${label}: "${resolved}" is a file; expected a folder`, { location: at });
    if (!folders.includes(resolved)) {
      folders.push(resolved);
      locations.push(at);
    }
  }
  return { source: folders, sourceLocations: locations, sourceDefaulted: false };
}

function annotationAt(source: SourceDocument, name: string): Position {
  return source.valueAt(["metadata", "annotations", name]);
}

/** Annotation values are strings; lists in them are comma-separated. */
function listAnnotation(annotations: Record<string, string>, name: string): string[] {
  return splitList(annotations[name] ?? "").map((item) => item.text);
}

function splitList(value: string): { text: string; offset: number }[] {
  const items: { text: string; offset: number }[] = [];
  const pattern = /[^,]+/g;
  for (let match = pattern.exec(value); match; match = pattern.exec(value)) {
    const text = match[0].trim();
    if (text !== "") items.push({ text, offset: match.index + match[0].indexOf(text) });
  }
  return items;
}

/**
 * Where one comma-separated item of an annotation value sits, when the value is written on one line as it reads
 * (plain or quoted without escapes); otherwise the value's start.
 */
function itemPosition(text: string, lines: LineCounter, valueAt: Position, value: string, offset: number): Position {
  const lineStart = lines.lineStarts[valueAt.line - 1];
  if (lineStart === undefined) return valueAt;
  const start = lineStart + valueAt.column - 1;
  const quoted = text[start] === '"' || text[start] === "'" ? 1 : 0;
  if (text.slice(start + quoted, start + quoted + value.length) !== value) return valueAt;
  return { ...valueAt, column: valueAt.column + quoted + offset };
}

function oneLine(message: string): string {
  const sentence = message.replace(/\s+/g, " ").trim();
  return sentence.charAt(0).toLowerCase() + sentence.slice(1);
}
