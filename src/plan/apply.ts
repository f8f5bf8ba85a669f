// `plan --apply`: carries out a plan's mechanical steps on the working tree — hostnames and manifests, the copy,
// the prunes — through ts-morph, and after each one runs the real `check` on the real tree and holds its findings
// against the ones the plan predicted. It stops before the first step that needs judgement and prints that step
// as a checklist with files and lines.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { Project, SyntaxKind, ts as morphTs, type CallExpression, type ImportDeclaration, type Node, type SourceFile, type VariableStatement } from "ts-morph";
import picomatch from "picomatch";
import { isScalar, isSeq, parseDocument, type Document } from "yaml";
import { UserError } from "../errors.js";
import { check } from "../index.js";
import type { Finding, ServiceManifest } from "../model.js";
import { compareText } from "../graph/queries.js";
import type { Plan, PlanStep } from "./plan.js";
import { dedupeFindings, relocation, type Relocation } from "./steps.js";
import { movePackage, packageJudgement, sourceFilesUnder } from "./apply-package.js";
import { packagedRelocation } from "./package.js";
import { resolveRelative, treeProblems } from "./tree-check.js";

export interface ApplyOptions {
  /** Apply steps up to this one (1-based); default: every mechanical step. */
  through?: number;
  /** One git commit per applied step. */
  commit: boolean;
}

/** A finding as predicted and actual ones are compared: rule, severity, service, target and file. */
export interface FindingKey {
  rule: string;
  severity: string;
  service: string;
  target: string;
  file: string;
}

export interface AppliedStep {
  number: number;
  title: string;
  /** What was written, deleted and edited, root-relative. */
  edits: string[];
  /** Checklist items outside the repository (traffic weights) that the step also needs. */
  outside: string[];
  predicted: FindingKey[];
  actual: FindingKey[];
  /** TypeScript diagnostics this step introduced ("file: TS2307 Cannot find module …"). */
  diagnostics: string[];
  /** Imports a side's process entry reaches that no longer resolve ("file:line:column: cannot find <specifier>"). */
  missing: string[];
  /** Dangling imports the step could not remove whole, for a person to finish. */
  handEdits: string[];
  commit?: string;
}

export interface ApplyResult {
  applied: AppliedStep[];
  /** The first step left undone: the one that needs judgement, or the one after `--through`. */
  stopped?: { number: number; title: string; why: string; checklist: string[] };
  /** Every applied step's actual findings equal its predicted ones, and it introduced no diagnostic or missing module. */
  ok: boolean;
}

/** Applies `plan` (planned on `root`) to the working tree of `root`. */
export async function applyPlan(root: string, plan: Plan, options: ApplyOptions): Promise<ApplyResult> {
  const absolute = path.resolve(root);
  requireCleanGit(absolute);
  if (options.through !== undefined && (!Number.isInteger(options.through) || options.through < 1 || options.through > plan.steps.length)) {
    throw new UserError(`--through ${options.through} is not a step of this plan`, { hint: `steps are numbered 1 to ${plan.steps.length}` });
  }
  const monolith = manifestOf(plan.before.config.services, plan.service);
  const move = relocation(monolith, plan.into);
  // Each step is held to the problems the tree had before it: one a step introduced is reported at that step only.
  let baseline = treeProblems(absolute, plan, move);
  const applied: AppliedStep[] = [];
  const last = Math.min(options.through ?? plan.steps.length, plan.steps.length);
  let previous = plan.before;
  for (let index = 0; index < plan.steps.length; index++) {
    const step = plan.steps[index];
    const number = index + 1;
    const judgement = needsJudgement(absolute, plan, step);
    if (judgement !== undefined) {
      return { applied, stopped: { number, title: step.title, why: judgement, checklist: checklistOf(plan, step, move) }, ok: applied.every(agrees) };
    }
    const unremovable = handEditsOf(absolute, plan, step, move);
    if (unremovable.length > 0) {
      const checklist = [...unremovable, ...step.changes];
      return { applied, stopped: { number, title: step.title, why: "some code that loads a file this step deletes cannot be removed whole", checklist }, ok: applied.every(agrees) };
    }
    if (number > last) {
      return { applied, stopped: { number, title: step.title, why: `--through ${last}`, checklist: [] }, ok: applied.every(agrees) };
    }
    const edits: string[] = [];
    const outside: string[] = [];
    const handEdits: string[] = [];
    carryOut(absolute, plan, step, move, edits, outside, handEdits);
    writeManifests(absolute, previous.config.services, step.state.config.services, edits);
    previous = step.state;
    const run = await check(absolute, { cache: false });
    const problems = treeProblems(absolute, plan, move);
    const result: AppliedStep = {
      number,
      title: step.title,
      edits,
      outside,
      predicted: keysOf(step.result.findings),
      actual: keysOf(run.result.findings),
      diagnostics: problems.diagnostics.filter((line) => !baseline.diagnostics.includes(line)),
      missing: newProblems(problems.missing, baseline.missing),
      handEdits,
    };
    baseline = problems;
    if (options.commit) result.commit = commitStep(absolute, `${plan.into} mitosis, step ${number}: ${step.title}`);
    applied.push(result);
  }
  return { applied, ok: applied.every(agrees) };
}

/** The missing modules not already missing before the first step (compared by the monolith file they come from). */
function newProblems(now: string[], before: string[]): string[] {
  const key = (entry: string): string => entry.split("\u0000")[1] ?? entry;
  const earlier = new Set(before.map(key));
  return now.filter((entry) => !earlier.has(key(entry))).map((entry) => entry.split("\u0000")[0]);
}

function agrees(step: AppliedStep): boolean {
  return sameKeys(step.predicted, step.actual) && step.diagnostics.length === 0 && step.missing.length === 0 && step.handEdits.length === 0;
}

// ─── Steps ──────────────────────────────────────────────────────────────────────

/** Why a step cannot be carried out mechanically, or undefined when it can. */
function needsJudgement(root: string, plan: Plan, step: PlanStep): string | undefined {
  if (step.kind === "package") return plan.sharedPackage === undefined ? undefined : packageJudgement(root, plan.sharedPackage);
  if (step.kind !== "remedies") return undefined;
  const remedied = plan.databases.filter((database) => database.owner !== plan.into);
  if (remedied.length === 0) return undefined;
  return `each query on ${remedied.map((database) => database.name).join(", ")} gets its remedy (a cache, signed IDs, a write queue or a call): code only a person can write`;
}

function carryOut(root: string, plan: Plan, step: PlanStep, move: Relocation, edits: string[], outside: string[], handEdits: string[]): void {
  switch (step.kind) {
    case "copy":
      copyFolder(root, move.from, move.to, edits);
      renamePackage(root, move.to, plan.service, plan.into, edits);
      listManifest(root, plan.before.config.configFile, move.file(manifestOf(plan.before.config.services, plan.service).manifest), edits);
      return;
    case "route":
      outside.push(...step.changes.filter((change) => change.startsWith("weight ")));
      return;
    case "prune-copy": {
      const deleted = [...plan.modules.stay, ...plan.unreached].map(move.file);
      removeCode(root, deleted, plan.mount.unmountFromNew.map((at) => ({ ...at, file: move.file(at.file), to: move.file(at.to) })), edits, handEdits);
      return;
    }
    case "prune-monolith":
      removeCode(root, plan.modules.move, plan.mount.unmountFromRest, edits, handEdits);
      return;
    case "package":
      if (plan.sharedPackage !== undefined) handEdits.push(...movePackage(root, plan.sharedPackage, move, edits));
      return;
    default:
      // hostname, owners, deploy: the manifests say it all.
      return;
  }
}

/**
 * The dangling imports of a prune step that cannot be removed whole (an `import` whose binding is used elsewhere),
 * read on the tree as it is before the step (the copy's files are the monolith's, so they are read there).
 */
function handEditsOf(root: string, plan: Plan, step: PlanStep, move: Relocation): string[] {
  const sites = step.kind === "prune-copy" ? plan.mount.unmountFromNew : step.kind === "prune-monolith" ? plan.mount.unmountFromRest : [];
  const stranded = strandedImports(root, plan, step, move);
  if (sites.length === 0) return stranded;
  const project = new Project({ skipFileDependencyResolution: true, compilerOptions: { allowJs: true, noLib: true } });
  const named = (file: string): string => (step.kind === "prune-copy" ? move.file(file) : file);
  const items: string[] = [];
  for (const site of sites) {
    const existing = project.getSourceFile(path.join(root, named(site.file))) ?? project.addSourceFileAtPath(path.join(root, named(site.file)));
    if (statementAt(existing, site.line, site.column) === undefined) {
      items.push(`${named(site.file)}:${site.line}:${site.column} loads ${named(site.to)}, which this step deletes: remove the import and what uses it`);
    }
  }
  return [...items, ...stranded];
}

/**
 * Relative imports of a file a prune deletes from a file it keeps that no entrypoint reaches through that import (a
 * test or a seed script of the moved code): the import would dangle, and whether the file goes, moves or changes
 * is for a person.
 */
function strandedImports(root: string, plan: Plan, step: PlanStep, move: Relocation): string[] {
  if (step.kind !== "prune-copy" && step.kind !== "prune-monolith") return [];
  const copy = step.kind === "prune-copy";
  const deleted = new Set(copy ? [...plan.modules.stay, ...plan.unreached].map(move.file) : plan.modules.move);
  const unmount = new Set((copy ? plan.mount.unmountFromNew : plan.mount.unmountFromRest).map((at) => `${copy ? move.file(at.file) : at.file}:${at.line}`));
  const items: string[] = [];
  for (const file of sourceFilesUnder(root, copy ? move.to : move.from)) {
    if (deleted.has(file)) continue;
    const text = fs.readFileSync(path.join(root, file), "utf8");
    if (!/\bimport\b|\brequire\s*\(/.test(text)) continue;
    let lines: morphTs.SourceFile | undefined;
    for (const imported of morphTs.preProcessFile(text, true, true).importedFiles) {
      if (!imported.fileName.startsWith(".")) continue;
      const target = resolveRelative(root, file, imported.fileName);
      if (target === undefined || !deleted.has(target)) continue;
      lines ??= morphTs.createSourceFile(file, text, morphTs.ScriptTarget.Latest, false);
      const { line, character } = morphTs.getLineAndCharacterOfPosition(lines, imported.pos);
      if (unmount.has(`${file}:${line + 1}`)) continue;
      items.push(`${file}:${line + 1}:${character + 1} loads ${target}, which this step deletes: decide whether ${file} goes, moves or changes`);
    }
  }
  return items;
}

function copyFolder(root: string, from: string, to: string, edits: string[]): void {
  const target = path.join(root, to);
  if (fs.existsSync(target)) throw new UserError(`${to} exists already: the copy needs a folder of its own`, { hint: "choose another --into, or remove the folder" });
  fs.cpSync(path.join(root, from), target, {
    recursive: true,
    filter: (source) => !source.split(path.sep).includes("node_modules"),
  });
  edits.push(`copied ${from} to ${to}`);
}

/** The config's `services:` globs must find the copy's manifest: when none matches it, its path is added. */
function listManifest(root: string, configFile: string, manifest: string, edits: string[]): void {
  const file = path.join(root, configFile);
  if (!fs.existsSync(file) || !/\.ya?ml$/.test(file)) return;
  const document = parseDocument(fs.readFileSync(file, "utf8"));
  const globs = document.get("services");
  const list = isSeq(globs) ? globs.items.map((item) => String(isScalar(item) ? item.value : item)) : [];
  if (list.length === 0 || picomatch(list, { dot: true })(manifest)) return;
  (globs as { add(value: unknown): void }).add(manifest);
  fs.writeFileSync(file, document.toString({ lineWidth: 0, flowCollectionPadding: false }));
  edits.push(`${configFile}: services lists ${manifest}`);
}

/** The copy's package.json names the new service ("@acme/shop" → "@acme/links"). */
function renamePackage(root: string, folder: string, service: string, into: string, edits: string[]): void {
  const file = path.join(root, folder, "package.json");
  if (!fs.existsSync(file)) return;
  const text = fs.readFileSync(file, "utf8");
  const manifest = JSON.parse(text) as { name?: unknown };
  if (typeof manifest.name !== "string") return;
  const slash = manifest.name.lastIndexOf("/");
  const scope = slash === -1 ? "" : manifest.name.slice(0, slash + 1);
  const base = manifest.name.slice(slash + 1);
  const renamed = `${scope}${base === service ? into : `${base}-${into}`}`;
  fs.writeFileSync(file, text.replace(JSON.stringify(manifest.name), JSON.stringify(renamed)));
  edits.push(`${folder}/package.json: name ${renamed}`);
}

/**
 * Deletes `files` and removes each statement that imports one of them where it mounts it (an `app.use(…, require(…))`
 * line), through ts-morph so the statements go whole.
 */
export function removeCode(
  root: string,
  files: string[],
  unmount: { file: string; line: number; column: number; to: string }[],
  edits: string[],
  handEdits: string[],
): void {
  const project = new Project({ useInMemoryFileSystem: false, skipFileDependencyResolution: true, compilerOptions: { allowJs: true, noLib: true } });
  const byFile = new Map<string, { line: number; column: number; to: string }[]>();
  for (const at of unmount) byFile.set(at.file, [...(byFile.get(at.file) ?? []), at]);
  for (const [file, sites] of [...byFile].sort(([a], [b]) => compareText(a, b))) {
    const source = project.addSourceFileAtPath(path.join(root, file));
    // Bottom up, so removing one statement leaves the lines of the others where the plan found them.
    for (const site of [...sites].sort((a, b) => b.line - a.line || b.column - a.column)) {
      const statement = statementAt(source, site.line, site.column);
      if (statement === undefined) {
        handEdits.push(`${file}:${site.line}:${site.column} loads ${site.to}, which this step deletes: remove that use by hand`);
        continue;
      }
      statement.remove();
      edits.push(`${file}:${site.line}: removed the code that loads ${site.to}`);
    }
    source.saveSync();
  }
  for (const file of [...files].sort(compareText)) {
    const absolute = path.join(root, file);
    if (!fs.existsSync(absolute)) continue;
    fs.rmSync(absolute);
    edits.push(`deleted ${file}`);
    removeEmptyFolders(root, path.dirname(file));
  }
}

/**
 * The code holding an import that a prune leaves dangling, when it can go whole: the getter, method or property of
 * an object or class that loads the file (`get posts() { return require("./posts") }`), or the statement that
 * mounts it (`app.use("/admin", require("./admin")())`). A `const x = require(…)` inside a function is not removed:
 * what uses `x` needs a person.
 */
function statementAt(source: SourceFile, line: number, column: number): { remove(): void } | undefined {
  const position = source.compilerNode.getPositionOfLineAndCharacter(line - 1, column - 1);
  const node = source.getDescendantAtPos(position);
  if (node === undefined) return undefined;
  for (let current: Node | undefined = node; current !== undefined; current = current.getParent()) {
    const parent = current.getParent();
    if (parent === undefined) return undefined;
    const member =
      current.isKind(SyntaxKind.GetAccessor) ||
      current.isKind(SyntaxKind.SetAccessor) ||
      current.isKind(SyntaxKind.MethodDeclaration) ||
      current.isKind(SyntaxKind.PropertyAssignment) ||
      current.isKind(SyntaxKind.PropertyDeclaration);
    if (member && (parent.isKind(SyntaxKind.ObjectLiteralExpression) || parent.isKind(SyntaxKind.ClassDeclaration) || parent.isKind(SyntaxKind.ClassExpression))) {
      return current as unknown as { remove(): void };
    }
    if (current.isKind(SyntaxKind.ExpressionStatement) && (parent.isKind(SyntaxKind.Block) || parent.isKind(SyntaxKind.SourceFile))) return current;
    if (current.isKind(SyntaxKind.ImportDeclaration)) return mountingImport(current, importBindings(current));
    if (current.isKind(SyntaxKind.VariableStatement) && parent.isKind(SyntaxKind.SourceFile)) return mountingImport(current, requireBindings(current));
    if (parent.isKind(SyntaxKind.SourceFile)) return undefined;
  }
  return undefined;
}

function importBindings(declaration: ImportDeclaration): Node[] {
  const bindings: (Node | undefined)[] = [declaration.getDefaultImport(), declaration.getNamespaceImport(), ...declaration.getNamedImports().map((named) => named.getAliasNode() ?? named.getNameNode())];
  return bindings.filter((binding): binding is Node => binding !== undefined);
}

/** `const x = require("./admin/app");` at the top level: its one binding; none for any other statement. */
function requireBindings(statement: VariableStatement): Node[] {
  const declarations = statement.getDeclarations();
  if (declarations.length !== 1) return [];
  const initializer = declarations[0].getInitializer();
  const name = declarations[0].getNameNode();
  const required =
    initializer !== undefined && initializer.isKind(SyntaxKind.CallExpression) && initializer.getExpression().getText() === "require" && initializer.getArguments().length === 1;
  return required && name.isKind(SyntaxKind.Identifier) ? [name] : [];
}

/**
 * A top-level `import x from "./tag.controller"` (or `const x = require(…)`) whose bindings are only mounted —
 * passed to `app.use(…, x);` as a statement, or to `.use(…, x)` as a link of a chain (`Router().use(a).use(x)`) —
 * goes whole with each mount (the link is cut from its chain); any other use of a binding needs a person.
 */
function mountingImport(declaration: ImportDeclaration | VariableStatement, bindings: Node[]): { remove(): void } | undefined {
  const mounts: CallExpression[] = [];
  for (const binding of bindings) {
    if (!binding.isKind(SyntaxKind.Identifier)) return undefined;
    for (const reference of binding.findReferencesAsNodes()) {
      if (reference.getSourceFile() !== declaration.getSourceFile() || reference.getStart() === binding.getStart() || declaration.containsRange(reference.getPos(), reference.getEnd())) continue;
      const call = reference.getParent();
      if (call === undefined || !call.isKind(SyntaxKind.CallExpression) || !call.getArguments().includes(reference)) return undefined;
      if (!call.getExpression().isKind(SyntaxKind.PropertyAccessExpression)) return undefined;
      mounts.push(call);
    }
  }
  // A statement that is no `require` at all is for a person; an import nothing uses goes as it is.
  if (bindings.length === 0 && declaration.isKind(SyntaxKind.VariableStatement)) return undefined;
  return {
    remove(): void {
      for (const call of mounts.sort((a, b) => b.getStart() - a.getStart())) {
        const parent = call.getParentOrThrow();
        if (parent.isKind(SyntaxKind.ExpressionStatement)) parent.remove();
        else call.replaceWithText(call.getExpression().asKindOrThrow(SyntaxKind.PropertyAccessExpression).getExpression().getText());
      }
      // Its lines go, and nothing else: the blank line that parts the imports from the code stays.
      const source = declaration.getSourceFile();
      const text = source.getFullText();
      const start = declaration.getStartLinePos(true);
      const newline = text.indexOf("\n", declaration.getEnd());
      source.removeText(start, newline === -1 ? text.length : newline + 1);
    },
  };
}

function removeEmptyFolders(root: string, folder: string): void {
  for (let current = folder; current !== "." && current !== ""; current = path.dirname(current)) {
    const absolute = path.join(root, current);
    if (!fs.existsSync(absolute) || fs.readdirSync(absolute).length > 0) return;
    fs.rmdirSync(absolute);
  }
}

// ─── Manifests ──────────────────────────────────────────────────────────────────

/** Writes each manifest whose fields the step changed, keeping the file's comments and layout elsewhere. */
function writeManifests(root: string, before: ServiceManifest[], after: ServiceManifest[], edits: string[]): void {
  for (const next of after) {
    const old = before.find((service) => service.name === next.name) ?? before.find((service) => service.manifest === next.manifest);
    const file = path.join(root, next.manifest);
    if (!fs.existsSync(file)) continue;
    const document = parseDocument(fs.readFileSync(file, "utf8"));
    const changed = updateManifest(document, old, next);
    if (changed.length === 0) continue;
    fs.writeFileSync(file, document.toString({ lineWidth: 0, flowCollectionPadding: false }));
    edits.push(`${next.manifest}: ${changed.join(", ")}`);
  }
}

function updateManifest(document: Document, old: ServiceManifest | undefined, next: ServiceManifest): string[] {
  const changed: string[] = [];
  const folder = path.posix.dirname(next.manifest);
  const local = (glob: string): string => (folder === "." ? glob : path.posix.relative(folder, glob) || ".");
  const set = (keys: string[], value: unknown, previous: unknown, flow: boolean): void => {
    if (old !== undefined && JSON.stringify(value) === JSON.stringify(previous)) return;
    const empty = Array.isArray(value) && value.length === 0;
    if (empty) {
      if (document.hasIn(keys)) document.deleteIn(keys);
    } else {
      document.setIn(keys, document.createNode(value, { flow }));
    }
    changed.push(keys.join("."));
  };
  if (old === undefined || old.name !== next.name) {
    document.set("name", next.name);
    changed.push("name");
  }
  if (old === undefined || old.placement !== next.placement) {
    document.set("placement", next.placement);
    changed.push("placement");
  }
  set(["address", "hostnames"], next.address.hostnames, old?.address.hostnames, true);
  set(["address", "env"], next.address.env, old?.address.env, true);
  for (const kind of ["requests", "background", "health"] as const) {
    set(["entrypoints", kind], next.entrypoints[kind].map(local), old?.entrypoints[kind].map(local), true);
  }
  const entrypoints = document.get("entrypoints");
  if (entrypoints !== undefined && entrypoints !== null && typeof entrypoints === "object" && "items" in entrypoints && Array.isArray(entrypoints.items) && entrypoints.items.length === 0) {
    document.delete("entrypoints");
  }
  set(["owns"], next.owns.map((owned) => owned.database), old?.owns.map((owned) => owned.database), true);
  const dependsOn = (manifest: ServiceManifest | undefined): Record<string, string>[] | undefined =>
    manifest?.dependsOn.map((decl) => ({
      ...(decl.service !== undefined ? { service: decl.service } : { database: decl.database ?? "" }),
      ...(decl.service !== undefined && decl.kind !== "hard" ? { kind: decl.kind } : {}),
      ...(decl.purpose !== "other" ? { purpose: decl.purpose } : {}),
    }));
  const nextDepends = dependsOn(next) ?? [];
  if (old === undefined || JSON.stringify(nextDepends) !== JSON.stringify(dependsOn(old))) {
    if (nextDepends.length === 0) {
      if (document.has("dependsOn")) document.delete("dependsOn");
    } else {
      const list = document.createNode(nextDepends);
      for (const item of (list as { items: { flow?: boolean }[] }).items) item.flow = true;
      document.set("dependsOn", list);
    }
    changed.push("dependsOn");
  }
  return changed;
}

function manifestOf(services: ServiceManifest[], name: string): ServiceManifest {
  const found = services.find((service) => service.name === name);
  if (found === undefined) throw new Error(`no service ${name} in the plan`);
  return found;
}

// ─── Checks on the real tree ────────────────────────────────────────────────────

function keysOf(findings: Finding[]): FindingKey[] {
  const keys = dedupeFindings(findings).map((finding) => ({
    rule: finding.rule,
    severity: finding.severity,
    service: finding.service ?? "",
    target: finding.target ?? "",
    file: finding.location.file,
  }));
  const seen = new Set<string>();
  return keys
    .filter((key) => {
      const text = keyText(key);
      if (seen.has(text)) return false;
      seen.add(text);
      return true;
    })
    .sort((a, b) => compareText(keyText(a), keyText(b)));
}

function keyText(key: FindingKey): string {
  return `${key.severity} ${key.rule} ${key.service}${key.target === "" ? "" : ` → ${key.target}`} at ${key.file}`;
}

function sameKeys(a: FindingKey[], b: FindingKey[]): boolean {
  return JSON.stringify(a.map(keyText)) === JSON.stringify(b.map(keyText));
}

// ─── Git ────────────────────────────────────────────────────────────────────────

function git(root: string, args: string[]): { status: number; stdout: string; stderr: string } {
  const run = spawnSync("git", args, { cwd: root, encoding: "utf8" });
  if (run.error) throw new UserError(`--apply needs git: ${run.error.message}`);
  return { status: run.status ?? 1, stdout: run.stdout, stderr: run.stderr };
}

export function requireCleanGit(root: string): void {
  if (git(root, ["rev-parse", "--is-inside-work-tree"]).stdout.trim() !== "true") {
    throw new UserError(`${root} is not in a git working tree`, { hint: "--apply changes files: run it in a git checkout, so every step can be reviewed and undone" });
  }
  const status = git(root, ["status", "--porcelain", "--", "."]).stdout.trim();
  if (status !== "") {
    const first = status.split("\n").slice(0, 5).join("; ");
    throw new UserError(`the git tree has uncommitted changes (${first})`, { hint: "commit or stash them first: --apply refuses a dirty tree, so its changes can be told from yours" });
  }
}

function commitStep(root: string, message: string): string {
  const add = git(root, ["add", "-A", "--", "."]);
  if (add.status !== 0) throw new UserError(`git add failed: ${add.stderr.trim()}`);
  const commit = git(root, ["commit", "--quiet", "--allow-empty", "-m", message]);
  if (commit.status !== 0) throw new UserError(`git commit failed: ${commit.stderr.trim()}`, { hint: "set user.name and user.email for this repository" });
  return git(root, ["rev-parse", "--short", "HEAD"]).stdout.trim();
}

// ─── Checklist and report ───────────────────────────────────────────────────────

/** The step that needs judgement, as a checklist: each change, and each query with its file and line. */
function checklistOf(plan: Plan, step: PlanStep, move: Relocation): string[] {
  const items = step.changes.map((change) => change);
  // Once the shared package exists, the new side's files are where it put them.
  const packaged = plan.sharedPackage !== undefined && plan.sharedPackage.problems.length === 0 && step.kind !== "package";
  const moved = packaged ? packagedRelocation(move, plan.sharedPackage) : move;
  for (const database of plan.databases) {
    for (const access of database.accesses) {
      items.push(`${moved.file(access.file)}:${access.line}:${access.column} ${access.text} (${access.operation}${access.table !== undefined ? ` ${access.table}` : ""}): ${access.remedy}`);
    }
  }
  for (const module of packaged ? [] : plan.shared.filter((shared) => shared.recommendation === "package")) {
    items.push(`${module.file} (${module.lines} lines) and its copy ${move.file(module.file)}: ${module.why}`);
  }
  for (const blocker of plan.blockers) {
    items.push(`blocked at ${blocker.location.file}:${blocker.location.line}: ${blocker.why}`);
  }
  return items;
}

/** The apply run as text: per step what changed and predicted against actual findings, then where it stopped. */
export function applyText(result: ApplyResult): string {
  const lines: string[] = [];
  for (const step of result.applied) {
    const verdict = agrees(step) ? "as predicted" : "DIFFERS from the plan";
    lines.push(`step ${step.number}: ${step.title}${step.commit !== undefined ? ` (commit ${step.commit})` : ""} — ${verdict}`);
    for (const edit of step.edits) lines.push(`  ${edit}`);
    for (const item of step.outside) lines.push(`  [ ] outside the repository: ${item}`);
    const predicted = new Set(step.predicted.map(keyText));
    const actual = new Set(step.actual.map(keyText));
    lines.push(`  findings: ${step.predicted.length} predicted, ${step.actual.length} actual`);
    for (const key of [...new Set([...predicted, ...actual])].sort(compareText)) {
      const mark = predicted.has(key) && actual.has(key) ? "=" : predicted.has(key) ? "- predicted only:" : "+ actual only:";
      lines.push(`    ${mark} ${key}`);
    }
    for (const diagnostic of step.diagnostics) lines.push(`  new TypeScript diagnostic: ${diagnostic}`);
    for (const missing of step.missing) lines.push(`  missing module: ${missing}`);
    for (const item of step.handEdits) lines.push(`  [ ] ${item}`);
  }
  if (result.stopped !== undefined) {
    const { number, title, why, checklist } = result.stopped;
    lines.push(`stopped before step ${number}: ${title} — ${why}`);
    for (const item of checklist) lines.push(`  [ ] ${item}`);
  } else {
    lines.push("every step applied");
  }
  lines.push(result.ok ? "the tree agrees with the plan after every applied step" : "the tree differs from the plan: see the steps marked DIFFERS");
  return `${lines.join("\n")}\n`;
}
