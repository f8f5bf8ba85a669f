// Reads one package's files for `init`: what makes it deployable, which environment variables its code reads,
// its Prisma datasources and the files whose exports serve requests. Text patterns only: a first guess to review.
import path from "node:path";
import { compareText, exists, readText, walkFolders, type WorkspacePackage } from "./workspace.js";
import { datasourceUrls, isPrismaSchema } from "../analyze/prisma.js";

const CODE_FILE = /\.(?:ts|tsx|js|jsx|mts|cts|mjs|cjs)$/;
const NOT_CODE = /(?:\.d\.[mc]?ts|\.(?:test|spec)\.[^.]+)$/;
const TEST_FOLDERS = new Set(["__tests__", "__mocks__", "test", "tests", "e2e"]);

/** What one package's files show. Paths are relative to the package's folder, sorted. */
export interface PackageScan {
  /** Files that start a server (`.listen(`, `createServer(`, `NestFactory.create(`). */
  serverEntries: string[];
  /** Dockerfiles at the package's top level. */
  dockerfiles: string[];
  hasStartScript: boolean;
  /** Environment variable → the files that read it. */
  envReads: Map<string, string[]>;
  /** Prisma `datasource` blocks: the env var of `url = env("X")` and the provider. */
  prisma: { env: string; provider?: string; file: string }[];
  /** Files whose exported functions serve requests (Next.js route handlers and API routes, Lambda-style `handler` exports). */
  requestEntrypoints: string[];
  hasSrcFolder: boolean;
}

const SERVER_START = [/\.listen\s*\(/, /\bcreateServer\s*\(/, /\bNestFactory\s*\.\s*create(?:Microservice)?\s*[<(]/];

const ENV_READS = [
  /\bprocess\.env\.([A-Za-z_][A-Za-z0-9_]*)/g,
  /\bprocess\.env\[\s*["'`]([A-Za-z_][A-Za-z0-9_]*)["'`]\s*\]/g,
  /\bimport\.meta\.env\.([A-Za-z_][A-Za-z0-9_]*)/g,
  /\b(?:config|configService|env)\.get(?:OrThrow)?\s*(?:<[^>()]*>)?\(\s*["'`]([A-Z_][A-Z0-9_]*)["'`]/g,
];
const ENV_DESTRUCTURE = /\{([^{}]*)\}\s*=\s*process\.env\b/g;

/** `npm run x`, `pnpm x`, `yarn x`, `pnpm run x`: the script a command hands over to. */
const RUN_SCRIPT = /^(?:npm run|pnpm(?: run)?|yarn(?: run)?)\s+([\w:.-]+)\s*$/;
/** Commands that only rebuild on change: a library's "start", not a server. */
const WATCH_ONLY = /\b(?:tsc|rollup|webpack|babel|tsup|vite build|esbuild|swc)\b[^&|;]*(?:-w\b|--watch\b)|^\S*:?watch\b|\bbuild:watch\b|\bwatch:build\b/;

/** Whether the `start` script (followed through `npm run …` hand-overs) runs something other than a build watcher. */
export function startsAServer(scripts: Record<string, unknown>): boolean {
  let command = scripts.start;
  for (let hops = 0; typeof command === "string" && hops < 4; hops++) {
    const next = RUN_SCRIPT.exec(command.trim());
    if (next === null) return !WATCH_ONLY.test(command.trim());
    command = scripts[next[1]];
  }
  return false;
}

/**
 * Scans the package's files, leaving out `skip` (root-relative folders of other packages nested inside it),
 * tests and anything never analysed.
 */
export async function scanPackage(root: string, pkg: WorkspacePackage, skip: string[]): Promise<PackageScan> {
  const scan: PackageScan = {
    serverEntries: [],
    dockerfiles: [],
    hasStartScript: startsAServer(pkg.packageJson?.scripts ?? {}),
    envReads: new Map(),
    prisma: [],
    requestEntrypoints: [],
    hasSrcFolder: await exists(path.join(root, pkg.folder, "src")),
  };
  const files: string[] = [];
  await walkFolders(root, pkg.folder, (folder, names) => {
    if (folder !== pkg.folder && skip.some((other) => folder === other || folder.startsWith(`${other}/`))) return;
    const inside = relativeTo(pkg.folder, folder);
    if (inside.split("/").some((part) => TEST_FOLDERS.has(part))) return;
    for (const name of names) files.push(inside === "" ? name : `${inside}/${name}`);
  });
  files.sort(compareText);

  for (const file of files) {
    const base = path.posix.basename(file);
    if (!file.includes("/") && (base === "Dockerfile" || base.startsWith("Dockerfile.") || base.endsWith(".Dockerfile"))) {
      scan.dockerfiles.push(file);
    }
    if (isPrismaSchema(file)) {
      const text = await readText(path.join(root, pkg.folder, file));
      if (text !== undefined) scan.prisma.push(...prismaDatasources(text, file));
      continue;
    }
    if (!CODE_FILE.test(file) || NOT_CODE.test(file)) continue;
    const text = await readText(path.join(root, pkg.folder, file));
    if (text === undefined) continue;
    const code = withoutComments(text);
    if (SERVER_START.some((pattern) => pattern.test(code))) scan.serverEntries.push(file);
    for (const name of envReadsIn(code)) {
      const readers = scan.envReads.get(name) ?? [];
      readers.push(file);
      scan.envReads.set(name, readers);
    }
    if (servesRequests(file, code)) scan.requestEntrypoints.push(file);
  }
  return scan;
}

/** The env var names a file reads (comments left out), sorted and without repeats. */
export function envReadsIn(text: string): string[] {
  const code = withoutComments(text);
  const names = new Set<string>();
  for (const pattern of ENV_READS) for (const match of code.matchAll(pattern)) names.add(match[1]);
  for (const match of code.matchAll(ENV_DESTRUCTURE)) {
    for (const part of match[1].split(",")) {
      // `X`, `X: alias`, `X = "default"`, `X: alias = "default"`; `...rest` names nothing.
      const name = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*(?:[:=]|$)/.exec(part)?.[1];
      if (name) names.add(name);
    }
  }
  return [...names].sort(compareText);
}

/** Prisma `datasource <name> { provider = "…" url = env("X") }` blocks. */
export function prismaDatasources(text: string, file: string): { env: string; provider?: string; file: string }[] {
  return datasourceUrls(text).flatMap(({ env, provider }) =>
    env === undefined ? [] : [provider === undefined ? { env, file } : { env, provider, file }],
  );
}

/** Next.js route handlers (`app/**\/route.*`) and API routes (`pages/api/**`), and Lambda-style `handler` exports. */
function servesRequests(file: string, code: string): boolean {
  const parts = file.split("/");
  const base = parts[parts.length - 1];
  if (/^route\.[^.]+$/.test(base) && parts.includes("app")) {
    return /\bexport\s+(?:async\s+)?(?:function|const)\s+(?:GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS)\b/.test(code);
  }
  const pagesAt = parts.indexOf("pages");
  if (pagesAt !== -1 && parts[pagesAt + 1] === "api") return /\bexport\s+default\b/.test(code);
  return /\bexport\s+(?:async\s+)?(?:function\s+handler\b|const\s+handler\b)/.test(code);
}

/** The code without comments, so that commented-out calls and reads do not count (strings are kept). */
function withoutComments(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\/|(^|[^:"'`\\])\/\/[^\n]*/g, (match, before: string | undefined) => before ?? "");
}

function relativeTo(folder: string, inner: string): string {
  if (folder === "") return inner;
  return inner === folder ? "" : inner.slice(folder.length + 1);
}
