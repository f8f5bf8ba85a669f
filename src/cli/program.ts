// The command line: parses arguments and hands them to the library; nothing here computes a result.
import { Command, InvalidArgumentError, Option } from "commander";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import path from "node:path";
import { UserError } from "../errors.js";
import { escapeTerminal, escapeTerminalLines } from "../report/escape.js";
import { reporters, type Format } from "../report/index.js";
import type { ReportInput } from "../report/report.js";
import { writeBaseline } from "../check/baseline.js";
import { appendStepSummary, outputPath, writeOutputs } from "../check/output.js";
import type { ExportFormat } from "../export/index.js";
import { renderBlast } from "../graph/blast-report.js";
import { explain, explainText } from "../graph/explain.js";
import type { AnalysisProgress } from "../analyze/index.js";
import type { Concurrency } from "../analyze/threads.js";
import type { ModuleExtractor } from "../model.js";
import { renderDiff, type DiffFormat } from "../report/diff.js";

export const VERSION = readVersion();

/** The library, loaded only when a command runs, so `--help` and usage errors answer at once. */
const library = () => import("../topology.js");

const CHECK_FORMATS = ["text", "json", "sarif", "github", "markdown", "junit", "codeclimate"] as const;
const GRAPH_FORMATS = ["dot", "mermaid", "json", "graphml", "html"] as const;

export function createProgram(): Command {
  const program = new Command("topo-lint")
    .description("Checks the fate-sharing rules of a multi-region service architecture from its code.")
    .version(VERSION)
    .exitOverride()
    .showHelpAfterError("(run with --help for usage)")
    .configureOutput({ writeErr: (text) => process.stderr.write(escapeTerminalLines(text)) });

  analysisFlags(
    program
    .command("check")
    .description("check the rules and report findings")
    .argument("[root]", "the analysed root", ".")
    .option("-c, --config <file>", "config file (default: <root>/topo-lint.config.yaml|yml|json)")
    .addOption(
      new Option("-f, --format <format...>", "output format; repeat for several")
        .choices(CHECK_FORMATS as unknown as string[])
        .default(["text"]),
    )
    .option("-o, --output <file>", "write the report to a file (whole or not at all)")
    .option("--output-dir <dir>", "write one file per format into a folder")
    .option("--baseline <file>", "hide the findings a baseline file lists")
    .option("--update-baseline", "write the current findings to the --baseline file and exit 0")
    .option("--changed-since <git-ref>", "report only findings that touch files changed since a git ref")
    .option("--max-warnings <n>", "exit 1 when there are more warnings than this", nonNegativeInteger)
  )
    .action(async (root: string, options: CheckFlags) => {
      process.exitCode = await runCheck(root, options);
    });

  analysisFlags(
    program
    .command("graph")
    .description("export the topology graph")
    .argument("[root]", "the analysed root", ".")
    .option("-c, --config <file>", "config file")
    .addOption(new Option("-f, --format <format>", "graph format").choices(GRAPH_FORMATS as unknown as string[]).makeOptionMandatory())
    .addOption(new Option("--level <level>", "service or module level").choices(["service", "module"]).default("service"))
    .option("--focus <service>", "only this service and its direct neighbours")
    .option("--base <git-ref>", "html: highlight what changed since this git ref")
    .option("--traces <file...>", "html: overlay what verify finds in these trace files (missed edges dashed red)")
    .option("-o, --output <file>", "write to a file (whole or not at all)")
  )
    .action(async (root: string, options: GraphFlags) => {
      if (options.base !== undefined && options.format !== "html") throw new UserError("--base works with --format html only", { hint: "for the other formats, topo-lint diff reports the changes" });
      if (options.base !== undefined && options.level !== "service") throw new UserError("--base works with --level service only");
      // The exporters (and the layout they bring) are loaded for this command only.
      const { checkVerifyOptions, exportGraph } = await import("../export/index.js");
      if (options.traces !== undefined) checkVerifyOptions(options.format, options.level);
      const lib = await library();
      const load = { configFile: options.config, ...cacheOptions(options, lib.terminalProgress) };
      const compared = options.base !== undefined ? await (await import("../diff/index.js")).diff(root, { ...load, base: options.base }) : undefined;
      const run = compared?.head ?? (await lib.check(root, load));
      // The same matching as verify; its warnings go to stderr as verify prints them.
      const verified =
        options.traces !== undefined
          ? await (await import("../verify/index.js")).verifyTraces({ config: run.config, graph: run.graph, analysis: { modules: { files: run.analysis.modules.files } } }, options.traces)
          : undefined;
      if (verified !== undefined) {
        const { verifyWarnings } = await import("../report/verify-text.js");
        for (const line of verifyWarnings(verified)) process.stderr.write(`topo-lint: ${line}\n`);
      }
      const text = exportGraph(run.graph, {
        ...(compared !== undefined ? { changes: { base: compared.base.ref, diff: compared.diff } } : {}),
        ...(verified !== undefined ? { verify: verified } : {}),
        format: options.format,
        level: options.level,
        focus: options.focus,
        findings: run.result.findings,
        modules: run.analysis.modules,
        title: path.basename(run.config.root),
      });
      emit(text, options.output);
    });

  analysisFlags(
    program
    .command("blast")
    .description("what fails when a service, database or region fails")
    .argument("[root]", "the analysed root", ".")
    .option("-c, --config <file>", "config file")
    .option("--node <name>", "only this service, database or region")
    .addOption(new Option("-f, --format <format>", "output format").choices(["text", "json", "markdown"]).default("text"))
    .option("-o, --output <file>", "write to a file (whole or not at all)")
  )
    .action(async (root: string, options: { config?: string; node?: string; format: "text" | "json" | "markdown"; output?: string } & CacheFlags) => {
      const lib = await library();
      const topology = await lib.loadTopology(root, { configFile: options.config, ...cacheOptions(options, lib.terminalProgress) });
      emit(renderBlast(topology.graph, topology.config, { format: options.format, node: options.node }), options.output);
    });

  analysisFlags(
    program
    .command("verify")
    .description("hold the static topology against OpenTelemetry or Jaeger traces of what ran")
    .argument("[root]", "the analysed root", ".")
    .requiredOption("--traces <file...>", "trace files: OTLP/JSON (whole or one object per line) or Jaeger JSON")
    .option("-c, --config <file>", "config file")
    .addOption(new Option("-f, --format <format>", "output format").choices(["text", "json", "markdown"]).default("text"))
    .option("-o, --output <file>", "write to a file (whole or not at all)")
  )
    .action(async (root: string, options: { traces: string[]; config?: string; format: "text" | "json" | "markdown"; output?: string } & CacheFlags) => {
      const lib = await library();
      // Only the graph, the config and the file list are kept: the analysis (a TypeScript program) is let go before
      // the traces, which can be large, are read.
      const topology = await (async () => {
        const loaded = await lib.loadTopology(root, { configFile: options.config, ...cacheOptions(options, lib.terminalProgress) });
        return { config: loaded.config, graph: loaded.graph, analysis: { modules: { files: loaded.analysis.modules.files } } };
      })();
      const { verifyTraces, verifyExitCode } = await import("../verify/index.js");
      const { verifyJson } = await import("../report/verify-json.js");
      const { verifyMarkdown } = await import("../report/verify-markdown.js");
      const { verifyText, verifyWarnings } = await import("../report/verify-text.js");
      const result = await verifyTraces(topology, options.traces);
      for (const line of verifyWarnings(result)) process.stderr.write(`topo-lint: ${line}\n`);
      const text =
        options.format === "json"
          ? verifyJson(result)
          : options.format === "markdown"
            ? verifyMarkdown(result)
            : verifyText(result, { color: !options.output && useColor() });
      emit(text, options.output);
      process.exitCode = verifyExitCode(result);
    });

  analysisFlags(
    program
    .command("explain")
    .description("the evidence chain behind an edge")
    .usage("[root] <from> <to> [options]")
    .argument("<names...>", "[root] <from> <to>: the analysed root (default .), a service, and what it reaches")
    .option("-c, --config <file>", "config file")
  )
    .action(async (names: string[], options: { config?: string } & CacheFlags) => {
      if (names.length < 2 || names.length > 3) throw new UserError("explain takes [root] <from> <to>");
      const [root, from, to] = names.length === 3 ? names : [".", ...names];
      const lib = await library();
      const topology = await lib.loadTopology(root, { configFile: options.config, ...cacheOptions(options, lib.terminalProgress) });
      emit(explainText(explain(topology.graph, from, to), topology.graph));
    });

  analysisFlags(
    program
    .command("diff")
    .description("how the topology changed since a git ref: nodes, edges, hardness and findings")
    .argument("[root]", "the analysed root", ".")
    .requiredOption("--base <git-ref>", "the revision to compare with (read from git; the working tree is not touched)")
    .option("-c, --config <file>", "config file")
    .addOption(new Option("-f, --format <format>", "output format").choices(["text", "markdown", "json"]).default("text"))
    .option("-o, --output <file>", "write to a file (whole or not at all)")
  )
    .action(async (root: string, options: { base: string; config?: string; format: DiffFormat; output?: string } & CacheFlags) => {
      if (options.base.trim() === "") throw new UserError("--base needs a git ref; it was given an empty one", { hint: "for example --base origin/main" });
      const lib = await library();
      const { diff } = await import("../diff/index.js");
      const run = await diff(root, { base: options.base, configFile: options.config, ...cacheOptions(options, lib.terminalProgress) });
      emit(renderDiff(options.format, { diff: run.diff, base: run.base, rules: run.rules, nodes: run.nodes }), options.output);
      process.exitCode = run.diff.findings.new.some((finding) => finding.severity === "error") ? 1 : 0;
    });

  program
    .command("comment")
    .description("post a Markdown report as the one topo-lint comment of a pull or merge request, editing it if present")
    .argument("<file>", "the Markdown to post (from diff --format markdown or check --format markdown)")
    .addOption(new Option("--platform <platform>", "where to post (default: GitHub Actions or GitLab CI, from the environment)").choices(["github", "gitlab"]))
    .action(async (file: string, options: { platform?: "github" | "gitlab" }) => {
      const { commentBody, postComment, targetFromEnvironment } = await import("../report/pr-comment.js");
      const target = targetFromEnvironment(process.env, (event) => readFileSync(event, "utf8"), options.platform);
      let markdown: string;
      try {
        markdown = readFileSync(file, "utf8");
      } catch (error) {
        throw new UserError(`cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? "unknown error"})`);
      }
      const outcome = await postComment(target, commentBody(markdown));
      process.stderr.write(`topo-lint: ${outcome.action} comment ${outcome.id} on ${target.platform === "github" ? "pull request" : "merge request"} ${target.number}\n`);
    });

  analysisFlags(
    program
    .command("plan")
    .description("a step-by-step monolith mitosis plan")
    .argument("[root]", "the analysed root", ".")
    .requiredOption("--service <monolith>", "the service to split")
    .requiredOption("--extract <glob...>", "entrypoints the new service takes")
    .requiredOption("--into <name>", "the new service's name")
    .addOption(new Option("--placement <placement>").choices(["regional", "home"]).default("regional"))
    .addOption(new Option("-f, --format <format>").choices(["markdown", "json"]).default("markdown"))
    .option("-c, --config <file>", "config file")
    .option("-o, --output <file>", "write to a file (whole or not at all)")
    .option("--apply", "carry out the mechanical steps on the working tree, checking each against the plan")
    .option("--through <n>", "with --apply: stop after step n", (value: string) => {
      if (!/^[1-9][0-9]*$/.test(value)) throw new UserError(`--through ${value} is not a step number`, { hint: "steps are numbered from 1" });
      return Number(value);
    })
    .option("--commit", "with --apply: one git commit per applied step")
  )
    .action(async (root: string, options: PlanFlags & CacheFlags) => {
      if (options.apply !== true && (options.through !== undefined || options.commit === true)) {
        throw new UserError("--through and --commit go with --apply");
      }
      const lib = await library();
      const { planRoot, applyRoot } = await import("../plan/root.js");
      const planOptions = {
        service: options.service,
        extract: options.extract,
        into: options.into,
        placement: options.placement,
        configFile: options.config,
        modules: options.modules,
      };
      if (options.apply !== true) {
        const plan = await planRoot(root, { ...planOptions, ...cacheOptions(options, lib.terminalProgress) });
        const text = options.format === "json" ? (await import("../plan/json.js")).planJson(plan) : (await import("../plan/markdown.js")).planMarkdown(plan);
        emit(text, options.output);
        return;
      }
      const result = await applyRoot(root, planOptions, { through: options.through, commit: options.commit === true });
      emit((await import("../plan/apply.js")).applyText(result), options.output);
      if (!result.ok) process.exitCode = 1;
    });

  program
    .command("init")
    .description("write a starting config from the workspace")
    .argument("[root]", "the root to set up", ".")
    .option("--force", "overwrite existing files")
    .option("--dry-run", "print what would be written")
    .action(async (root: string, flags: { force?: boolean; dryRun?: boolean }) => {
      const { init, renderInitResult } = await import("../init/index.js");
      process.stdout.write(renderInitResult(await init(root, { force: flags.force === true, dryRun: flags.dryRun === true })));
    });

  return program;
}

interface GraphFlags extends CacheFlags {
  config?: string;
  format: ExportFormat;
  level: "service" | "module";
  focus?: string;
  base?: string;
  traces?: string[];
  output?: string;
}

interface PlanFlags {
  service: string;
  extract: string[];
  into: string;
  placement: "regional" | "home";
  format: "markdown" | "json";
  config?: string;
  output?: string;
  apply?: boolean;
  through?: number;
  commit?: boolean;
}

/** The analysis cache, progress and module-edge flags every analysing command takes. */
interface CacheFlags {
  cache: boolean;
  cacheDir?: string;
  progress: boolean;
  modules?: ModuleExtractor;
  concurrency?: Concurrency;
}

/** The flags of every analysing command: where module edges come from, threads, the cache and progress. */
function analysisFlags(command: Command): Command {
  return command
    .addOption(modulesOption())
    .addOption(
      new Option("--concurrency <threads>", "threads to analyse on: auto (every core, on a large tree), off, or a number").argParser(
        concurrency,
      ),
    )
    .option("--no-cache", "analyse every file again, ignoring the cache")
    .option("--cache-dir <dir>", "where the cache lives (default: node_modules/.cache/topo-lint)")
    .option("--no-progress", "never print progress");
}

function concurrency(value: string): Concurrency {
  if (value === "auto" || value === "off") return value;
  if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > 64) {
    throw new InvalidArgumentError("expected auto, off, or a number of threads from 1 to 64");
  }
  return Number(value);
}

/** `--modules`: where module edges come from, overriding the config's `modules:`. */
function modulesOption(): Option {
  return new Option("--modules <extractor>", "where module edges come from (default: the config's modules:, else auto)").choices([
    "auto",
    "own",
    "dependency-cruiser",
  ]);
}

/** The library options for the cache flags; progress is drawn only where `terminal` allows (a TTY, not CI). */
function cacheOptions(
  flags: CacheFlags,
  terminal: () => ((progress: AnalysisProgress) => void) | undefined,
): {
  cache: boolean;
  cacheDir?: string;
  onProgress?: (progress: AnalysisProgress) => void;
  modules?: ModuleExtractor;
  concurrency?: Concurrency;
} {
  return {
    cache: flags.cache,
    cacheDir: flags.cacheDir,
    onProgress: flags.progress ? terminal() : undefined,
    ...(flags.modules !== undefined ? { modules: flags.modules } : {}),
    ...(flags.concurrency !== undefined ? { concurrency: flags.concurrency } : {}),
  };
}

interface CheckFlags extends CacheFlags {
  config?: string;
  format: string[];
  output?: string;
  outputDir?: string;
  baseline?: string;
  updateBaseline?: boolean;
  changedSince?: string;
  maxWarnings?: number;
}

async function runCheck(root: string, flags: CheckFlags): Promise<number> {
  const formats = [...new Set(flags.format.flatMap((format) => format.split(",")))] as Format[];
  if (flags.output && formats.length > 1) {
    throw new UserError("--output takes one format; use --output-dir for several", { hint: `formats given: ${formats.join(", ")}` });
  }
  if (flags.output && flags.outputDir) throw new UserError("use either --output or --output-dir, not both");
  if (flags.updateBaseline && !flags.baseline) throw new UserError("--update-baseline needs --baseline <file>");
  if (flags.changedSince !== undefined && flags.changedSince.trim() === "") {
    throw new UserError("--changed-since needs a git ref; it was given an empty one", { hint: "for example --changed-since origin/main" });
  }

  const lib = await library();
  const run = await lib.check(root, {
    configFile: flags.config,
    changedSince: flags.changedSince,
    baseline: flags.updateBaseline ? undefined : flags.baseline,
    ...cacheOptions(flags, lib.terminalProgress),
  });

  if (flags.updateBaseline) {
    writeOutputs([{ path: flags.baseline!, text: writeBaseline(run.result.findings) }]);
    process.stderr.write(`topo-lint: wrote ${run.result.findings.length} finding(s) to ${escapeTerminal(flags.baseline!)}\n`);
    return 0;
  }
  if (run.staleBaselineEntries > 0) {
    process.stderr.write(
      `topo-lint: ${run.staleBaselineEntries} baseline entr${run.staleBaselineEntries === 1 ? "y matches" : "ies match"} no finding any more; --update-baseline prunes them\n`,
    );
  }


  const toTerminal = !flags.output && !flags.outputDir;
  const input = (color: boolean): ReportInput => ({
    result: run.result,
    rules: run.rules,
    graph: run.graph,
    sourceText: (file) => run.analysis.sourceText(file),
    color,
    version: VERSION,
    informationUri: run.informationUri,
  });
  const color = toTerminal && useColor();
  const rendered = formats.map((format) => ({ format, text: reporters[format](input(color)) }));

  if (flags.outputDir) {
    writeOutputs(rendered.map(({ format, text }) => ({ path: outputPath(flags.outputDir!, format), text })));
  } else if (flags.output) {
    writeOutputs([{ path: flags.output, text: rendered[0].text }]);
  } else {
    for (const { text } of rendered) process.stdout.write(text);
  }
  if (process.env.GITHUB_STEP_SUMMARY) appendStepSummary(process.env.GITHUB_STEP_SUMMARY, reporters.markdown(input(false)));

  const { errors, warnings } = run.result.summary;
  if (errors > 0) return 1;
  if (flags.maxWarnings !== undefined && warnings > flags.maxWarnings) {
    process.stderr.write(`topo-lint: ${warnings} warning(s), more than --max-warnings ${flags.maxWarnings}\n`);
    return 1;
  }
  return 0;
}

function emit(text: string, output?: string): void {
  if (output) writeOutputs([{ path: output, text }]);
  else process.stdout.write(text);
}

function useColor(): boolean {
  if ("NO_COLOR" in process.env && process.env.NO_COLOR !== "") return false;
  if (process.env.FORCE_COLOR && process.env.FORCE_COLOR !== "0") return true;
  return process.stdout.isTTY === true;
}


function nonNegativeInteger(value: string): number {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError("expected a whole number ≥ 0");
  return Number(value);
}

function readVersion(): string {
  for (const candidate of ["../../package.json", "../../../package.json"]) {
    try {
      const json = JSON.parse(readFileSync(fileURLToPath(new URL(candidate, import.meta.url)), "utf8")) as { name?: string; version?: string };
      if (json.name === "topo-lint" && json.version) return json.version;
    } catch {
      // try the next location: the layout differs between sources and the build
    }
  }
  return "0.0.0";
}
