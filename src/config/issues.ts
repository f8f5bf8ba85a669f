// Validates a parsed file against its zod schema and turns the first problem (in file order) into a UserError that
// says what was expected, where, and which known name was probably meant.
import { z } from "zod";
import { didYouMean, UserError } from "../errors.js";
import type { Position } from "../model.js";
import type { PathSegment, SourceDocument } from "./document.js";

/** The parsed value, or a UserError for the problem that comes first in the file. */
export function validate<T extends z.ZodType>(document: SourceDocument, schema: T): z.output<T> {
  const result = schema.safeParse(document.value);
  if (result.success) return result.data;
  const issues = result.error.issues;
  // A misspelt key also leaves the intended key missing; the misspelling is the one worth reporting.
  const misspeltIn = new Set(issues.filter((issue) => issue.code === "unrecognized_keys").map((issue) => issue.path.join("\0")));
  const errors = issues
    .filter((issue) => !(isMissingKey(document, issue) && misspeltIn.has(issue.path.slice(0, -1).join("\0"))))
    .flatMap((issue) => toUserErrors(document, schema, issue));
  errors.sort((a, b) => comparePositions(a.location, b.location));
  throw errors[0] ?? new UserError(result.error.message, { location: document.start() });
}

function isMissingKey(document: SourceDocument, issue: z.core.$ZodIssue): boolean {
  const path = issue.path.filter((segment): segment is PathSegment => typeof segment !== "symbol");
  return (
    (issue.code === "invalid_type" || issue.code === "invalid_value") &&
    path.length > 0 &&
    valueAt(document.value, path) === undefined
  );
}

export function comparePositions(a: Position | undefined, b: Position | undefined): number {
  if (!a || !b) return a ? -1 : b ? 1 : 0;
  return a.line - b.line || a.column - b.column;
}

/** `dependsOn[0].kind`, `regions.serving[1]`: how a place in a file is named in messages. */
export function fieldLabel(path: readonly PathSegment[]): string {
  let label = "";
  for (const segment of path) {
    label += typeof segment === "number" ? `[${segment}]` : label === "" ? segment : `.${segment}`;
  }
  return label;
}

/** "a list", "the string "x"", "nothing": what the user actually wrote, in words. */
export function describeValue(value: unknown): string {
  if (value === null || value === undefined) return "nothing";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a mapping";
  if (typeof value === "string") return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  return `the ${typeof value} ${String(value)}`;
}

function toUserErrors(document: SourceDocument, schema: z.ZodType, issue: z.core.$ZodIssue): UserError[] {
  const path = issue.path.filter((segment): segment is PathSegment => typeof segment !== "symbol");
  const prefix = (p: readonly PathSegment[]) => (p.length > 0 ? `${fieldLabel(p)}: ` : "");
  const actual = valueAt(document.value, path);

  if (isMissingKey(document, issue)) {
    const parent = path.slice(0, -1);
    const location = parent.length > 0 ? document.keyAt(parent) : document.start();
    return [new UserError(`${prefix(parent)}missing required key "${String(path[path.length - 1])}"`, { location })];
  }
  switch (issue.code) {
    case "unrecognized_keys": {
      const known = knownKeys(schema, path);
      return issue.keys.map(
        (key) =>
          new UserError(
            `${prefix(path)}unknown key "${key}"; expected one of ${known.join(", ")}`,
            withHint(document.keyAt([...path, key]), didYouMean(key, known)),
          ),
      );
    }
    case "invalid_type": {
      const expected = expectedWords(issue.expected);
      const found = path.length === 0 && actual == null ? "an empty file" : describeValue(actual);
      return [new UserError(`${prefix(path)}expected ${expected}, found ${found}`, { location: document.valueAt(path) })];
    }
    case "invalid_value": {
      const values = issue.values.map((v) => String(v));
      return [
        new UserError(
          `${prefix(path)}expected ${alternatives(values)}, found ${describeValue(actual)}`,
          withHint(document.valueAt(path), typeof actual === "string" ? didYouMean(actual, values) : undefined),
        ),
      ];
    }
    case "too_small": {
      const what =
        issue.origin === "array"
          ? "at least one item"
          : issue.origin === "string"
            ? "a non-empty string"
            : `at least ${String(issue.minimum)}`;
      return [new UserError(`${prefix(path)}expected ${what}`, { location: document.valueAt(path) })];
    }
    default:
      return [new UserError(`${prefix(path)}${issue.message}`, { location: document.valueAt(path) })];
  }
}

function withHint(location: Position, hint: string | undefined): { location: Position; hint?: string } {
  return hint ? { location, hint } : { location };
}

function expectedWords(expected: string): string {
  switch (expected) {
    case "array":
      return "a list";
    case "object":
    case "record":
      return "a mapping";
    case "boolean":
      return "true or false";
    default:
      return `a ${expected}`;
  }
}

function alternatives(values: string[]): string {
  if (values.length <= 1) return values.join("");
  return `${values.slice(0, -1).join(", ")} or ${values[values.length - 1]}`;
}

function valueAt(value: unknown, path: readonly PathSegment[]): unknown {
  let current = value;
  for (const segment of path) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<string | number, unknown>)[segment];
  }
  return current;
}

/** The keys the schema allows at `path` (for messages; `$schema` is left out, it is only for editors). */
function knownKeys(schema: z.ZodType, path: readonly PathSegment[]): string[] {
  let current: z.ZodType | undefined = unwrap(schema);
  for (const segment of path) {
    if (current instanceof z.ZodObject) current = unwrap(current.shape[String(segment)] as z.ZodType | undefined);
    else if (current instanceof z.ZodArray) current = unwrap(current.element as z.ZodType);
    else if (current instanceof z.ZodRecord) current = unwrap(current.valueType as z.ZodType);
    else return [];
  }
  return current instanceof z.ZodObject ? Object.keys(current.shape).filter((key) => key !== "$schema") : [];
}

function unwrap(schema: z.ZodType | undefined): z.ZodType | undefined {
  let current = schema;
  while (current instanceof z.ZodDefault || current instanceof z.ZodOptional) current = current.unwrap() as z.ZodType;
  return current;
}

/** didYouMean, or else the one known word that starts the written one or that it starts ("warning" → "warn"). */
