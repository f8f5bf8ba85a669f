// Reads HCL (Terraform's configuration language) into blocks, attributes and expressions that keep their source
// positions. The parser is tree-sitter's HCL grammar (its Terraform dialect) run through web-tree-sitter: both are
// WebAssembly, so nothing is compiled on the user's machine. Text that does not parse is a UserError at the first
// place the grammar could not read.
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { Language, Parser, type Node } from "web-tree-sitter";
import { UserError } from "../errors.js";
import type { Position } from "../model.js";

/** An HCL expression, kept as its source text and position plus the structure the evaluator understands. */
export type Expr = ExprBase &
  (
    | { kind: "literal"; value: string | number | boolean | null }
    /** A quoted string or heredoc with interpolations: literal parts and expressions, in order. */
    | { kind: "template"; parts: (string | Expr)[] }
    | { kind: "tuple"; items: Expr[] }
    | { kind: "object"; entries: { key: Expr; value: Expr }[] }
    /** `var.x`, `local.y["k"]`, `each.value.cidr`, `aws_vpc.main.id`, `module.region["eu"].vpc_id`. */
    | { kind: "traversal"; root: string; steps: TraversalStep[] }
    | { kind: "call"; name: string; args: Expr[]; expandLast: boolean }
    | { kind: "conditional"; condition: Expr; then: Expr; else: Expr }
    | { kind: "binary"; operator: string; left: Expr; right: Expr }
    | { kind: "unary"; operator: string; operand: Expr }
    /** `[for k, v in coll : v if cond]` and `{for k, v in coll : k => v}`. */
    | { kind: "for"; keyVar?: string; valueVar: string; collection: Expr; key?: Expr; value: Expr; condition?: Expr; grouped: boolean; object: boolean }
    /** Anything the evaluator does not model (splats, template directives): its value is never decided. */
    | { kind: "other"; what: string }
  );

export type TraversalStep = { attr: string } | { index: Expr };

interface ExprBase {
  text: string;
  location: Position;
}

export interface HclAttribute {
  name: string;
  value: Expr;
  location: Position;
}

export interface HclBlock {
  type: string;
  labels: string[];
  attributes: Map<string, HclAttribute>;
  blocks: HclBlock[];
  /** Where the block's type keyword is. */
  location: Position;
}

export interface HclFile {
  file: string;
  body: { attributes: Map<string, HclAttribute>; blocks: HclBlock[] };
}

let parser: Promise<Parser> | undefined;

/** The Terraform dialect of the HCL grammar, loaded once per process. */
function terraformParser(): Promise<Parser> {
  parser ??= (async () => {
    await Parser.init();
    const wasm = readFileSync(grammarFile());
    const language = await Language.load(new Uint8Array(wasm));
    const created = new Parser();
    created.setLanguage(language);
    return created;
  })();
  return parser;
}

/**
 * The grammar's WebAssembly: beside this module once built (the build copies it into dist/), or, when running from
 * the sources, in the grammar package (a devDependency).
 */
function grammarFile(): string {
  const bundled = fileURLToPath(new URL("./tree-sitter-terraform.wasm", import.meta.url));
  if (existsSync(bundled)) return bundled;
  return createRequire(import.meta.url).resolve("@tree-sitter-grammars/tree-sitter-hcl/tree-sitter-terraform.wasm");
}

/** Parses one file; `file` is root-relative and used in positions and errors. */
export async function parseHcl(file: string, text: string): Promise<HclFile> {
  const tree = (await terraformParser()).parse(text.startsWith("\uFEFF") ? text.slice(1) : text);
  if (tree === null) throw new UserError(`${file} could not be parsed as HCL`, { location: { file, line: 1, column: 1 } });
  try {
    const root = tree.rootNode;
    if (root.hasError) throw syntaxError(file, root);
    const reader = new Reader(file);
    const body = root.namedChildren.find((child) => child?.type === "body");
    if (root.namedChildren.some((child) => child?.type === "object")) {
      throw new UserError("expected Terraform blocks and attributes, found a JSON-style object", {
        location: reader.position(root),
        hint: "Terraform's .tf.json files are not read; name .tf files in infrastructure.terraform",
      });
    }
    return { file, body: body ? reader.body(body) : { attributes: new Map(), blocks: [] } };
  } finally {
    tree.delete();
  }
}

/** The first place the grammar could not read, as a UserError naming what was found there. */
function syntaxError(file: string, root: Node): UserError {
  // Depth-first, in source order, without recursion (the tree can be as deep as the text is nested).
  let bad: Node | undefined;
  const stack: Node[] = [root];
  while (stack.length > 0 && bad === undefined) {
    const node = stack.pop()!;
    if (node.type === "ERROR" || node.isMissing) bad = node;
    else if (node.hasError) for (const child of [...node.children].reverse()) if (child) stack.push(child);
  }
  const at = bad ?? root;
  const location = { file, line: at.startPosition.row + 1, column: at.startPosition.column + 1 };
  if (at.isMissing) return new UserError(`HCL syntax error: expected ${describeMissing(at.type)}`, { location });
  const found = at.text.split("\n")[0].trim().slice(0, 40);
  return new UserError(`HCL syntax error: unexpected ${found === "" ? "end of file" : `"${found}"`}`, {
    location,
    hint: "the file must be valid Terraform configuration (blocks, attributes and expressions)",
  });
}

function describeMissing(type: string): string {
  const closers: Record<string, string> = { block_end: '"}"', object_end: '"}"', tuple_end: '"]"', quoted_template_end: '"\\""' };
  return closers[type] ?? (/^[a-z_]+$/.test(type) ? type.replace(/_/g, " ") : `"${type}"`);
}

/** How deep blocks and expressions may nest (real configurations stay far below; a deeper one would exhaust the stack). */
const MAX_NESTING = 200;

const POSTFIX = new Set(["get_attr", "index", "splat"]);

const ESCAPES: Record<string, string> = { n: "\n", t: "\t", r: "\r", '"': '"', "\\": "\\" };

/** Turns tree-sitter nodes into the plain structures above, with 1-based positions. */
class Reader {
  private depth = 0;

  constructor(private readonly file: string) {}

  /** Runs `read` one level deeper; nesting past MAX_NESTING is the user's input, not a crash. */
  private nested<T>(node: Node, read: () => T): T {
    if (++this.depth > MAX_NESTING) {
      throw new UserError(`blocks or expressions nest more than ${MAX_NESTING} levels deep`, {
        location: this.position(node),
        hint: "Terraform configuration this deep is not read; flatten it",
      });
    }
    try {
      return read();
    } finally {
      this.depth--;
    }
  }

  position(node: Node): Position {
    return { file: this.file, line: node.startPosition.row + 1, column: node.startPosition.column + 1 };
  }

  body(node: Node): HclFile["body"] {
    const attributes = new Map<string, HclAttribute>();
    const blocks: HclBlock[] = [];
    for (const child of named(node)) {
      if (child.type === "attribute") {
        const attribute = this.attribute(child);
        // Terraform refuses a repeated attribute; so does topo-lint, where the second one is.
        if (attributes.has(attribute.name)) {
          throw new UserError(`attribute "${attribute.name}" is set twice in the same block`, { location: attribute.location });
        }
        attributes.set(attribute.name, attribute);
      } else if (child.type === "block") {
        blocks.push(this.block(child));
      }
    }
    return { attributes, blocks };
  }

  private attribute(node: Node): HclAttribute {
    const [name, value] = named(node);
    return { name: name.text, value: this.expression(value), location: this.position(node) };
  }

  private block(node: Node): HclBlock {
    return this.nested(node, () => this.blockAt(node));
  }

  private blockAt(node: Node): HclBlock {
    const parts = named(node);
    const labels: string[] = [];
    let body: HclFile["body"] = { attributes: new Map(), blocks: [] };
    for (const part of parts.slice(1)) {
      if (part.type === "string_lit") labels.push(unescape(named(part).filter((p) => p.type === "template_literal").map((p) => p.text).join("")));
      else if (part.type === "identifier") labels.push(part.text);
      else if (part.type === "body") body = this.body(part);
    }
    return { type: parts[0].text, labels, attributes: body.attributes, blocks: body.blocks, location: this.position(node) };
  }

  expression(node: Node): Expr {
    return this.nested(node, () => this.expressionAt(node));
  }

  private expressionAt(node: Node): Expr {
    const base: ExprBase = { text: node.text, location: this.position(node) };
    if (node.type !== "expression") return this.term(node, base);
    return this.postfixed(named(node), base);
  }

  /** A term followed by `.attr`, `[index]` and splat steps (siblings in the grammar's tree). */
  private postfixed(children: Node[], base: ExprBase): Expr {
    if (children.length === 1) return this.term(children[0], base);
    const [head, ...postfix] = children;
    // A variable followed by `.attr` and `[index]` steps is a traversal; anything else with postfix steps is not modelled.
    if (head.type === "variable_expr" && postfix.every((step) => step.type === "get_attr" || step.type === "index")) {
      const steps: TraversalStep[] = [];
      for (const step of postfix) {
        if (step.type === "get_attr") steps.push({ attr: named(step)[0].text });
        else {
          const inner = named(step)[0];
          if (inner.type === "legacy_index") steps.push({ index: { ...base, kind: "literal", value: Number(inner.text.slice(1)) } });
          else steps.push({ index: this.expression(named(inner)[0]) });
        }
      }
      return { ...base, kind: "traversal", root: named(head)[0].text, steps };
    }
    return { ...base, kind: "other", what: head.type === "variable_expr" ? "a splat expression" : `a ${head.type.replace(/_/g, " ")} with attribute or index steps` };
  }

  /** The operands of an operation: each a term with the postfix steps that follow it. */
  private operands(node: Node): Expr[] {
    const groups: Node[][] = [];
    for (const child of named(node)) {
      if (POSTFIX.has(child.type) && groups.length > 0) groups[groups.length - 1].push(child);
      else groups.push([child]);
    }
    return groups.map((group) => {
      const first = group[0];
      const last = group[group.length - 1];
      const start = first.startIndex;
      const text = node.text.slice(start - node.startIndex, last.endIndex - node.startIndex);
      return this.postfixed(group, { text, location: this.position(first) });
    });
  }

  private term(node: Node, base: ExprBase): Expr {
    switch (node.type) {
      case "expression":
        return { ...this.expression(node), text: base.text, location: base.location };
      case "literal_value":
        return this.literal(named(node)[0], base);
      case "template_expr": {
        const template = named(node)[0];
        return this.template(template, base, template.type === "heredoc_template");
      }
      case "collection_value": {
        const collection = named(node)[0];
        if (collection.type === "tuple") {
          return { ...base, kind: "tuple", items: named(collection).filter((child) => child.type === "expression").map((child) => this.expression(child)) };
        }
        const entries = named(collection)
          .filter((child) => child.type === "object_elem")
          .map((element) => ({ key: this.objectKey(element.childForFieldName("key")!), value: this.expression(element.childForFieldName("val")!) }));
        return { ...base, kind: "object", entries };
      }
      case "variable_expr":
        return { ...base, kind: "traversal", root: named(node)[0].text, steps: [] };
      case "function_call": {
        const [name, args] = named(node);
        const argNodes = args ? named(args) : [];
        return {
          ...base,
          kind: "call",
          name: name.text,
          args: argNodes.filter((arg) => arg.type === "expression").map((arg) => this.expression(arg)),
          expandLast: argNodes.some((arg) => arg.type === "ellipsis"),
        };
      }
      case "conditional": {
        const [condition, then, otherwise] = named(node).map((child) => this.expression(child));
        return { ...base, kind: "conditional", condition, then, else: otherwise };
      }
      case "operation": {
        const operation = named(node)[0];
        const operands = this.operands(operation);
        const operator = operation.children.find((child) => child !== null && !child.isNamed)?.text ?? "?";
        if (operation.type === "unary_operation") return { ...base, kind: "unary", operator, operand: operands[0] };
        return { ...base, kind: "binary", operator, left: operands[0], right: operands[1] };
      }
      case "for_expr":
        return this.forExpression(named(node)[0], base);
      default:
        return { ...base, kind: "other", what: `a ${node.type.replace(/_/g, " ")}` };
    }
  }

  /** An object key: a bare word is a string, not a variable (`{ region = "x" }`); `(expr)` is an expression. */
  private objectKey(node: Node): Expr {
    const key = this.expression(node);
    if (key.kind === "traversal" && key.steps.length === 0 && !node.text.startsWith("(")) return { ...key, kind: "literal", value: key.root };
    return key;
  }

  private literal(node: Node, base: ExprBase): Expr {
    switch (node.type) {
      case "numeric_lit":
        return { ...base, kind: "literal", value: Number(node.text) };
      case "bool_lit":
        return { ...base, kind: "literal", value: node.text === "true" };
      case "null_lit":
        return { ...base, kind: "literal", value: null };
      default:
        return { ...base, kind: "literal", value: unescape(named(node).filter((part) => part.type === "template_literal").map((part) => part.text).join("")) };
    }
  }

  private template(node: Node, base: ExprBase, heredoc: boolean): Expr {
    const parts: (string | Expr)[] = [];
    let indentedHeredoc = false;
    for (const part of named(node)) {
      if (part.type === "heredoc_start") indentedHeredoc = part.text === "<<-";
      if (part.type === "template_literal") parts.push(heredoc ? part.text : unescape(part.text));
      else if (part.type === "template_interpolation") {
        const inner = named(part).find((child) => child.type === "expression");
        if (inner) parts.push(this.expression(inner));
      } else if (part.type === "template_directive") {
        return { ...base, kind: "other", what: "a template directive (%{ … })" };
      }
    }
    if (heredoc) {
      // The grammar keeps the newline after the opening marker and the closing line's indentation in the literals.
      if (typeof parts[0] === "string") parts[0] = parts[0].replace(/^\r?\n/, "");
      if (indentedHeredoc) return { ...base, kind: "other", what: "an indented heredoc (<<-)" };
    }
    if (parts.every((part) => typeof part === "string")) return { ...base, kind: "literal", value: parts.join("") };
    return { ...base, kind: "template", parts };
  }

  private forExpression(node: Node, base: ExprBase): Expr {
    const object = node.type === "for_object_expr";
    const children = named(node);
    const intro = children.find((child) => child.type === "for_intro")!;
    const identifiers = named(intro).filter((child) => child.type === "identifier").map((child) => child.text);
    const collection = this.expression(named(intro).find((child) => child.type === "expression")!);
    const bodies = children.filter((child) => child.type === "expression").map((child) => this.expression(child));
    const cond = children.find((child) => child.type === "for_cond");
    const expr: Expr = {
      ...base,
      kind: "for",
      valueVar: identifiers[identifiers.length - 1],
      collection,
      value: object ? bodies[1] : bodies[0],
      grouped: children.some((child) => child.type === "ellipsis"),
      object,
    };
    if (identifiers.length > 1) expr.keyVar = identifiers[0];
    if (object) expr.key = bodies[0];
    if (cond) expr.condition = this.expression(named(cond)[0]);
    return expr;
  }
}

function named(node: Node): Node[] {
  return node.namedChildren.filter((child): child is Node => child !== null && child.type !== "comment");
}

function unescape(text: string): string {
  return text
    .replace(/\\(u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|[ntr"\\])/g, (_, code: string) =>
      code.length > 1 ? String.fromCodePoint(parseInt(code.slice(1), 16)) : ESCAPES[code],
    )
    .replace(/\$\$\{/g, "${")
    .replace(/%%\{/g, "%{");
}
