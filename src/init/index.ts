// `topo-lint init`: proposes a starting config and one service manifest per deployable app of a workspace, writes
// them (never over an existing file unless forced) and says what the user should decide next.
import { promises as fs } from "node:fs";
import path from "node:path";
import { CONFIG_NAMES } from "../config/discover.js";
import { UserError } from "../errors.js";
import { configText, manifestPath, manifestText, PLACEHOLDER_REGION } from "./files.js";
import { proposeDatabases, proposeServices, type ProposedDatabase, type ProposedService, type ScannedPackage } from "./propose.js";
import { scanPackage } from "./scan.js";
import { compareText, exists, findWorkspace } from "./workspace.js";

export type { ProposedDatabase, ProposedService } from "./propose.js";

export interface InitOptions {
  /** Overwrite files that already exist. */
  force?: boolean;
  /** Write nothing; report what would be written. */
  dryRun?: boolean;
}

/** One file init proposes. */
export interface InitFile {
  /** Root-relative path. */
  path: string;
  /** create: not there yet; overwrite: there, and replaced (force); keep: there, and left alone. */
  action: "create" | "overwrite" | "keep";
  content: string;
}

export interface InitResult {
  /** Absolute path of the root. */
  root: string;
  dryRun: boolean;
  /** The workspace tools found ("npm workspaces", "nx", …), sorted. */
  tools: string[];
  /** Root-relative folders of the packages looked at, sorted. */
  packages: string[];
  services: ProposedService[];
  databases: ProposedDatabase[];
  /** The config first, then the manifests by path. */
  files: InitFile[];
  /** What the user should decide or do next, in order. */
  nextSteps: string[];
}

export async function init(root: string, options: InitOptions = {}): Promise<InitResult> {
  const absoluteRoot = path.resolve(root);
  let rootStat;
  try {
    rootStat = await fs.stat(absoluteRoot);
  } catch {
    throw new UserError(`the root folder ${absoluteRoot} does not exist`);
  }
  if (!rootStat.isDirectory()) throw new UserError(`the root ${absoluteRoot} is a file; expected a folder`);

  const workspace = await findWorkspace(absoluteRoot);
  const folders = workspace.packages.map((pkg) => pkg.folder);
  const scanned: ScannedPackage[] = [];
  for (const pkg of workspace.packages) {
    // A package's code excludes the packages nested in it (the root package excludes all of them).
    const nested = folders.filter((other) => other !== pkg.folder && (pkg.folder === "" || other.startsWith(`${pkg.folder}/`)));
    scanned.push({ pkg, scan: await scanPackage(absoluteRoot, pkg, nested) });
  }
  const services = proposeServices(scanned);
  const databases = proposeDatabases(scanned, services);

  // An existing config of another extension counts as the config: loadConfig refuses two of them.
  const existingConfig = await firstExisting(absoluteRoot, [...CONFIG_NAMES]);
  const proposed = [
    { path: existingConfig ?? CONFIG_NAMES[0], content: configText(workspace.tools, services, databases) },
    ...services
      .map((service) => ({ path: manifestPath(service), content: manifestText(service) }))
      .sort((a, b) => compareText(a.path, b.path)),
  ];
  const files: InitFile[] = [];
  for (const file of proposed) {
    const present = await exists(path.join(absoluteRoot, file.path));
    // The proposal is YAML: an existing JSON config is never replaced by it, even when forced.
    const action = !present ? "create" : options.force && !file.path.endsWith(".json") ? "overwrite" : "keep";
    files.push({ path: file.path, action, content: file.content });
  }
  if (!options.dryRun) {
    for (const file of files) {
      if (file.action === "keep") continue;
      await fs.mkdir(path.dirname(path.join(absoluteRoot, file.path)), { recursive: true });
      await fs.writeFile(path.join(absoluteRoot, file.path), file.content);
    }
  }

  return {
    root: absoluteRoot,
    dryRun: options.dryRun === true,
    tools: workspace.tools,
    packages: folders,
    services,
    databases,
    files,
    nextSteps: nextSteps(services, databases, files),
  };
}

/** Connection vars with no name of their own in front, which deployments often point at a database each. */
const PER_DEPLOYMENT_ENV = /^(?:DATABASE|DB|MONGO|MONGODB|REDIS|POSTGRES|POSTGRESQL|PG|MYSQL|MARIADB|SQLITE)_(?:URL|URI|DSN)$/;

function nextSteps(services: ProposedService[], databases: ProposedDatabase[], files: InitFile[]): string[] {
  const steps: string[] = [];
  const kept = files.filter((file) => file.action === "keep").map((file) => file.path);
  if (kept.length > 0) steps.push(`Compare the proposal with the files kept as they were: ${kept.join(", ")}.`);
  if (services.length === 0) {
    steps.push(
      "No deployable app was found (a server entry, a Dockerfile or a start script): write a topo.service.yaml for each service and list it under services: in the config.",
    );
  }
  steps.push(`Replace the placeholder region ${PLACEHOLDER_REGION} with your home region and your serving regions.`);
  if (services.length > 0) {
    steps.push(
      `Decide which services go regional (${services.length === 1 ? "it is" : services.length === 2 ? "both are" : `all ${services.length} are`} placed home): ${services.map((service) => service.name).join(", ")}. ` +
        "Set placement: regional in the manifest of each one that should serve from every region.",
    );
  }
  for (const database of databases) {
    if (database.owner === undefined) {
      steps.push(
        `Choose the owner of ${database.name} (read by ${database.readers.join(", ")}): list it under owns in that service's manifest; the others should call the owner.` +
          (database.env.some((env) => PER_DEPLOYMENT_ENV.test(env))
            ? ` If each service's ${database.env.join("/")} points at a database of its own, declare one database per service with that same env var and let each own its one.`
            : ""),
      );
    }
  }
  steps.push("Add hostnames and client packages under address, so calls between services are recognised.");
  steps.push("Run `topo-lint check`, then `topo-lint graph --format mermaid` to see the topology.");
  return steps;
}

async function firstExisting(root: string, names: string[]): Promise<string | undefined> {
  for (const name of names) if (await exists(path.join(root, name))) return name;
  return undefined;
}

/** The result as text for a terminal: what was (or would be) written, the services and databases found, next steps. */
export function renderInitResult(result: InitResult): string {
  const lines: string[] = [];
  const found = result.tools.length > 0 ? result.tools.join(", ") : "no workspace tool (the root package alone)";
  lines.push(
    `topo-lint init: ${found}; ${count(result.packages.length, "package")}, ${count(result.services.length, "service")}, ${count(result.databases.length, "database")}`,
    "",
  );
  const verb = (action: InitFile["action"]) =>
    action === "keep" ? "kept" : result.dryRun ? (action === "create" ? "would write" : "would overwrite") : action === "create" ? "wrote" : "overwrote";
  const width = Math.max(...result.files.map((file) => verb(file.action).length));
  for (const file of result.files) {
    const note =
      file.action !== "keep" ? "" : file.path.endsWith(".json") ? " (exists; a JSON config is never replaced)" : " (exists; --force overwrites it)";
    lines.push(`${verb(file.action).padEnd(width)}  ${file.path}${note}`);
  }
  if (result.services.length > 0) {
    lines.push("", "Services (all placed home):");
    const nameWidth = Math.max(...result.services.map((service) => service.name.length));
    for (const service of result.services) {
      lines.push(`  ${service.name.padEnd(nameWidth)}  ${service.folder === "" ? "." : service.folder}  (${service.reasons.join(", ")})`);
    }
  }
  if (result.databases.length > 0) {
    lines.push("", "Databases:");
    const nameWidth = Math.max(...result.databases.map((database) => database.name.length));
    for (const database of result.databases) {
      const owner = database.owner !== undefined ? `owner ${database.owner}` : `owner undecided (read by ${database.readers.join(", ")})`;
      lines.push(`  ${database.name.padEnd(nameWidth)}  env ${database.env.join(", ")}; ${owner}`);
    }
  }
  lines.push("", "Next:");
  result.nextSteps.forEach((step, index) => lines.push(`  ${index + 1}. ${step}`));
  if (result.dryRun) {
    for (const file of result.files) {
      if (file.action === "keep") continue;
      lines.push("", `--- ${file.path}`, file.content.trimEnd());
    }
  }
  return `${lines.join("\n")}\n`;
}

function count(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}
