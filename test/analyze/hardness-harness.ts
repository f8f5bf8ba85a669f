// Runs the hardness index over a fixture and reports, per fetch call site, its hardness and the state it fills.
import path from "node:path";
import { fileURLToPath } from "node:url";
import ts from "../../src/analyze/typescript.cjs";
import { loadConfig } from "../../src/config/index.js";
import { buildHardnessIndex } from "../../src/analyze/hardness.js";
import { buildModuleGraph } from "../../src/analyze/modules.js";
import { createSourceProgram } from "../../src/analyze/program.js";
import type { Hardness, ServiceAnalysis } from "../../src/model.js";

export const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), "../../fixtures/analyze/hardness");

export interface SiteReport {
  hardness: Hardness;
  storedInto?: string;
}

export interface CaseReport {
  /** "file:line:column fetch" of each `fetch(...)` call, "… process.env.X" of each env read → what the index says. */
  sites: Record<string, SiteReport>;
  services: Record<string, ServiceAnalysis>;
}

/** Classifies every `fetch(...)` call and env read in the fixture for the service that owns its file. */
export async function analyseCase(name: string): Promise<CaseReport> {
  const config = await loadConfig(path.join(FIXTURES, name));
  const program = createSourceProgram(config);
  const modules = buildModuleGraph(config, program);
  const index = buildHardnessIndex(config, program, modules);
  const sites: Record<string, SiteReport> = {};
  for (const file of program.files) {
    const service = modules.ownerOf.get(file);
    const source = program.sourceFile(file);
    if (service === undefined || source === undefined) continue;
    const visit = (node: ts.Node): void => {
      if (ts.isCallExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === "fetch") {
        const at = program.position(node);
        const stored = index.storedInto(node);
        sites[`${at.file}:${at.line}:${at.column} fetch`] = {
          hardness: index.classify(node, service),
          ...(stored === undefined ? {} : { storedInto: stored }),
        };
      }
      if (ts.isPropertyAccessExpression(node) && node.expression.getText() === "process.env") {
        const at = program.position(node);
        sites[`${at.file}:${at.line}:${at.column} ${node.getText()}`] = { hardness: index.classify(node, service) };
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  const services: Record<string, ServiceAnalysis> = {};
  for (const service of config.services) services[service.name] = index.serviceAnalysis(service.name);
  return { sites, services };
}
