// Every findings reporter by its --format name.
import { UserError, didYouMean } from "../errors.js";
import type { Reporter } from "./report.js";
import { codeclimateReport } from "./codeclimate.js";
import { githubReport } from "./github.js";
import { jsonReport } from "./json.js";
import { junitReport } from "./junit.js";
import { markdownReport } from "./markdown.js";
import { sarifReport } from "./sarif.js";
import { textReport } from "./text.js";

export type { ReportInput, Reporter } from "./report.js";
export { markdownWithLimits } from "./markdown.js";

export const reporters = {
  text: textReport,
  json: jsonReport,
  sarif: sarifReport,
  github: githubReport,
  markdown: markdownReport,
  junit: junitReport,
  codeclimate: codeclimateReport,
} satisfies Record<string, Reporter>;

export type Format = keyof typeof reporters;

/** The format names, in the order the command line lists them. */
export const FORMATS = Object.keys(reporters) as Format[];

export function isFormat(name: string): name is Format {
  return Object.hasOwn(reporters, name);
}

/** The reporter for a --format name; an unknown name is the user's mistake. */
export function reporterFor(name: string): Reporter {
  if (isFormat(name)) return reporters[name];
  throw new UserError(`unknown format "${name}"`, { hint: didYouMean(name, FORMATS) ?? `formats: ${FORMATS.join(", ")}` });
}
