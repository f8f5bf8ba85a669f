// Finds the packages of a workspace for `init`: npm/yarn `workspaces`, pnpm-workspace.yaml, Nx project.json
// applications and turbo.json (which uses the package manager's workspaces).
import { promises as fs } from "node:fs";
import path from "node:path";
import { readRegularFile } from "../analyze/read.js";
import picomatch from "picomatch";
import { parse as parseYaml } from "yaml";

/** Folders never searched: installed, built or version-control content. */
export const NEVER_SEARCHED = new Set(["node_modules", "dist", "build", "coverage", ".git", ".next", ".nx", ".turbo", "out"]);

export interface PackageJson {
  name?: string;
  scripts?: Record<string, string>;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  workspaces?: unknown;
}

/** A folder that could hold a deployable app. */
export interface WorkspacePackage {
  /** Root-relative folder ("" for the root of a single-package repository). */
  folder: string;
  /** The package.json or project.json name; the folder's name when neither has one. */
  name: string;
  packageJson?: PackageJson;
  /** Nx project.json says `projectType: application`. */
  nxApplication: boolean;
}

export interface Workspace {
  /** The tools that declared the packages, sorted ("npm workspaces", "nx", "pnpm workspaces", "turbo", "yarn workspaces"). */
  tools: string[];
  /** Sorted by folder. Without any workspace tool: the root package alone. */
  packages: WorkspacePackage[];
}

export async function findWorkspace(root: string): Promise<Workspace> {
  const tools = new Set<string>();
  const globs: string[] = [];
  const rootPackage = await readJson<PackageJson>(path.join(root, "package.json"));

  const declared = rootPackage?.workspaces;
  const npmGlobs = Array.isArray(declared)
    ? declared
    : typeof declared === "object" && declared !== null && Array.isArray((declared as { packages?: unknown }).packages)
      ? ((declared as { packages: unknown[] }).packages)
      : [];
  if (npmGlobs.length > 0) {
    tools.add((await exists(path.join(root, "yarn.lock"))) ? "yarn workspaces" : "npm workspaces");
    globs.push(...npmGlobs.filter((glob): glob is string => typeof glob === "string"));
  }
  const pnpmText = await readText(path.join(root, "pnpm-workspace.yaml"));
  if (pnpmText !== undefined) {
    const pnpm = parseYaml(pnpmText) as { packages?: unknown } | null;
    if (Array.isArray(pnpm?.packages)) {
      tools.add("pnpm workspaces");
      globs.push(...pnpm.packages.filter((glob): glob is string => typeof glob === "string"));
    }
  }
  if (await exists(path.join(root, "turbo.json"))) tools.add("turbo");

  const folders = new Map<string, WorkspacePackage>();
  const include = globs.filter((glob) => !glob.startsWith("!")).map(normaliseGlob);
  const excluded = globs.filter((glob) => glob.startsWith("!")).map((glob) => normaliseGlob(glob.slice(1)));
  const included = include.length > 0 ? picomatch(include) : undefined;
  const isExcluded = excluded.length > 0 ? picomatch(excluded) : () => false;

  const nxProjects: string[] = [];
  const packageFolders: string[] = [];
  await walkFolders(root, "", async (folder, files) => {
    if (folder === "") return;
    if (files.includes("project.json")) nxProjects.push(folder);
    if (files.includes("package.json") && included?.(folder) && !isExcluded(folder)) packageFolders.push(folder);
  });

  for (const folder of packageFolders) {
    const packageJson = await readJson<PackageJson>(path.join(root, folder, "package.json"));
    folders.set(folder, {
      folder,
      name: packageJson?.name ?? path.posix.basename(folder),
      ...(packageJson ? { packageJson } : {}),
      nxApplication: false,
    });
  }
  for (const folder of nxProjects) {
    const project = await readJson<{ name?: string; projectType?: string }>(path.join(root, folder, "project.json"));
    if (!project) continue;
    tools.add("nx");
    const known = folders.get(folder);
    const application = project.projectType === "application";
    if (known) {
      known.nxApplication = application;
      if (project.name) known.name = project.name;
      continue;
    }
    // Nx libraries are shared code; only applications are candidates for services.
    if (!application) continue;
    const packageJson = await readJson<PackageJson>(path.join(root, folder, "package.json"));
    folders.set(folder, {
      folder,
      name: project.name ?? packageJson?.name ?? path.posix.basename(folder),
      ...(packageJson ? { packageJson } : {}),
      nxApplication: true,
    });
  }

  if (folders.size === 0 && rootPackage) {
    folders.set("", { folder: "", name: rootPackage.name ?? path.basename(root), packageJson: rootPackage, nxApplication: false });
  }
  const packages = [...folders.values()].sort((a, b) => compareText(a.folder, b.folder));
  return { tools: [...tools].sort(compareText), packages };
}

/** Visits every folder under `folder` (skipping NEVER_SEARCHED) with the names of the files directly in it. */
export async function walkFolders(
  root: string,
  folder: string,
  visit: (folder: string, files: string[]) => Promise<void> | void,
): Promise<void> {
  let entries;
  try {
    entries = await fs.readdir(path.join(root, folder), { withFileTypes: true });
  } catch {
    return;
  }
  entries.sort((a, b) => compareText(a.name, b.name));
  await visit(
    folder,
    entries.filter((entry) => entry.isFile()).map((entry) => entry.name),
  );
  for (const entry of entries) {
    if (entry.isDirectory() && !NEVER_SEARCHED.has(entry.name)) {
      await walkFolders(root, folder === "" ? entry.name : `${folder}/${entry.name}`, visit);
    }
  }
}

function normaliseGlob(glob: string): string {
  let normal = path.posix.normalize(glob.trim());
  if (normal.startsWith("./")) normal = normal.slice(2);
  if (normal.endsWith("/")) normal = normal.slice(0, -1);
  if (normal.endsWith("/package.json")) normal = normal.slice(0, -"/package.json".length);
  return normal;
}

/** A regular file's text (never a FIFO or device, at most 4 MiB), or undefined. */
export async function readText(file: string): Promise<string | undefined> {
  const read = readRegularFile(file);
  return "text" in read ? read.text : undefined;
}

export async function readJson<T>(file: string): Promise<T | undefined> {
  const text = await readText(file);
  if (text === undefined) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === "object" && value !== null ? (value as T) : undefined;
  } catch {
    return undefined;
  }
}

export async function exists(file: string): Promise<boolean> {
  try {
    await fs.stat(file);
    return true;
  } catch {
    return false;
  }
}

export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
