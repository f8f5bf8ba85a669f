// Evaluates Terraform expressions as far as their values are decidable without running Terraform: literals,
// templates, collections, variables with literal defaults, locals, `each.key` / `each.value`, references between
// resources and modules (kept as references), the operators and conditionals, `for` expressions, and the functions in
// FUNCTIONS. Everything else evaluates to Unknown, carrying why, so callers list it instead of guessing.
import type { Expr } from "./hcl.js";

/** What a reference points at, when a value is an attribute of a resource or of a module's output. */
export interface Reference {
  /** The module instance whose resource or call it is ("" for the root module). */
  instance: string;
  /** `aws_vpc.main`, `data.aws_vpc.peer`, `module.region`. */
  address: string;
  /** The for_each key or count index selected with `[…]`, when known. */
  key?: string | number;
}

export class Unknown {
  constructor(
    readonly reason: string,
    readonly reference?: Reference,
  ) {}
}

export type Value = string | number | boolean | null | Value[] | { [key: string]: Value } | Unknown;

export interface Scope {
  /** `var.<name>`: a known value or why it is unknown. */
  variable(name: string): Value | undefined;
  /** `local.<name>`. */
  local(name: string): Value | undefined;
  /** `each.key` / `each.value` inside a block with for_each; `count.index` inside one with count. */
  each?: { key: string; value: Value };
  count?: number;
  /** `module.<name>` (its outputs) and `<type>.<name>` / `data.<type>.<name>` references. */
  reference(address: string, key: Value | undefined, rest: string[]): Value;
  /** Names bound by enclosing `for` expressions. */
  bound?: Map<string, Value>;
}

export const isUnknown = (value: Value): value is Unknown => value instanceof Unknown;
const isObject = (value: Value): value is { [key: string]: Value } =>
  value !== null && typeof value === "object" && !Array.isArray(value) && !(value instanceof Unknown);

/** The first Unknown inside a value, searching depth-first; undefined when the value is wholly known. */
export function firstUnknown(value: Value): Unknown | undefined {
  if (value instanceof Unknown) return value;
  if (Array.isArray(value)) {
    for (const item of value) {
      const found = firstUnknown(item);
      if (found) return found;
    }
  } else if (isObject(value)) {
    for (const key of Object.keys(value).sort()) {
      const found = firstUnknown(value[key]);
      if (found) return found;
    }
  }
  return undefined;
}

export function evaluate(expr: Expr, scope: Scope): Value {
  switch (expr.kind) {
    case "literal":
      return expr.value;
    case "template": {
      let text = "";
      for (const part of expr.parts) {
        if (typeof part === "string") {
          text += part;
          continue;
        }
        const value = evaluate(part, scope);
        if (value instanceof Unknown) return value;
        if (typeof value === "object" && value !== null) return new Unknown(`${part.text} is a collection inside a string`);
        if (value === null) return new Unknown(`${part.text} is null inside a string`);
        text += String(value);
      }
      return text;
    }
    case "tuple":
      return expr.items.map((item) => evaluate(item, scope));
    case "object": {
      const object: { [key: string]: Value } = {};
      for (const entry of expr.entries) {
        const key = evaluate(entry.key, scope);
        if (typeof key !== "string" && typeof key !== "number") return new Unknown(`object key ${entry.key.text} is not decidable`);
        object[String(key)] = evaluate(entry.value, scope);
      }
      return object;
    }
    case "traversal":
      return traversal(expr, scope);
    case "call":
      return call(expr, scope);
    case "conditional": {
      const condition = evaluate(expr.condition, scope);
      if (typeof condition !== "boolean") return condition instanceof Unknown ? condition : new Unknown(`${expr.condition.text} is not a bool`);
      return evaluate(condition ? expr.then : expr.else, scope);
    }
    case "unary": {
      const operand = evaluate(expr.operand, scope);
      if (operand instanceof Unknown) return operand;
      if (expr.operator === "!" && typeof operand === "boolean") return !operand;
      if (expr.operator === "-" && typeof operand === "number") return -operand;
      return new Unknown(`${expr.text} is not decidable`);
    }
    case "binary":
      return binary(expr.operator, evaluate(expr.left, scope), evaluate(expr.right, scope), expr.text);
    case "for":
      return forExpression(expr, scope);
    case "other":
      return new Unknown(`${expr.what} is not evaluated`);
  }
}

function binary(operator: string, left: Value, right: Value, text: string): Value {
  if (operator === "==" || operator === "!=") {
    if (firstUnknown(left) || firstUnknown(right)) return firstUnknown(left) ?? firstUnknown(right)!;
    const equal = JSON.stringify(left) === JSON.stringify(right);
    return operator === "==" ? equal : !equal;
  }
  if (left instanceof Unknown) return left;
  if (right instanceof Unknown) return right;
  if (operator === "&&" || operator === "||") {
    if (typeof left !== "boolean" || typeof right !== "boolean") return new Unknown(`${text} mixes types`);
    return operator === "&&" ? left && right : left || right;
  }
  const a = typeof left === "string" && left.trim() !== "" ? Number(left) : left;
  const b = typeof right === "string" && right.trim() !== "" ? Number(right) : right;
  if (typeof a !== "number" || typeof b !== "number" || Number.isNaN(a) || Number.isNaN(b)) return new Unknown(`${text} is not arithmetic on numbers`);
  switch (operator) {
    case "+":
      return a + b;
    case "-":
      return a - b;
    case "*":
      return a * b;
    case "/":
      return b === 0 ? new Unknown(`${text} divides by zero`) : a / b;
    case "%":
      return b === 0 ? new Unknown(`${text} divides by zero`) : a % b;
    case "<":
      return a < b;
    case "<=":
      return a <= b;
    case ">":
      return a > b;
    case ">=":
      return a >= b;
    default:
      return new Unknown(`operator ${operator} is not evaluated`);
  }
}

function traversal(expr: Extract<Expr, { kind: "traversal" }>, scope: Scope): Value {
  const steps = [...expr.steps];
  const attr = (index: number): string | undefined => {
    const step = steps[index];
    return step !== undefined && "attr" in step ? step.attr : undefined;
  };
  let value: Value;
  let rest: typeof steps;
  const bound = scope.bound?.get(expr.root);
  if (bound !== undefined) {
    value = bound;
    rest = steps;
  } else if (expr.root === "var" || expr.root === "local") {
    const name = attr(0);
    if (name === undefined) return new Unknown(`${expr.text} is not decidable`);
    const found = expr.root === "var" ? scope.variable(name) : scope.local(name);
    if (found === undefined) return new Unknown(`${expr.root === "var" ? "variable" : "local"} "${name}" is not declared`);
    value = found;
    rest = steps.slice(1);
  } else if (expr.root === "each") {
    const which = attr(0);
    if (scope.each === undefined || (which !== "key" && which !== "value")) return new Unknown(`${expr.text} is used outside a for_each block`);
    value = which === "key" ? scope.each.key : scope.each.value;
    rest = steps.slice(1);
  } else if (expr.root === "count") {
    if (scope.count === undefined || attr(0) !== "index") return new Unknown(`${expr.text} is used outside a count block`);
    value = scope.count;
    rest = steps.slice(1);
  } else if (expr.root === "path" || expr.root === "terraform" || expr.root === "self") {
    return new Unknown(`${expr.text} is known only when Terraform runs`);
  } else {
    // module.<name>[key].<output>, data.<type>.<name>[key].<attr>, <type>.<name>[key].<attr>
    const parts = expr.root === "data" ? 2 : 1;
    const names: string[] = [];
    for (let i = 0; i < parts; i++) {
      const name = attr(i);
      if (name === undefined) return new Unknown(`${expr.text} is not decidable`);
      names.push(name);
    }
    let index = parts;
    let key: Value | undefined;
    const step = steps[index];
    if (step !== undefined && "index" in step) {
      key = evaluate(step.index, scope);
      index++;
    }
    const restNames: string[] = [];
    for (const later of steps.slice(index)) {
      if (!("attr" in later)) break;
      restNames.push(later.attr);
    }
    return scope.reference([expr.root, ...names].join("."), key, restNames);
  }
  for (const step of rest) {
    if (value instanceof Unknown) return value;
    const key = "attr" in step ? step.attr : evaluate(step.index, scope);
    value = select(value, key, expr.text);
  }
  return value;
}

/** `value[key]` or `value.key`. */
export function select(value: Value, key: Value, text: string): Value {
  if (value instanceof Unknown) return value;
  if (key instanceof Unknown) return key;
  if (Array.isArray(value) && typeof key === "number") return key >= 0 && key < value.length ? value[key] : new Unknown(`${text}: index ${key} is out of range`);
  if (isObject(value) && (typeof key === "string" || typeof key === "number")) {
    return Object.prototype.hasOwnProperty.call(value, String(key)) ? value[String(key)] : new Unknown(`${text}: no key "${key}"`);
  }
  return new Unknown(`${text} is not decidable`);
}

function forExpression(expr: Extract<Expr, { kind: "for" }>, scope: Scope): Value {
  const collection = evaluate(expr.collection, scope);
  if (collection instanceof Unknown) return collection;
  const pairs: [Value, Value][] = Array.isArray(collection)
    ? collection.map((item, index) => [index, item])
    : isObject(collection)
      ? Object.keys(collection).sort().map((key) => [key, collection[key]])
      : [];
  if (!Array.isArray(collection) && !isObject(collection)) return new Unknown(`${expr.collection.text} is not a collection`);
  if (expr.grouped) return new Unknown("grouping (…) in a for expression is not evaluated");
  const list: Value[] = [];
  const object: { [key: string]: Value } = {};
  for (const [key, value] of pairs) {
    const bound = new Map(scope.bound ?? []);
    if (expr.keyVar !== undefined) bound.set(expr.keyVar, key);
    bound.set(expr.valueVar, value);
    const inner: Scope = { ...scope, bound };
    if (expr.condition) {
      const keep = evaluate(expr.condition, inner);
      if (keep instanceof Unknown) return keep;
      if (keep !== true) continue;
    }
    if (expr.object) {
      const k = evaluate(expr.key!, inner);
      if (typeof k !== "string" && typeof k !== "number") return k instanceof Unknown ? k : new Unknown(`key ${expr.key!.text} is not a string`);
      if (Object.prototype.hasOwnProperty.call(object, String(k))) return new Unknown(`duplicate key "${k}" in a for expression`);
      object[String(k)] = evaluate(expr.value, inner);
    } else {
      list.push(evaluate(expr.value, inner));
    }
  }
  return expr.object ? object : list;
}

type Fn = (args: Value[], text: string) => Value;

const text = (value: Value): string | undefined => (typeof value === "string" ? value : typeof value === "number" ? String(value) : undefined);

/** The functions evaluated; any other function call is Unknown. */
export const FUNCTIONS: Record<string, Fn> = {
  cidrsubnet: ([prefix, newbits, netnum], source) => cidrSubnet(prefix, newbits, netnum, source),
  cidrsubnets: ([prefix, ...bits], source) => {
    if (typeof prefix !== "string") return new Unknown(`${source}: the prefix is not a literal`);
    const parsed = parseCidr(prefix);
    if (parsed === undefined) return new Unknown(`${source}: "${prefix}" is not a CIDR`);
    const results: Value[] = [];
    let next = parsed.address;
    for (const newbits of bits) {
      if (typeof newbits !== "number") return new Unknown(`${source}: newbits are not literal numbers`);
      const length = parsed.prefix + newbits;
      if (length > parsed.width) return new Unknown(`${source}: not enough address space`);
      const size = 1n << BigInt(parsed.width - length);
      next = ((next + size - 1n) / size) * size;
      if (next >= parsed.address + (1n << BigInt(parsed.width - parsed.prefix))) return new Unknown(`${source}: not enough address space`);
      results.push(formatCidr(next, length, parsed.width));
      next += size;
    }
    return results;
  },
  lookup: ([map, key, fallback], source) => {
    if (map instanceof Unknown) return map;
    if (!isObject(map) || text(key) === undefined) return key instanceof Unknown ? key : new Unknown(`${source} is not decidable`);
    const found = map[text(key)!];
    return found !== undefined ? found : fallback !== undefined ? fallback : new Unknown(`${source}: no key "${text(key)}"`);
  },
  merge: (args, source) => {
    const merged: { [key: string]: Value } = {};
    for (const arg of args) {
      if (arg instanceof Unknown) return arg;
      if (arg === null) continue;
      if (!isObject(arg)) return new Unknown(`${source}: an argument is not a map`);
      Object.assign(merged, arg);
    }
    return merged;
  },
  concat: (args, source) => {
    const list: Value[] = [];
    for (const arg of args) {
      if (arg instanceof Unknown) return arg;
      if (!Array.isArray(arg)) return new Unknown(`${source}: an argument is not a list`);
      list.push(...arg);
    }
    return list;
  },
  element: ([list, index], source) => {
    if (list instanceof Unknown) return list;
    if (!Array.isArray(list) || typeof index !== "number" || list.length === 0) return new Unknown(`${source} is not decidable`);
    return list[((index % list.length) + list.length) % list.length];
  },
  keys: ([map], source) => (map instanceof Unknown ? map : isObject(map) ? Object.keys(map).sort() : new Unknown(`${source} is not decidable`)),
  values: ([map], source) =>
    map instanceof Unknown ? map : isObject(map) ? Object.keys(map).sort().map((key) => map[key]) : new Unknown(`${source} is not decidable`),
  lower: ([value], source) => (typeof value === "string" ? value.toLowerCase() : value instanceof Unknown ? value : new Unknown(`${source} is not decidable`)),
  upper: ([value], source) => (typeof value === "string" ? value.toUpperCase() : value instanceof Unknown ? value : new Unknown(`${source} is not decidable`)),
  tostring: ([value], source) => (text(value) ?? (value instanceof Unknown ? value : new Unknown(`${source} is not decidable`))),
  tonumber: ([value], source) =>
    typeof value === "number" ? value : typeof value === "string" && value.trim() !== "" && !Number.isNaN(Number(value)) ? Number(value) : value instanceof Unknown ? value : new Unknown(`${source} is not decidable`),
  tolist: ([value], source) => (Array.isArray(value) ? value : value instanceof Unknown ? value : new Unknown(`${source} is not decidable`)),
  toset: ([value], source) =>
    Array.isArray(value) && !value.some((item) => item instanceof Unknown)
      ? [...new Map(value.map((item) => [JSON.stringify(item), item])).values()].sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1))
      : value instanceof Unknown
        ? value
        : new Unknown(`${source} is not decidable`),
  tomap: ([value], source) => (isObject(value) ? value : value instanceof Unknown ? value : new Unknown(`${source} is not decidable`)),
  format: ([spec, ...args], source) => {
    if (typeof spec !== "string") return spec instanceof Unknown ? spec : new Unknown(`${source} is not decidable`);
    let index = 0;
    let failed: Value | undefined;
    const out = spec.replace(/%(%|s|d)/g, (_, verb: string) => {
      if (verb === "%") return "%";
      const arg = args[index++];
      const shown = arg === undefined ? undefined : text(arg);
      if (shown === undefined || (verb === "d" && typeof arg !== "number")) {
        failed ??= arg instanceof Unknown ? arg : new Unknown(`${source} is not decidable`);
        return "";
      }
      return shown;
    });
    if (/%[^%sd]/.test(spec.replace(/%%/g, ""))) return new Unknown(`${source}: only %s and %d are evaluated`);
    return failed ?? out;
  },
};

function call(expr: Extract<Expr, { kind: "call" }>, scope: Scope): Value {
  const fn = Object.prototype.hasOwnProperty.call(FUNCTIONS, expr.name) ? FUNCTIONS[expr.name] : undefined;
  if (fn === undefined) return new Unknown(`function ${expr.name}() is not evaluated`);
  let args = expr.args.map((arg) => evaluate(arg, scope));
  if (expr.expandLast) {
    const last = args[args.length - 1];
    if (!Array.isArray(last)) return last instanceof Unknown ? last : new Unknown(`${expr.text}: the expanded argument is not a list`);
    args = [...args.slice(0, -1), ...last];
  }
  return fn(args, expr.text);
}

// ─── CIDRs ─────────────────────────────────────────────────────────────────────

export interface Cidr {
  address: bigint;
  prefix: number;
  /** 32 for IPv4, 128 for IPv6. */
  width: number;
}

/** Parses "10.1.0.0/16" or "fd00::/8"; the address is masked to its prefix. Undefined for anything else. */
export function parseCidr(text: string): Cidr | undefined {
  const match = /^([^/\s]+)\/(\d{1,3})$/.exec(text.trim());
  if (!match) return undefined;
  const prefix = Number(match[2]);
  const ip = match[1].includes(":") ? parseIpv6(match[1]) : parseIpv4(match[1]);
  if (ip === undefined) return undefined;
  const width = match[1].includes(":") ? 128 : 32;
  if (prefix > width) return undefined;
  const mask = ((1n << BigInt(width)) - 1n) ^ ((1n << BigInt(width - prefix)) - 1n);
  return { address: ip & mask, prefix, width };
}

function parseIpv4(text: string): bigint | undefined {
  const parts = text.split(".");
  if (parts.length !== 4 || parts.some((part) => !/^\d{1,3}$/.test(part) || Number(part) > 255)) return undefined;
  return parts.reduce((sum, part) => (sum << 8n) + BigInt(Number(part)), 0n);
}

function parseIpv6(text: string): bigint | undefined {
  const halves = text.split("::");
  if (halves.length > 2) return undefined;
  const groups = (half: string) => (half === "" ? [] : half.split(":"));
  const head = groups(halves[0]);
  const tail = halves.length === 2 ? groups(halves[1]) : [];
  const missing = 8 - head.length - tail.length;
  if ((halves.length === 1 && missing !== 0) || missing < 0) return undefined;
  const all = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill("0"), ...tail];
  if (all.some((group) => !/^[0-9a-fA-F]{1,4}$/.test(group))) return undefined;
  return all.reduce((sum, group) => (sum << 16n) + BigInt(parseInt(group, 16)), 0n);
}

export function formatCidr(address: bigint, prefix: number, width: number): string {
  if (width === 32) return `${[24n, 16n, 8n, 0n].map((shift) => String((address >> shift) & 255n)).join(".")}/${prefix}`;
  const groups: string[] = [];
  for (let shift = 112n; shift >= 0n; shift -= 16n) groups.push(((address >> shift) & 0xffffn).toString(16));
  return `${groups.join(":").replace(/(^|:)0(:0)+(:|$)/, "::")}/${prefix}`;
}

/** Whether two networks share an address. */
export function overlaps(a: Cidr, b: Cidr): boolean {
  if (a.width !== b.width) return false;
  const prefix = Math.min(a.prefix, b.prefix);
  const shift = BigInt(a.width - prefix);
  return a.address >> shift === b.address >> shift;
}

function cidrSubnet(prefix: Value, newbits: Value, netnum: Value, source: string): Value {
  for (const arg of [prefix, newbits, netnum]) if (arg instanceof Unknown) return arg;
  if (typeof prefix !== "string") return new Unknown(`${source}: the prefix is not a literal`);
  const parsed = parseCidr(prefix);
  if (parsed === undefined) return new Unknown(`${source}: "${prefix}" is not a CIDR`);
  if (typeof newbits !== "number" || typeof netnum !== "number" || !Number.isInteger(newbits) || !Number.isInteger(netnum) || newbits < 0 || netnum < 0) {
    return new Unknown(`${source}: newbits and netnum must be whole numbers`);
  }
  const length = parsed.prefix + newbits;
  if (length > parsed.width || BigInt(netnum) >= 1n << BigInt(newbits)) return new Unknown(`${source}: not enough address space`);
  return formatCidr(parsed.address | (BigInt(netnum) << BigInt(parsed.width - length)), length, parsed.width);
}
