// `topo-lint diff`: the root as it is, checked against the same root at a git ref, and what changed between them.
import { existsSync } from "node:fs";
import path from "node:path";
import { UserError } from "../errors.js";
import type { RuleMeta } from "../check/rule.js";
import { defaultCacheDir, type CacheOutcome } from "../cache/index.js";
import { configFilesAt } from "../config/discover.js";
import { check, type CheckRun, type LoadOptions } from "../topology.js";
import { withRevision } from "./revision.js";
import { compareTopologies, nodesByName, type DiffNode, type TopologyDiff } from "./compare.js";

export interface DiffOptions extends LoadOptions {
  /** The git ref to compare with (a branch, tag or commit). */
  base: string;
}

export interface DiffRun {
  diff: TopologyDiff;
  /** The base revision; `analysed` is false when it had no topo-lint config (everything counts as added). */
  base: { ref: string; commit: string; analysed: boolean; /** how the base's analysis was had (see Topology.cache) */ cache?: CacheOutcome };
  /** The current tree's check. */
  head: CheckRun;
  /** Every node of both revisions by name (the current one where both have it). */
  nodes: Map<string, DiffNode>;
  /** Every rule that can report, sorted by id. */
  rules: RuleMeta[];
}

/**
 * Compares `root` as it is with `root` at the git ref `options.base`: the base is written out of git's objects into a
 * temporary folder (removed afterwards), analysed through the same cache as the working tree, and both are checked.
 */
export async function diff(root: string, options: DiffOptions): Promise<DiffRun> {
  const { base: ref, ...load } = options;
  // The ref and the repository are checked before anything is analysed, so a mistake there answers at once.
  return withRevision(root, ref, async (revision) => {
    const head = await check(root, load);
    let base: CheckRun | undefined;
    if (revision.root !== undefined) {
      const configFile = await baseConfigFile(head.config.root, revision.root, options.configFile);
      if (configFile !== undefined) {
        try {
          base = await check(revision.root, {
            ...load,
            configFile: configFile === "" ? undefined : configFile,
            cacheDir: options.cacheDir ?? defaultCacheDir(head.config.root),
            cacheDirRoot: options.cacheDir === undefined ? head.config.root : undefined,
            rootIdentity: `git-tree ${revision.tree}`,
          });
        } catch (error) {
          if (error instanceof UserError) {
            throw new UserError(`at --base ${ref}: ${error.message}`, { location: error.location, hint: error.hint });
          }
          throw error;
        }
      }
    }
    return {
      diff: compareTopologies(base && { graph: base.graph, findings: base.result.findings }, { graph: head.graph, findings: head.result.findings }),
      base: { ref, commit: revision.commit, analysed: base !== undefined, ...(base !== undefined ? { cache: base.cache } : {}) },
      head,
      nodes: base ? nodesByName(base.graph, head.graph) : nodesByName(head.graph),
      rules: head.rules,
    };
  });
}

/**
 * The config file of the base revision: "" for the one at its root, the same root-relative file when `--config`
 * names one inside the root, the file itself when it lies outside; undefined when the base has none.
 */
async function baseConfigFile(headRoot: string, baseRoot: string, configFile: string | undefined): Promise<string | undefined> {
  if (configFile === undefined) return (await configFilesAt(baseRoot)).length > 0 ? "" : undefined;
  const relative = path.relative(headRoot, path.resolve(configFile));
  if (relative.startsWith("..") || path.isAbsolute(relative)) return configFile;
  const inBase = path.join(baseRoot, relative);
  return existsSync(inBase) ? inBase : undefined;
}
