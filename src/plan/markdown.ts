// `plan --format markdown`: the plan as a report for a pull request or a design review, with the topology before
// and after the split as Mermaid diagrams.
import { compareText } from "../graph/queries.js";
import type { Plan } from "./plan.js";
import type { StepState } from "./steps.js";

export function planMarkdown(plan: Plan): string {
  const lines: string[] = [];
  const last = plan.steps[plan.steps.length - 1];
  const end = last?.findingsAfter ?? 0;
  lines.push(`# Mitosis plan: ${plan.into} out of ${plan.service}`, "");
  lines.push(
    `Split the entrypoints ${listBrief(plan.entrypoints.extracted.map((entry) => entry.file))} of **${plan.service}** into a new ${plan.placement} service **${plan.into}**, in ${plan.steps.length} steps. ` +
      `Error findings: ${plan.findingsBefore} before, ${end} after the last step${end === 0 && plan.blockers.length === 0 ? "." : " — the plan does not end green; see Blockers."}`,
    "",
  );
  if (plan.blockers.length > 0) {
    lines.push(`**Blocked**: ${plan.blockers.length} ${plan.blockers.length === 1 ? "thing needs" : "things need"} a decision the plan cannot make (see Blockers); the steps after the first blocked one are what the plan would do once they are decided.`, "");
  }

  lines.push("## Topology", "", "Before:", "", ...mermaid(plan.before, [plan.service]), "", "After:", "", ...mermaid(last.state, [plan.service, plan.into]), "");

  lines.push("## Entrypoints", "", "| file | kind | goes to |", "|---|---|---|");
  const entries = [...plan.entrypoints.extracted.map((e) => ({ ...e, to: plan.into })), ...plan.entrypoints.rest.map((e) => ({ ...e, to: plan.service }))];
  for (const entry of entries.sort((a, b) => compareText(a.file, b.file))) lines.push(`| ${code(entry.file)} | ${entry.kinds.join(", ")} | ${entry.to} |`);
  lines.push("");

  lines.push("## Modules", "");
  const moduleCount = plan.modules.move.length + plan.modules.stay.length + plan.modules.shared.length + plan.unreached.length;
  if (moduleCount <= LIST_LIMIT) {
    lines.push(`- **move** to ${plan.into} (${plan.metrics.files.move} files, ${plan.metrics.lines.move} lines): ${list(plan.modules.move)}`);
    lines.push(`- **stay** in ${plan.service} (${plan.metrics.files.stay} files, ${plan.metrics.lines.stay} lines): ${list(plan.modules.stay)}`);
    lines.push(`- **shared** (${plan.metrics.files.shared} files, ${plan.metrics.lines.shared} lines): ${list(plan.modules.shared)}`);
    if (plan.unreached.length > 0) lines.push(`- reached by no entrypoint (stay; candidates for deletion): ${list(plan.unreached)}`);
    lines.push("");
  } else {
    // At this size a list per file is unreadable: one row per folder here, every file in `--format json`.
    lines.push(
      `**move** ${plan.metrics.files.move} files (${plan.metrics.lines.move} lines), **stay** ${plan.metrics.files.stay} (${plan.metrics.lines.stay} lines), **shared** ${plan.metrics.files.shared} (${plan.metrics.lines.shared} lines), reached by no entrypoint ${plan.unreached.length}. By folder (every file: \`--format json\`):`,
      "",
      "| folder | move | stay | shared | unreached |",
      "|---|---:|---:|---:|---:|",
    );
    for (const row of folderRows(plan)) lines.push(`| ${code(row.folder)} | ${row.move} | ${row.stay} | ${row.shared} | ${row.unreached} |`);
    lines.push("");
  }
  if (plan.shared.length > 0) {
    const packaged = plan.shared.filter((module) => module.recommendation === "package");
    const shown = plan.shared.length <= LIST_LIMIT ? plan.shared : packaged.slice(0, LIST_LIMIT);
    if (shown.length < plan.shared.length) {
      lines.push(
        `${plan.shared.length - packaged.length} shared files are small and pure (duplicate); ${packaged.length} are stateful or large (package)${shown.length < packaged.length ? `, the first ${shown.length} listed` : ""}:`,
        "",
      );
    }
    if (shown.length > 0) {
      lines.push("| shared file | lines | recommendation | why |", "|---|---:|---|---|");
      for (const module of shown) lines.push(`| ${code(module.file)} | ${module.lines} | ${module.recommendation} | ${cell(module.why)} |`);
      lines.push("");
    }
  }

  lines.push("## State", "");
  if (plan.databases.length === 0) lines.push(`${plan.into} reaches no database.`, "");
  for (const database of plan.databases) {
    const remedy = database.remedy === undefined ? "moves with the new service" : `remedy **${database.remedy}**`;
    lines.push(`### ${database.name}: owner ${database.owner}, ${remedy}`, "", database.why, "");
    lines.push(`Connection evidence on ${plan.into}'s side: ${database.accessFromNew.map((at) => code(`${at.file}:${at.line}`)).join(", ")}`, "");
    if (database.accesses.length > 0) {
      lines.push("| query | operation | remedy | why |", "|---|---|---|---|");
      for (const access of database.accesses) {
        lines.push(`| ${code(`${access.file}:${access.line}`)} ${code(access.text)} | ${access.operation} | ${access.remedy} | ${cell(access.why)} |`);
      }
      lines.push("");
    }
  }

  lines.push("## Calls across the new boundary", "");
  if (plan.calls.length === 0) lines.push(`After the split no call crosses between ${plan.into} and another service.`, "");
  else {
    lines.push("| call | kind | where | the rules say |", "|---|---|---|---|");
    for (const call of plan.calls) {
      const verdict = call.findings.length === 0 ? "no finding" : call.findings.map((f) => `${f.severity} ${f.rule}: ${f.message}`).join("<br>");
      const purpose = call.purpose === undefined ? "" : ` (${call.purpose})`;
      lines.push(`| ${call.from} → ${call.to} | ${call.kind}${purpose}: ${cell(call.reason)} | ${code(`${call.file}:${call.line}`)} | ${cell(verdict)} |`);
    }
    lines.push("");
  }

  lines.push("## Steps", "");
  plan.steps.forEach((step, index) => {
    lines.push(`### ${index + 1}. ${step.title}`, "");
    for (const change of step.changes) lines.push(`- ${brief(change)}`);
    lines.push("", `Error findings after this step: **${step.findingsAfter}**`);
    for (const finding of step.result.findings.filter((f) => f.severity === "error")) {
      lines.push(`- ${finding.rule} at ${code(`${finding.location.file}:${finding.location.line}`)}: ${finding.message}`);
    }
    lines.push("");
  });

  if (plan.blockers.length > 0) {
    lines.push("## Blockers", "");
    const remaining = plan.blockers.filter((blocker) => blocker.rule !== "plan");
    const undecided = plan.blockers.filter((blocker) => blocker.rule === "plan");
    if (remaining.length > 0) {
      lines.push("These error findings remain after the last step:", "");
      for (const finding of remaining) {
        lines.push(`- ${finding.rule} at ${code(`${finding.location.file}:${finding.location.line}`)}: ${finding.message}. Why it stays: ${finding.why}`);
      }
      lines.push("");
    }
    if (undecided.length > 0) {
      lines.push("These need a decision the plan cannot make; until each is made the plan does not reach its end:", "");
      for (const blocker of undecided) lines.push(`- ${code(`${blocker.location.file}:${blocker.location.line}`)}: ${blocker.message}. ${blocker.why}`);
      lines.push("");
    }
  }

  const m = plan.metrics;
  lines.push("## Metrics", "", "| measure | value |", "|---|---:|");
  lines.push(`| lines moved / shared / staying | ${m.lines.move} / ${m.lines.shared} / ${m.lines.stay} |`);
  lines.push(`| imports cut (between parts) / all | ${m.cutImports} / ${m.imports} |`);
  lines.push(`| structural modularity Q | ${m.modularity} |`);
  lines.push(`| inter-partition call percentage | ${m.interPartitionCallPercentage} % |`);
  lines.push("");
  return `${lines.join("\n").replace(/\n+$/, "")}\n`;
}

/** A flowchart of `focus` services and what they call and connect to in a state. */
function mermaid(state: StepState, focus: string[]): string[] {
  const placement = new Map(state.config.services.map((service) => [service.name, service.placement]));
  const databases = new Set(state.config.databases.map((database) => database.name));
  const nodes = new Set<string>(focus.filter((name) => placement.has(name)));
  const edges = new Map<string, string>();
  for (const fact of state.facts) {
    if (!focus.includes(fact.service)) continue;
    if (fact.type === "connection" && databases.has(fact.database)) {
      nodes.add(fact.database);
      edges.set(`${fact.service}->${fact.database}`, `  ${id(fact.service)} --> ${id(fact.database)}`);
    }
    if (fact.type === "call" && fact.target.kind === "service" && fact.target.service !== fact.service && placement.has(fact.target.service)) {
      const target = fact.target.service;
      nodes.add(target);
      const key = `${fact.service}=>${target}`;
      const hard = fact.hardness.kind === "hard" || edges.get(key)?.includes("hard") === true;
      edges.set(key, hard ? `  ${id(fact.service)} -->|hard| ${id(target)}` : `  ${id(fact.service)} -.->|soft| ${id(target)}`);
    }
  }
  const out = ["```mermaid", "flowchart LR"];
  for (const node of [...nodes].sort(compareText)) {
    out.push(databases.has(node) ? `  ${id(node)}[(${node})]` : `  ${id(node)}["${node} (${placement.get(node)})"]`);
  }
  out.push(...[...edges.entries()].sort(([a], [b]) => compareText(a, b)).map(([, line]) => line));
  out.push("```");
  return out;
}

function id(name: string): string {
  return name.replace(/[^A-Za-z0-9_]/g, "_");
}

function code(text: string): string {
  return `\`${text.replace(/`/g, "'")}\``;
}

function cell(text: string): string {
  return text.replace(/\|/g, "\\|").replace(/\n/g, " ");
}

/** Above this many files, modules are summarised by folder; the JSON always lists every file. */
const LIST_LIMIT = 60;
/** A step's change longer than this lists only its first names; the JSON has them all. */
const CHANGE_LIMIT = 600;

function brief(change: string): string {
  if (change.length <= CHANGE_LIMIT) return change;
  const cut = change.lastIndexOf(", ", CHANGE_LIMIT);
  if (cut === -1) return change;
  const rest = change.slice(cut + 2).split(", ").length;
  return `${change.slice(0, cut)} … and ${rest} more (every name: \`--format json\`)`;
}

function listBrief(files: string[]): string {
  if (files.length <= 10) return files.map(code).join(", ");
  return `${files.slice(0, 10).map(code).join(", ")} and ${files.length - 10} more`;
}

interface FolderRow {
  folder: string;
  move: number;
  stay: number;
  shared: number;
  unreached: number;
}

/** Files per folder and part, folders cut to fewer levels until the table has at most LIST_LIMIT rows. */
function folderRows(plan: Plan): FolderRow[] {
  const parts = [
    ["move", plan.modules.move],
    ["stay", plan.modules.stay],
    ["shared", plan.modules.shared],
    ["unreached", plan.unreached],
  ] as const;
  const deepest = Math.max(...parts.flatMap(([, files]) => files.map((file) => file.split("/").length - 1)), 1);
  for (let depth = deepest; ; depth--) {
    const rows = new Map<string, FolderRow>();
    for (const [part, files] of parts) {
      for (const file of files) {
        const folder = file.split("/").slice(0, -1).slice(0, depth).join("/") || ".";
        const row = rows.get(folder) ?? { folder, move: 0, stay: 0, shared: 0, unreached: 0 };
        row[part]++;
        rows.set(folder, row);
      }
    }
    if (rows.size <= LIST_LIMIT || depth <= 1) return [...rows.values()].sort((a, b) => compareText(a.folder, b.folder));
  }
}

function list(files: string[]): string {
  return files.length === 0 ? "none" : files.map(code).join(", ");
}
