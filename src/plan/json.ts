// `plan --format json`: the plan in the shape DESIGN.md fixes (service, into, placement, modules, databases,
// steps), with the evidence behind each choice in further keys.
import type { Plan } from "./plan.js";

/** The plan as JSON text, keys in a fixed order, ending with a newline. */
export function planJson(plan: Plan): string {
  const document = {
    service: plan.service,
    into: plan.into,
    placement: plan.placement,
    entrypoints: {
      extracted: plan.entrypoints.extracted.map((entry) => ({ file: entry.file, kinds: entry.kinds })),
      rest: plan.entrypoints.rest.map((entry) => ({ file: entry.file, kinds: entry.kinds })),
    },
    modules: { move: plan.modules.move, stay: plan.modules.stay, shared: plan.modules.shared },
    sharedModules: plan.shared.map((module) => ({
      file: module.file,
      lines: module.lines,
      recommendation: module.recommendation,
      why: module.why,
    })),
    ...(plan.sharedPackage !== undefined
      ? {
          sharedPackage: {
            name: plan.sharedPackage.name,
            folder: plan.sharedPackage.folder,
            modules: plan.sharedPackage.modules.map((module) => ({ file: module.file, to: module.to, specifier: module.specifier, why: module.why })),
            problems: plan.sharedPackage.problems,
          },
        }
      : {}),
    unreached: plan.unreached,
    mount: plan.mount,
    databases: plan.databases.map((database) => ({
      name: database.name,
      owner: database.owner,
      accessFromNew: database.accessFromNew.map((at) => ({ file: at.file, line: at.line })),
      ...(database.remedy !== undefined ? { remedy: database.remedy } : {}),
      ...(database.undecidable === true ? { undecidable: true } : {}),
      ownersBefore: database.ownersBefore,
      why: database.why,
      accesses: database.accesses.map((access) => ({
        file: access.file,
        line: access.line,
        column: access.column,
        symbol: access.symbol,
        operation: access.operation,
        ...(access.table !== undefined ? { table: access.table } : {}),
        ...(access.keyedBy !== undefined ? { keyedBy: access.keyedBy } : {}),
        query: access.text,
        remedy: access.remedy,
        why: access.why,
      })),
    })),
    calls: plan.calls.map((call) => ({
      from: call.from,
      to: call.to,
      kind: call.kind,
      ...(call.purpose !== undefined ? { purpose: call.purpose } : {}),
      reason: call.reason,
      location: { file: call.file, line: call.line, column: call.column },
      findings: call.findings,
    })),
    findingsBefore: plan.findingsBefore,
    steps: plan.steps.map((step) => ({ title: step.title, changes: step.changes, findingsAfter: step.findingsAfter })),
    blocked: plan.blockers.length > 0,
    blockers: plan.blockers.map((finding) => ({
      rule: finding.rule,
      message: finding.message,
      ...(finding.service !== undefined ? { service: finding.service } : {}),
      ...(finding.target !== undefined ? { target: finding.target } : {}),
      location: finding.location,
      why: finding.why,
    })),
    metrics: plan.metrics,
  };
  return `${JSON.stringify(document, null, 2)}\n`;
}
