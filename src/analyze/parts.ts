// An analysis made of parts: the parts of some services (stored by the cache while their files did not change, or made
// by another thread) and an analysis of the others. Each service's part depends only on the files it reached (its
// scope), so the merge is what a run over every service finds — the same facts, graph, reach, suppressions and
// warnings, in the same order.
import type { ImportEdge, ModuleGraph, ServiceAnalysis, SuppressionComment } from "../model.js";
import { sortDiagnostics, sortFacts } from "./order.js";
import { comparePaths } from "./files.js";
import type { StoredAnalysis } from "../cache/serialize.js";

/** A stored analysis that can give parts: it says which files each service's part read. */
export type PartedAnalysis = StoredAnalysis & Required<Pick<StoredAnalysis, "scopes" | "shared">>;

export function hasParts(analysis: StoredAnalysis): analysis is PartedAnalysis {
  return analysis.scopes !== undefined && analysis.shared !== undefined;
}

/**
 * The services of `previous` whose parts still hold: every file of their scope, and every shared file, hashes as it
 * did when `previous` was made (`unchanged`). Empty when a shared file changed.
 */
export function keptServices(previous: PartedAnalysis, services: readonly string[], unchanged: (file: string) => boolean): string[] {
  if (!previous.shared.every(unchanged)) return [];
  return services.filter((service) => previous.scopes.get(service)?.every(unchanged) ?? false);
}

/**
 * `previous`'s parts for the `kept` services with `fresh`, an analysis of the remaining ones. Per-file data (imports,
 * owners, suppressions, parse warnings) of a file `fresh` read comes from `fresh` (the same, unless it changed).
 */
export function mergeParts(previous: PartedAnalysis, kept: readonly string[], fresh: PartedAnalysis): PartedAnalysis {
  const keptSet = new Set(kept);
  const freshFiles = new Set([...fresh.shared, ...[...fresh.scopes.values()].flat()]);
  const keptFiles = new Set(kept.flatMap((service) => previous.scopes.get(service) ?? []));
  const fromPrevious = (file: string): boolean => keptFiles.has(file) && !freshFiles.has(file);

  const files = [...new Set([...previous.modules.files.filter(fromPrevious), ...fresh.modules.files])].sort(comparePaths);
  const imports = new Map<string, ImportEdge[]>();
  const ownerOf = new Map<string, string>();
  for (const file of files) {
    const source = fromPrevious(file) ? previous.modules : fresh.modules;
    imports.set(file, source.imports.get(file) ?? []);
    const owner = source.ownerOf.get(file);
    if (owner !== undefined) ownerOf.set(file, owner);
  }
  const partOf = <T>(service: string, pick: (analysis: PartedAnalysis) => T): T => pick(keptSet.has(service) ? previous : fresh);
  const names = [...new Set([...kept, ...fresh.scopes.keys()])].sort(comparePaths);
  const reach = new Map<string, Map<string, ImportEdge[]>>();
  const services = new Map<string, ServiceAnalysis>();
  const scopes = new Map<string, readonly string[]>();
  for (const service of names) {
    reach.set(service, partOf(service, (analysis) => analysis.modules.reach.get(service)) ?? new Map());
    const analysis = partOf(service, (part) => part.services.get(service));
    if (analysis !== undefined) services.set(service, analysis);
    scopes.set(service, partOf(service, (part) => part.scopes.get(service)) ?? []);
  }
  const modules: ModuleGraph = { files, imports, ownerOf, reach };

  const order = new Map(files.map((file, index) => [file, index]));
  const suppressions = [
    ...previous.suppressions.filter((comment) => fromPrevious(comment.location.file)),
    ...fresh.suppressions,
  ];
  return {
    modules,
    facts: sortFacts([...previous.facts.filter((fact) => keptSet.has(fact.service)), ...fresh.facts]),
    services,
    suppressions: inFileOrder(suppressions, order),
    diagnostics: sortDiagnostics([
      ...previous.diagnostics.filter((diagnostic) => fromPrevious(diagnostic.location.file)),
      ...fresh.diagnostics,
    ]),
    scopes,
    shared: fresh.shared,
  };
}

/** Suppression comments by their file's place among the analysed files, each file's in source order (a stable sort). */
function inFileOrder(comments: SuppressionComment[], order: ReadonlyMap<string, number>): SuppressionComment[] {
  return comments
    .map((comment, index) => ({ comment, index, file: order.get(comment.location.file) ?? Number.MAX_SAFE_INTEGER }))
    .sort((a, b) => a.file - b.file || a.index - b.index)
    .map((entry) => entry.comment);
}
