// Reads the Terraform configuration named by `infrastructure.terraform` into the facts the infrastructure rules
// check: the regional module instances, each region's network CIDRs, peerings between regions and the DNS records
// that route hostnames to regions. Terraform is never run: modules are expanded (for_each, count, local sources),
// providers followed through aliases and `providers` maps, and values evaluated as far as evaluate.ts decides them.
import { readdirSync } from "node:fs";
import path from "node:path";
import { UserError } from "../errors.js";
import { readAnalysedFile } from "../analyze/read.js";
import type { Diagnostic, DnsRecord, Infrastructure, ModuleInput, NetworkCidr, Peering, Position, RegionalModule, TopologyConfig, TraceStep } from "../model.js";
import { evaluate, firstUnknown, isUnknown, parseCidr, select, Unknown, type Reference, type Scope, type Value } from "./evaluate.js";
import { parseHcl, type Expr, type HclAttribute, type HclBlock } from "./hcl.js";

/** Module block arguments that are not inputs. */
const META_ARGUMENTS = new Set(["source", "version", "providers", "depends_on", "for_each", "count"]);
/** How deep local modules may nest (a module calling itself would never end). */
const MAX_DEPTH = 16;
/** Network resources and the argument holding their CIDR. */
const NETWORK_CIDRS: Record<string, string> = {
  aws_vpc: "cidr_block",
  aws_vpc_ipv4_cidr_block_association: "cidr_block",
  google_compute_subnetwork: "ip_cidr_range",
  azurerm_virtual_network: "address_space",
};
/** Inputs of modules whose code cannot be read (registry, git) that hold the network's CIDR. */
const CIDR_INPUT = /(^|_)(cidr|cidr_block|cidr_blocks|ipv4_cidr|address_space|ip_cidr_range)$/;

/** One folder of .tf files: a Terraform module. */
interface TfModule {
  folder: string;
  variables: Map<string, HclBlock>;
  locals: Map<string, HclAttribute>;
  providers: HclBlock[];
  calls: HclBlock[];
  resources: HclBlock[];
  outputs: Map<string, HclBlock>;
}

/** An instance of a module: the root module, or one for_each/count instance of a `module` block. */
interface Instance {
  path: string;
  module: TfModule;
  parent?: Instance;
  /** The `module` block that made it, and its for_each key or count index. */
  call?: HclBlock;
  key?: string | number;
  each?: { key: string; value: Value };
  count?: number;
  inputs: Map<string, Value>;
  /** Provider configuration ("aws", "aws.eu") → region value. */
  providers: Map<string, Value>;
  /** The outermost `module` block in a root module that this instance descends from. */
  site?: { address: string; location: Position };
  children: Map<string, Instance[]>;
  scope: Scope;
}

interface ResourceInstance {
  block: HclBlock;
  instance: Instance;
  address: string;
  scope: Scope;
}

/** Reads and resolves the Terraform configuration; a file that does not parse is a UserError at its position. */
export async function readInfrastructure(config: TopologyConfig): Promise<Infrastructure | undefined> {
  const infra = config.infrastructure;
  if (infra === undefined) return undefined;
  return new Reader(config.root, config.regions, infra.perRegionInputs).read(infra.terraform);
}

class Reader {
  private readonly modules = new Map<string, TfModule>();
  private readonly undecided = new Map<string, Diagnostic>();
  private readonly files = new Set<string>();
  private readonly resourceInstances: ResourceInstance[] = [];
  private readonly regional: RegionalModule[] = [];
  private readonly cidrs: NetworkCidr[] = [];
  private readonly registryCidrs: NetworkCidr[] = [];
  /** Regional module inputs whose value is not decided, with why. */
  private readonly undecidedInputs = new Map<ModuleInput, string>();

  constructor(
    private readonly root: string,
    private readonly regions: { home: string; serving: string[] },
    private readonly perRegionInputs: string[],
  ) {}

  async read(files: string[]): Promise<Infrastructure> {
    const folders = new Set<string>();
    for (const file of files) folders.add(path.posix.dirname(file));
    for (const folder of [...folders].sort()) await this.loadFolder(folder, files.filter((file) => path.posix.dirname(file) === folder));
    // Local module sources pull in more folders; a folder some other module calls is not a root module.
    const called = new Set<string>();
    for (let i = 0; i < 64; i++) {
      const before = this.modules.size;
      for (const module of [...this.modules.values()]) {
        for (const call of module.calls) {
          const target = this.localSource(module, call);
          if (target === undefined) continue;
          called.add(target);
          if (!this.modules.has(target)) await this.loadFolder(target);
        }
      }
      if (this.modules.size === before) break;
    }
    const roots = [...folders].filter((folder) => !called.has(folder)).sort();
    for (const folder of roots) {
      const module = this.modules.get(folder)!;
      // With several root modules, addresses start with the folder ("infra/eu:aws_vpc.main") to tell them apart.
      this.expand(this.instantiate(module, undefined, undefined, roots.length === 1 ? "" : `${folder}:`), 0);
    }
    this.listUndecidedInputs();
    this.collectCidrs();
    const peerings = this.peerings();
    const records = this.records();
    return {
      files: [...this.files].sort(),
      modules: this.regional,
      cidrs: dedupeCidrs([...this.cidrs, ...this.registryCidrs]),
      peerings,
      records,
      undecided: [...this.undecided.values()].sort(
        (a, b) => compare(a.location.file, b.location.file) || a.location.line - b.location.line || a.location.column - b.location.column || compare(a.message, b.message),
      ),
    };
  }

  // ─── Loading ───────────────────────────────────────────────────────────────

  private async loadFolder(folder: string, only?: string[]): Promise<void> {
    const module: TfModule = { folder, variables: new Map(), locals: new Map(), providers: [], calls: [], resources: [], outputs: new Map() };
    this.modules.set(folder, module);
    let names: string[];
    if (only !== undefined) names = only;
    else {
      try {
        names = readdirSync(path.join(this.root, folder), { withFileTypes: true })
          .filter((entry) => entry.isFile() && entry.name.endsWith(".tf"))
          .map((entry) => (folder === "." ? entry.name : `${folder}/${entry.name}`))
          .sort();
      } catch {
        names = [];
      }
    }
    for (const file of names) {
      const read = readAnalysedFile(this.root, file);
      if ("error" in read) throw new UserError(`${file} ${read.error}`, { location: { file, line: 1, column: 1 } });
      this.files.add(file);
      const parsed = await parseHcl(file, read.text);
      for (const block of parsed.body.blocks) {
        switch (block.type) {
          case "variable":
            if (block.labels[0]) module.variables.set(block.labels[0], block);
            break;
          case "locals":
            for (const [name, attribute] of block.attributes) module.locals.set(name, attribute);
            break;
          case "provider":
            module.providers.push(block);
            break;
          case "module":
            module.calls.push(block);
            break;
          case "resource":
          case "data":
            module.resources.push(block);
            break;
          case "output":
            if (block.labels[0]) module.outputs.set(block.labels[0], block);
            break;
        }
      }
    }
  }

  /** The root-relative folder of a local module source ("./modules/region"), or undefined for any other source. */
  private localSource(module: TfModule, call: HclBlock): string | undefined {
    const source = call.attributes.get("source")?.value;
    if (source?.kind !== "literal" || typeof source.value !== "string") return undefined;
    if (!source.value.startsWith("./") && !source.value.startsWith("../")) return undefined;
    const joined = path.posix.normalize(path.posix.join(module.folder, source.value));
    if (joined.startsWith("..")) {
      this.note(source.location, `module source "${source.value}" points outside the analysed root; its resources are not read`);
      return undefined;
    }
    return joined === "" ? "." : joined.replace(/\/$/, "");
  }

  // ─── Instances ─────────────────────────────────────────────────────────────

  /** Makes an instance (scope and providers) without expanding what it holds; `expand` does that. */
  private instantiate(module: TfModule, parent: Instance | undefined, call: HclBlock | undefined, path: string, options: { each?: Instance["each"]; count?: number; key?: string | number; inputs?: Map<string, Value>; site?: Instance["site"] } = {}): Instance {
    const instance: Instance = {
      path,
      module,
      parent,
      call,
      inputs: options.inputs ?? new Map(),
      providers: new Map(),
      children: new Map(),
      scope: undefined as unknown as Scope,
    };
    if (options.key !== undefined) instance.key = options.key;
    if (options.each !== undefined) instance.each = options.each;
    if (options.count !== undefined) instance.count = options.count;
    if (options.site !== undefined) instance.site = options.site;
    instance.scope = this.scopeOf(instance);
    this.providersOf(instance);
    return instance;
  }

  /** Expands an instance's resources, then its module calls (so outputs and inputs can refer to its resources). */
  private expand(instance: Instance, depth: number): void {
    for (const block of instance.module.resources) this.expandResource(instance, block);
    for (const child of instance.module.calls) this.expandCall(instance, child, depth);
  }

  private scopeOf(instance: Instance): Scope {
    const locals = new Map<string, Value>();
    const evaluating = new Set<string>();
    const scope: Scope = {
      variable: (name) => {
        if (instance.inputs.has(name)) return instance.inputs.get(name)!;
        const declared = instance.module.variables.get(name);
        if (declared === undefined) return undefined;
        const fallback = declared.attributes.get("default");
        if (fallback === undefined) return new Unknown(`variable "${name}" has no default: its value is set when Terraform runs`);
        return evaluate(fallback.value, { variable: () => undefined, local: () => undefined, reference: () => new Unknown("a default refers to something") });
      },
      local: (name) => {
        if (locals.has(name)) return locals.get(name)!;
        const attribute = instance.module.locals.get(name);
        if (attribute === undefined) return undefined;
        if (evaluating.has(name)) return new Unknown(`local "${name}" refers to itself`);
        evaluating.add(name);
        const value = evaluate(attribute.value, scope);
        evaluating.delete(name);
        locals.set(name, value);
        return value;
      },
      reference: (address, key, rest) => this.reference(instance, address, key, rest),
    };
    if (instance.each) scope.each = instance.each;
    if (instance.count !== undefined) scope.count = instance.count;
    return scope;
  }

  /** Provider configurations visible in an instance: its own blocks, the `providers` map, or the parent's defaults. */
  private providersOf(instance: Instance): void {
    const { parent, call } = instance;
    if (parent !== undefined) {
      for (const [name, region] of parent.providers) if (!name.includes(".")) instance.providers.set(name, region);
      const mapping = call?.attributes.get("providers")?.value;
      if (mapping?.kind === "object") {
        for (const entry of mapping.entries) {
          const local = entry.key.kind === "literal" ? String(entry.key.value) : entry.key.text;
          const region = parent.providers.get(entry.value.text.trim());
          instance.providers.set(local, region ?? new Unknown(`provider ${entry.value.text} is not configured with a region`));
        }
      }
    }
    for (const block of instance.module.providers) {
      const name = block.labels[0];
      if (!name) continue;
      const alias = block.attributes.get("alias");
      const aliasValue = alias ? evaluate(alias.value, instance.scope) : undefined;
      const key = typeof aliasValue === "string" ? `${name}.${aliasValue}` : name;
      // A block with nothing but an alias is a proxy: the configuration comes from the caller's `providers` map.
      if (parent !== undefined && [...block.attributes.keys()].every((argument) => argument === "alias") && instance.providers.has(key)) continue;
      const region = block.attributes.get("region") ?? block.attributes.get("location");
      instance.providers.set(key, region ? evaluate(region.value, instance.scope) : new Unknown(`provider ${key} sets no region`));
    }
  }

  /** Expands a `module` block into its instances (for_each, count, or one). */
  private expandCall(parent: Instance, call: HclBlock, depth: number): void {
    const name = call.labels[0] ?? "";
    const instances: Instance[] = [];
    parent.children.set(name, instances);
    const target = this.localSource(parent.module, call);
    const child = target !== undefined ? this.modules.get(target) : undefined;
    const module: TfModule = child ?? { folder: "", variables: new Map(), locals: new Map(), providers: [], calls: [], resources: [], outputs: new Map() };
    if (depth >= MAX_DEPTH) {
      this.note(call.location, `module "${name}" nests more than ${MAX_DEPTH} modules deep; deeper modules are not read`);
      return;
    }
    for (const { each, count, key } of this.expansions(call, parent.scope, `module "${name}"`)) {
      const scope: Scope = { ...parent.scope };
      if (each) scope.each = each;
      else delete scope.each;
      if (count !== undefined) scope.count = count;
      else delete scope.count;
      const inputs = new Map<string, Value>();
      for (const [input, attribute] of call.attributes) if (!META_ARGUMENTS.has(input)) inputs.set(input, evaluate(attribute.value, scope));
      const address = `${joinPath(parent.path)}module.${name}${key === undefined ? "" : typeof key === "number" ? `[${key}]` : `[${JSON.stringify(key)}]`}`;
      const site = parent.site ?? { address, location: call.location };
      const instance = this.instantiate(module, parent, call, address, { each, count, key, inputs, site });
      instances.push(instance);
      this.regionalModule(instance, call, scope);
      if (child === undefined) this.registryModuleCidrs(instance, call, scope);
      this.expand(instance, depth + 1);
    }
  }

  /** The instances of a block: one per for_each element or count index, or one. */
  private expansions(block: HclBlock, scope: Scope, what: string): { each?: { key: string; value: Value }; count?: number; key?: string | number }[] {
    const forEach = block.attributes.get("for_each");
    if (forEach) {
      const value = evaluate(forEach.value, scope);
      if (Array.isArray(value) && value.every((item) => typeof item === "string")) {
        return [...new Set(value as string[])].sort().map((item) => ({ each: { key: item, value: item }, key: item }));
      }
      if (value !== null && typeof value === "object" && !Array.isArray(value) && !isUnknown(value)) {
        return Object.keys(value)
          .sort()
          .map((key) => ({ each: { key, value: value[key] }, key }));
      }
      this.note(forEach.location, `cannot decide the instances of ${what}: ${isUnknown(value) ? value.reason : "for_each is not a map or a set of strings"}`);
      return [];
    }
    const countAttribute = block.attributes.get("count");
    if (countAttribute) {
      const value = evaluate(countAttribute.value, scope);
      if (typeof value === "number" && Number.isInteger(value) && value >= 0 && value <= 1000) {
        return Array.from({ length: value }, (_, index) => ({ count: index, key: index }));
      }
      this.note(countAttribute.location, `cannot decide the instances of ${what}: ${isUnknown(value) ? value.reason : "count is not a whole number"}`);
      return [];
    }
    return [{}];
  }

  private expandResource(instance: Instance, block: HclBlock): void {
    const kind = block.type === "data" ? "data." : "";
    const [type, name] = block.labels;
    if (!type || !name) return;
    for (const { each, count, key } of this.expansions(block, instance.scope, `${kind}${type}.${name}`)) {
      const scope: Scope = { ...instance.scope };
      if (each) scope.each = each;
      if (count !== undefined) scope.count = count;
      const keyText = key === undefined ? "" : typeof key === "number" ? `[${key}]` : `[${JSON.stringify(key)}]`;
      this.resourceInstances.push({ block, instance, address: `${joinPath(instance.path)}${kind}${type}.${name}${keyText}`, scope });
    }
  }

  /** `module.x[key].output` or `aws_vpc.main[key].attr`: an output's value, a resource argument, or a Reference. */
  private reference(instance: Instance, address: string, key: Value | undefined, rest: string[]): Value {
    if (key !== undefined && isUnknown(key)) return key;
    const wanted = key === undefined || typeof key === "string" || typeof key === "number" ? key : undefined;
    if (address.startsWith("module.")) {
      const children = instance.children.get(address.slice("module.".length));
      const child = children?.find((candidate) => candidate.key === wanted) ?? (wanted === undefined && children?.length === 1 ? children[0] : undefined);
      if (child === undefined) return new Unknown(`${address} is not a decided module instance`);
      if (rest.length === 0) return new Unknown(`${address} as a whole is not evaluated`, { instance: child.path, address });
      const output = child.module.outputs.get(rest[0])?.attributes.get("value");
      if (output === undefined) return new Unknown(`${address}.${rest[0]} is an output of a module whose code is not read`, { instance: child.path, address });
      let value = evaluate(output.value, child.scope);
      for (const attr of rest.slice(1)) value = select(value, attr, `${address}.${rest.join(".")}`);
      return value;
    }
    const reference: Reference = { instance: instance.path, address };
    if (wanted !== undefined) reference.key = wanted;
    const resource = this.resourceInstances.find(
      (candidate) => candidate.instance === instance && resourceAddress(candidate.block) === address && (wanted === undefined || candidate.scope.each?.key === wanted || candidate.scope.count === wanted),
    );
    // data "aws_region" without arguments is the region of its provider: decidable from the configuration.
    if (resource && address.startsWith("data.aws_region.") && ["name", "region", "id"].includes(rest[0] ?? "") && !resource.block.attributes.has("name") && !resource.block.attributes.has("region")) {
      const region = this.resourceRegion(resource);
      return isUnknown(region) ? new Unknown(region.reason, reference) : region;
    }
    const argument = rest.length > 0 && resource ? resource.block.attributes.get(rest[0]) : undefined;
    if (resource && argument) {
      let value = evaluate(argument.value, resource.scope);
      for (const attr of rest.slice(1)) value = select(value, attr, `${address}.${rest.join(".")}`);
      return isUnknown(value) ? new Unknown(value.reason, reference) : value;
    }
    return new Unknown(`${address}${rest.length > 0 ? `.${rest.join(".")}` : ""} is known only when Terraform runs`, reference);
  }

  // ─── Regional modules ──────────────────────────────────────────────────────

  /** Records a module instance as regional when its provider or its inputs name a serving region. */
  private regionalModule(instance: Instance, call: HclBlock, scope: Scope): void {
    if (this.regional.some((module) => instance.path.startsWith(`${module.address}.`))) return;
    const serving = new Set(this.regions.serving);
    let region: string | undefined;
    let regionFrom = "";
    // The providers its `providers` map passes, the default configuration (`aws`) before aliased ones (`aws.peer`).
    const mapping = call.attributes.get("providers")?.value;
    const mapped = mapping?.kind === "object" ? mapping.entries.map((entry) => (entry.key.kind === "literal" ? String(entry.key.value) : entry.key.text)) : [];
    for (const local of mapped.sort((a, b) => Number(a.includes(".")) - Number(b.includes(".")) || compare(a, b))) {
      const value = instance.providers.get(local);
      if (typeof value === "string" && serving.has(value)) {
        [region, regionFrom] = [value, `provider ${local}`];
        break;
      }
    }
    const named = [...instance.inputs].filter(([, value]) => typeof value === "string" && serving.has(value));
    if (region === undefined) {
      const preferred = named.find(([input]) => this.perRegionInputs.includes(input) && /region/.test(input)) ?? named.find(([input]) => input === "region");
      if (preferred) [region, regionFrom] = [preferred[1] as string, `input ${preferred[0]}`];
    }
    if (region === undefined && typeof instance.key === "string" && serving.has(instance.key)) [region, regionFrom] = [instance.key, "for_each key"];
    if (region === undefined) {
      const distinct = [...new Set(named.map(([, value]) => value as string))];
      if (distinct.length === 1) [region, regionFrom] = [distinct[0], `input ${named.find(([, value]) => value === distinct[0])![0]}`];
      else if (distinct.length > 1) {
        this.note(call.location, `cannot decide the region of ${instance.path}: its inputs name ${distinct.join(" and ")}`);
        return;
      }
    }
    if (region === undefined) return;
    const source = call.attributes.get("source");
    const version = call.attributes.get("version");
    const inputs: Record<string, ModuleInput> = {};
    for (const [name, attribute] of [...call.attributes].sort(([a], [b]) => compare(a, b))) {
      if (META_ARGUMENTS.has(name)) continue;
      const value = evaluate(attribute.value, scope);
      const input: ModuleInput = { text: attribute.value.text, perInstance: /\b(each|count)\./.test(attribute.value.text), location: attribute.location };
      const unknown = firstUnknown(value);
      if (unknown === undefined) input.value = JSON.stringify(value);
      else this.undecidedInputs.set(input, `${unknown.reason}`);
      inputs[name] = input;
    }
    const module: RegionalModule = {
      address: instance.path,
      region,
      regionFrom,
      source: source ? literalText(source.value, scope) : "(no source)",
      inputs,
      location: call.location,
    };
    if (version) module.version = literalText(version.value, scope);
    this.regional.push(module);
  }

  /**
   * An undecided input still compares equal across regions when every module of its source writes the same expression
   * and it does not vary per instance (`home_vpc_id = aws_vpc.home.id`). The others cannot be compared: listed.
   */
  private listUndecidedInputs(): void {
    for (const module of this.regional) {
      for (const [name, input] of Object.entries(module.inputs)) {
        const reason = this.undecidedInputs.get(input);
        if (reason === undefined || this.perRegionInputs.includes(name) || module.regionFrom === `input ${name}`) continue;
        const peers = this.regional.filter((other) => other.source === module.source);
        if (peers.every((other) => other.inputs[name] !== undefined && other.inputs[name].text === input.text && !other.inputs[name].perInstance)) continue;
        this.note(input.location, `cannot decide input ${name} of ${module.address}, so it is not compared across regions: ${reason}`);
      }
    }
  }

  private registryModuleCidrs(instance: Instance, call: HclBlock, scope: Scope): void {
    for (const [name, attribute] of call.attributes) {
      if (META_ARGUMENTS.has(name) || !CIDR_INPUT.test(name) || /subnet/.test(name)) continue;
      const value = evaluate(attribute.value, scope);
      const region = this.instanceRegion(instance);
      for (const cidr of cidrValues(value)) {
        if (isUnknown(cidr)) {
          this.note(attribute.location, `cannot decide the CIDR ${attribute.value.text} of ${instance.path}: ${cidr.reason}`);
          continue;
        }
        if (region === undefined) {
          this.note(call.location, `cannot decide the region of ${instance.path}, whose network is ${cidr}`);
          continue;
        }
        this.registryCidrs.push({ region, cidr, address: `${instance.path} (input ${name})`, location: instance.site!.location, trace: siteTrace(instance, attribute.location, `input ${name} = ${cidr}`) });
      }
    }
  }

  /** The region a module instance stands for: its regional module's, else its default providers' if they agree. */
  private instanceRegion(instance: Instance): string | undefined {
    const regional = this.regional.find((module) => instance.path === module.address || instance.path.startsWith(`${module.address}.`));
    if (regional) return regional.region;
    const regions = [...instance.providers].filter(([name]) => !name.includes(".")).map(([, value]) => value);
    const known = [...new Set(regions.filter((value): value is string => typeof value === "string"))];
    return known.length === 1 ? known[0] : undefined;
  }

  /** The region a resource runs in: its `location` (Azure) or `region` argument, its provider's, or its module's. */
  private resourceRegion(resource: ResourceInstance): Value {
    const { block, instance, scope } = resource;
    const own = block.attributes.get(block.labels[0].startsWith("azurerm_") ? "location" : "region");
    if (own && !block.labels[0].startsWith("aws_")) return evaluate(own.value, scope);
    const regional = this.regional.find((module) => instance.path === module.address || instance.path.startsWith(`${module.address}.`));
    const providerName = block.attributes.get("provider")?.value.text.trim() ?? block.labels[0].split("_")[0];
    const fromProvider = instance.providers.get(providerName);
    if (regional && (fromProvider === undefined || !block.attributes.has("provider"))) return regional.region;
    if (own) return evaluate(own.value, scope);
    return fromProvider ?? new Unknown(`provider ${providerName} is not configured`);
  }

  // ─── Networks ──────────────────────────────────────────────────────────────

  private collectCidrs(): void {
    for (const resource of this.resourceInstances) {
      const type = resource.block.labels[0];
      const argument = resource.block.type === "resource" ? NETWORK_CIDRS[type] : undefined;
      if (argument === undefined) continue;
      const attribute = resource.block.attributes.get(argument);
      if (attribute === undefined) continue;
      const value = evaluate(attribute.value, resource.scope);
      const region = this.resourceRegion(resource);
      const location = resource.instance.site?.location ?? resource.block.location;
      for (const cidr of cidrValues(value)) {
        if (isUnknown(cidr)) {
          this.note(attribute.location, `cannot decide the CIDR of ${resource.address}: ${cidr.reason}`);
          continue;
        }
        if (typeof region !== "string") {
          this.note(resource.block.location, `cannot decide the region of ${resource.address}: ${isUnknown(region) ? region.reason : "it is not a string"}`);
          continue;
        }
        this.cidrs.push({ region, cidr, address: resource.address, location, trace: siteTrace(resource.instance, attribute.location, `${resource.address} ${argument} = ${cidr}`) });
      }
    }
  }

  // ─── Peerings ──────────────────────────────────────────────────────────────

  private peerings(): Peering[] {
    const peerings: Peering[] = [];
    for (const resource of this.resourceInstances) {
      if (resource.block.type !== "resource") continue;
      const type = resource.block.labels[0];
      const arg = (name: string): Value | undefined => {
        const attribute = resource.block.attributes.get(name);
        return attribute ? evaluate(attribute.value, resource.scope) : undefined;
      };
      let from: Value;
      let to: Value;
      switch (type) {
        case "aws_vpc_peering_connection":
        case "aws_ec2_transit_gateway_peering_attachment": {
          from = this.resourceRegion(resource);
          const peerRegion = arg("peer_region");
          const peerVpc = type === "aws_vpc_peering_connection" ? arg("peer_vpc_id") : undefined;
          to = peerRegion ?? (peerVpc !== undefined && isUnknown(peerVpc) && peerVpc.reference ? this.referencedRegion(peerVpc.reference) : from);
          break;
        }
        case "google_compute_network_peering":
          from = this.regionOfReference(arg("network"), "network");
          to = this.regionOfReference(arg("peer_network"), "peer_network");
          break;
        case "azurerm_virtual_network_peering":
          from = this.regionOfReference(arg("virtual_network_name"), "virtual_network_name");
          to = this.regionOfReference(arg("remote_virtual_network_id"), "remote_virtual_network_id");
          break;
        default:
          continue;
      }
      const location = resource.instance.site?.location ?? resource.block.location;
      if (typeof from !== "string" || typeof to !== "string") {
        const why = [from, to].find(isUnknown);
        this.note(resource.block.location, `cannot decide the regions ${resource.address} joins: ${why ? why.reason : "a region is not a string"}`);
        continue;
      }
      peerings.push({ from, to, address: resource.address, location, trace: siteTrace(resource.instance, resource.block.location, `${resource.address} joins ${from} and ${to}`) });
    }
    return peerings;
  }

  private regionOfReference(value: Value | undefined, argument: string): Value {
    if (value === undefined) return new Unknown(`${argument} is not set`);
    if (isUnknown(value) && value.reference) return this.referencedRegion(value.reference);
    return isUnknown(value) ? value : new Unknown(`${argument} does not refer to a resource of this configuration`);
  }

  private referencedRegion(reference: Reference): Value {
    const resource = this.resourceInstances.find(
      (candidate) =>
        candidate.instance.path === reference.instance &&
        resourceAddress(candidate.block) === reference.address &&
        (reference.key === undefined || candidate.scope.each?.key === reference.key || candidate.scope.count === reference.key),
    );
    if (resource === undefined) return new Unknown(`${reference.address} is not a resource of this configuration`);
    return this.resourceRegion(resource);
  }

  // ─── DNS ───────────────────────────────────────────────────────────────────

  private records(): DnsRecord[] {
    const records: DnsRecord[] = [];
    for (const resource of this.resourceInstances) {
      if (resource.block.type !== "resource") continue;
      const type = resource.block.labels[0];
      if (type === "aws_route53_record") {
        const latency = resource.block.blocks.find((block) => block.type === "latency_routing_policy");
        const geolocation = resource.block.blocks.find((block) => block.type === "geolocation_routing_policy");
        if (!latency && !geolocation) continue;
        const hostname = this.recordName(resource);
        if (isUnknown(hostname)) {
          this.note(resource.block.location, `cannot decide the name of ${resource.address}: ${hostname.reason}`);
          continue;
        }
        let region: Value;
        if (latency) {
          const attribute = latency.attributes.get("region");
          region = attribute ? evaluate(attribute.value, resource.scope) : new Unknown("latency_routing_policy sets no region");
        } else region = this.geolocationRegion(resource);
        if (typeof region !== "string") {
          this.note(resource.block.location, `cannot decide the region ${resource.address} routes to: ${isUnknown(region) ? region.reason : "it is not a string"}`);
          continue;
        }
        // A health check that is a reference (aws_route53_health_check.x.id) is known only when Terraform runs: it is set.
        const check = resource.block.attributes.get("health_check_id");
        const checkValue = check ? evaluate(check.value, resource.scope) : null;
        const healthChecked = checkValue !== null && checkValue !== "";
        const location = resource.instance.site?.location ?? resource.block.location;
        records.push({
          hostname,
          region,
          routing: latency ? "latency" : "geolocation",
          healthChecked,
          address: resource.address,
          location,
          trace: siteTrace(resource.instance, resource.block.location, `${resource.address} routes ${hostname} to ${region}`),
        });
      } else if (type === "google_dns_record_set") {
        const policy = resource.block.blocks.find((block) => block.type === "routing_policy");
        const geos = policy?.blocks.filter((block) => block.type === "geo") ?? [];
        if (geos.length === 0) continue;
        const name = resource.block.attributes.get("name");
        const hostname = name ? evaluate(name.value, resource.scope) : new Unknown("the record sets no name");
        if (typeof hostname !== "string") {
          this.note(resource.block.location, `cannot decide the name of ${resource.address}: ${isUnknown(hostname) ? hostname.reason : "it is not a string"}`);
          continue;
        }
        for (const geo of geos) {
          const attribute = geo.attributes.get("location");
          const region = attribute ? evaluate(attribute.value, resource.scope) : new Unknown("geo sets no location");
          if (typeof region !== "string") {
            this.note(geo.location, `cannot decide the region ${resource.address} routes to: ${isUnknown(region) ? region.reason : "it is not a string"}`);
            continue;
          }
          records.push({
            hostname: normaliseHost(hostname),
            region,
            routing: "geolocation",
            healthChecked: geo.blocks.some((block) => block.type === "health_checked_targets"),
            address: resource.address,
            location: resource.instance.site?.location ?? geo.location,
            trace: siteTrace(resource.instance, geo.location, `${resource.address} routes ${normaliseHost(hostname)} to ${region}`),
          });
        }
      }
    }
    return records;
  }

  /** A Route 53 record's full name: `name` with the zone's name appended when it does not already end with it. */
  private recordName(resource: ResourceInstance): string | Unknown {
    const name = resource.block.attributes.get("name");
    const value = name ? evaluate(name.value, resource.scope) : new Unknown("the record sets no name");
    if (typeof value !== "string") return isUnknown(value) ? value : new Unknown("the name is not a string");
    const host = normaliseHost(value);
    const zoneId = resource.block.attributes.get("zone_id");
    let zone: Value = new Unknown("zone_id is not set");
    if (zoneId?.value.kind === "traversal") {
      const steps = zoneId.value.steps;
      const last = steps[steps.length - 1];
      if (last && "attr" in last && last.attr === "zone_id") {
        const nameExpr: Expr = { ...zoneId.value, steps: [...steps.slice(0, -1), { attr: "name" }], text: zoneId.value.text.replace(/zone_id$/, "name") };
        zone = evaluate(nameExpr, resource.scope);
      }
    }
    if (typeof zone === "string") {
      const zoneHost = normaliseHost(zone);
      return host === zoneHost || host.endsWith(`.${zoneHost}`) ? host : `${host}.${zoneHost}`;
    }
    if (host.includes(".")) return host;
    return new Unknown(`"${value}" is relative to a zone whose name is not decided${isUnknown(zone) ? ` (${zone.reason})` : ""}`);
  }

  /** A geolocation record's region: its module's region, or a serving region its set_identifier names. */
  private geolocationRegion(resource: ResourceInstance): Value {
    const regional = this.regional.find((module) => resource.instance.path === module.address || resource.instance.path.startsWith(`${module.address}.`));
    if (regional) return regional.region;
    const identifier = resource.block.attributes.get("set_identifier");
    const value = identifier ? evaluate(identifier.value, resource.scope) : undefined;
    if (typeof value === "string") {
      const named = [...new Set([this.regions.home, ...this.regions.serving])].filter((region) => value.includes(region));
      if (named.length === 1) return named[0];
    }
    return new Unknown("a geolocation record names no region (neither its module nor its set_identifier says which)");
  }

  private note(location: Position, message: string): void {
    const key = `${location.file}:${location.line}:${location.column}:${message}`;
    if (!this.undecided.has(key)) this.undecided.set(key, { severity: "warning", message, location });
  }
}

/** An instance's path as the prefix of the addresses inside it. */
function joinPath(path: string): string {
  return path === "" || path.endsWith(":") ? path : `${path}.`;
}

/** `aws_vpc.main` / `data.aws_vpc.peer` for a resource or data block. */
function resourceAddress(block: HclBlock): string {
  return `${block.type === "data" ? "data." : ""}${block.labels[0]}.${block.labels[1]}`;
}

function literalText(expr: Expr, scope: Scope): string {
  const value = evaluate(expr, scope);
  return typeof value === "string" ? value : expr.text;
}

/** CIDR strings in a value (a string or a list of them); Unknown entries stand for undecided ones. */
function cidrValues(value: Value): (string | Unknown)[] {
  const items = Array.isArray(value) ? value : [value];
  const out: (string | Unknown)[] = [];
  for (const item of items) {
    if (isUnknown(item)) out.push(item);
    else if (typeof item === "string" && parseCidr(item)) out.push(item);
    else if (typeof item === "string") out.push(new Unknown(`"${item}" is not a CIDR`));
  }
  return out;
}

function siteTrace(instance: Instance, location: Position, note: string): TraceStep[] {
  return instance.site ? [{ ...location, note }] : [];
}

function dedupeCidrs(cidrs: NetworkCidr[]): NetworkCidr[] {
  const seen = new Set<string>();
  return cidrs.filter((cidr) => {
    const key = `${cidr.region}|${cidr.cidr}|${cidr.location.file}:${cidr.location.line}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

export function normaliseHost(host: string): string {
  return host.trim().toLowerCase().replace(/\.$/, "");
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
