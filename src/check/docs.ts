// Where the rules' documentation lives online, if anywhere: the config's `docsUrl`, else topo-lint's own package
// homepage or repository. With neither, reports name the page inside the package (`docs/rules/<id>.md`) and link
// nowhere, rather than to an address that may not exist.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { RuleMeta } from "./rule.js";

/** The fields of a package.json that say where a package lives online. */
export interface PackageLinks {
  homepage?: unknown;
  repository?: unknown;
}

/** The URL of topo-lint's `docs/` folder online, if one is known. `docsUrl` wins over the package's fields. */
export function docsBase(docsUrl: string | undefined, pkg: PackageLinks = toolPackage()): string | undefined {
  if (docsUrl !== undefined && docsUrl !== "") return docsUrl.replace(/\/+$/, "");
  const repository = repositoryUrl(pkg.repository);
  if (repository !== undefined) return browsableDocs(repository);
  const homepage = typeof pkg.homepage === "string" ? webUrl(pkg.homepage) : undefined;
  if (homepage === undefined) return undefined;
  return isRepositoryHost(homepage) ? browsableDocs(homepage) : `${homepage}/docs`;
}

/** The tool's page for SARIF's `informationUri`: the package's homepage or repository, or the docs base. */
export function informationUri(docsUrl: string | undefined, pkg: PackageLinks = toolPackage()): string | undefined {
  const homepage = typeof pkg.homepage === "string" ? webUrl(pkg.homepage) : undefined;
  return homepage ?? repositoryUrl(pkg.repository) ?? docsBase(docsUrl, pkg);
}

/** The rules with `docs` set to their page's URL under `base`, or unset when there is no base. */
export function withDocs<T extends RuleMeta>(rules: readonly T[], base: string | undefined): T[] {
  return rules.map((rule) => {
    const { docs: _unused, ...rest } = rule;
    void _unused;
    return (base === undefined ? rest : { ...rest, docs: `${base}/${rule.docsPath.replace(/^docs\//, "")}` }) as T;
  });
}

/** `git+https://github.com/acme/topo-lint.git` → `https://github.com/acme/topo-lint`; undefined for anything else. */
function repositoryUrl(repository: unknown): string | undefined {
  const raw = typeof repository === "string" ? repository : typeof repository === "object" && repository !== null ? (repository as { url?: unknown }).url : undefined;
  if (typeof raw !== "string") return undefined;
  const shorthand = /^(?:github:)?([\w.-]+)\/([\w.-]+)$/.exec(raw);
  if (shorthand) return `https://github.com/${shorthand[1]}/${shorthand[2].replace(/\.git$/, "")}`;
  const ssh = /^git@([\w.-]+):(.+?)(?:\.git)?$/.exec(raw);
  if (ssh) return webUrl(`https://${ssh[1]}/${ssh[2]}`);
  return webUrl(raw.replace(/^git\+/, "").replace(/^git:\/\//, "https://").replace(/\.git$/, ""));
}

/** An http(s) URL without its fragment, query and trailing slash; undefined for anything else. */
function webUrl(text: string): string | undefined {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return undefined;
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") return undefined;
  url.hash = "";
  url.search = "";
  return url.href.replace(/\/+$/, "");
}

function isRepositoryHost(url: string): boolean {
  return /^https:\/\/(?:github\.com|gitlab\.com)\/[^/]+\/[^/]+$/.test(url);
}

/** The docs folder of a repository as its host shows files (the default branch: HEAD). */
function browsableDocs(repository: string): string {
  return repository.startsWith("https://gitlab.com/") ? `${repository}/-/blob/HEAD/docs` : `${repository}/blob/HEAD/docs`;
}

let cached: PackageLinks | undefined;

/** topo-lint's own package.json (beside the sources, or one level above the build). */
function toolPackage(): PackageLinks {
  if (cached !== undefined) return cached;
  for (const candidate of ["../../package.json", "../../../package.json"]) {
    try {
      const json = JSON.parse(readFileSync(fileURLToPath(new URL(candidate, import.meta.url)), "utf8")) as PackageLinks & { name?: string };
      if (json.name === "topo-lint") return (cached = { homepage: json.homepage, repository: json.repository });
    } catch {
      // try the next location: the layout differs between sources and the build
    }
  }
  return (cached = {});
}
