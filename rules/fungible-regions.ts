// fungible-regions: a region can take another's customers only if it runs the same infrastructure. Each serving region
// is one instance of the same Terraform module with the same inputs, apart from the few that must differ per region.
import { defineRule } from "../src/check/rule.js";
import type { RegionalModule, RuleFinding } from "../src/model.js";
import { comparePositions, compareText, inReportOrder } from "../src/graph/queries.js";

export default defineRule(
  {
    id: "fungible-regions",
    description: "A serving region's Terraform module differs from the other regions' (source, version or inputs), or is missing.",
    defaultSeverity: "error",
  },
  ({ graph, config }) => {
    const infrastructure = graph.getAttribute("infrastructure");
    if (infrastructure === undefined) return [];
    const perRegion = new Set(config.infrastructure?.perRegionInputs ?? []);
    const serving = config.regions.serving;
    const findings: RuleFinding[] = [];
    const bySource = new Map<string, RegionalModule[]>();
    for (const module of infrastructure.modules) {
      if (!serving.includes(module.region)) continue;
      bySource.set(module.source, [...(bySource.get(module.source) ?? []), module]);
    }
    for (const [source, modules] of [...bySource].sort(([a], [b]) => compareText(a, b))) {
      // A module only home instantiates is home's own infrastructure, not a region's copy.
      if (modules.every((module) => module.region === config.regions.home)) continue;
      // In file order, so the later block in a region is the second one; for_each instances share a block: by address.
      modules.sort((a, b) => comparePositions(a.location, b.location) || compareText(a.address, b.address));
      const reference = referenceModule(modules, config.regions.home, perRegion);
      const seen = new Map<string, RegionalModule>();
      for (const module of modules) {
        const first = seen.get(module.region);
        if (first !== undefined) {
          findings.push(at(module, `${module.address} is a second module of ${source} in ${module.region} (${first.address} is the first): each region is one instance of the regional module`));
          continue;
        }
        seen.set(module.region, module);
        if (module === reference) continue;
        for (const difference of differences(module, reference, perRegion)) {
          findings.push(
            at(
              module,
              `${module.address} (${module.region}) differs from ${reference.address} (${reference.region}), the reference: ${difference}; ${module.region} is not fungible with ${reference.region}`,
            ),
          );
        }
      }
      for (const region of serving) {
        if (seen.has(region)) continue;
        findings.push({
          ...at(reference, `${region} has no module of ${source}, which ${reference.address} instantiates for ${reference.region}: every serving region runs one instance of the regional module`),
          target: region,
        });
      }
    }
    return inReportOrder(findings);
  },
);

function at(module: RegionalModule, message: string): RuleFinding {
  return { message, target: module.region, location: module.location, symbol: `${module.location.file}#${module.address.replace(/\[.*$/, "")}` };
}

/** The inputs compared: all but the per-region ones and the one that names the module's region. */
function compared(module: RegionalModule, perRegion: Set<string>): string[] {
  return Object.keys(module.inputs)
    .filter((name) => !perRegion.has(name) && module.regionFrom !== `input ${name}`)
    .sort(compareText);
}

/** Home's module when home serves; otherwise the most common shape (ties: the first in file order). */
function referenceModule(modules: RegionalModule[], home: string, perRegion: Set<string>): RegionalModule {
  const homes = modules.filter((module) => module.region === home);
  if (homes.length > 0) return homes[0];
  const shape = (module: RegionalModule): string =>
    JSON.stringify([module.version ?? null, compared(module, perRegion).map((name) => [name, module.inputs[name].value ?? module.inputs[name].text])]);
  const counts = new Map<string, number>();
  for (const module of modules) counts.set(shape(module), (counts.get(shape(module)) ?? 0) + 1);
  let best = modules[0];
  for (const module of modules) if ((counts.get(shape(module)) ?? 0) > (counts.get(shape(best)) ?? 0)) best = module;
  return best;
}

/** How a module differs from the reference, one phrase per difference; undecidable values are not compared. */
function differences(module: RegionalModule, reference: RegionalModule, perRegion: Set<string>): string[] {
  const found: string[] = [];
  if ((module.version ?? "") !== (reference.version ?? "")) {
    found.push(`version ${module.version ?? "(none)"} here, ${reference.version ?? "(none)"} in the reference`);
  }
  const own = compared(module, perRegion);
  const theirs = compared(reference, perRegion);
  for (const name of own.filter((input) => !theirs.includes(input))) found.push(`input ${name} is set here but not in the reference`);
  for (const name of theirs.filter((input) => !own.includes(input))) found.push(`input ${name} is set in the reference but not here`);
  for (const name of own.filter((input) => theirs.includes(input))) {
    const mine = module.inputs[name];
    const other = reference.inputs[name];
    // A value that cannot be decided is not compared (the reading lists it as undecided), except that the same
    // expression in every region, not varying per instance, is the same value.
    if (mine.value !== undefined && other.value !== undefined) {
      if (mine.value !== other.value) found.push(`input ${name} is ${mine.value} here, ${other.value} in the reference`);
    } else if (mine.value === undefined && other.value === undefined && !mine.perInstance && !other.perInstance && mine.text === other.text) {
      continue;
    }
  }
  return found;
}
