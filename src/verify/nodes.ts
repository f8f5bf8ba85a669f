// Which service or database a span's attributes point at: a hostname of a service's `address.hostnames`, a host of a
// database, `peer.service` naming either, or a database span's `db.system` with its host or name.
import type { TopologyConfig } from "../model.js";
import { type HostnamePattern, hostnameCaptures, hostnamePattern } from "../analyze/hostnames.js";

export interface VerifyNode {
  name: string;
  kind: "service" | "database";
}

/** The span attributes that can name a target or a code location; the rest of a span is not kept. */
export const TARGET_ATTRIBUTES = new Set([
  "peer.service",
  "server.address",
  "net.peer.name",
  "url.full",
  "http.url",
  "http.host",
  "url.domain",
  "db.system",
  "db.system.name",
  "db.name",
  "db.namespace",
  "code.filepath",
  "code.file.path",
  "code.lineno",
  "code.line.number",
]);

const MAX_REMEMBERED_HOSTS = 10_000;

/**
 * The services and databases of a topology, numbered from 1 (0 is "none", as the span table stores it): services
 * sorted by name, then databases sorted by name.
 */
export class VerifyNodes {
  readonly nodes: VerifyNode[];
  private readonly byName = new Map<string, number>();
  private readonly serviceCount: number;
  private readonly hostPatterns: { pattern: HostnamePattern; node: number }[] = [];
  private readonly hosts = new Map<string, number>();

  constructor(config: Pick<TopologyConfig, "services" | "databases">) {
    const services = config.services.map((service) => service.name).sort(compareText);
    const databases = config.databases.map((database) => database.name).sort(compareText);
    this.nodes = [
      ...services.map((name): VerifyNode => ({ name, kind: "service" })),
      ...databases.map((name): VerifyNode => ({ name, kind: "database" })),
    ];
    this.serviceCount = services.length;
    this.nodes.forEach((node, i) => this.byName.set(`${node.kind}:${node.name}`, i + 1));
    for (const service of config.services) {
      const node = this.byName.get(`service:${service.name}`)!;
      for (const hostname of service.address.hostnames) this.hostPatterns.push({ pattern: hostnamePattern(hostname), node });
    }
    for (const database of config.databases) {
      const node = this.byName.get(`database:${database.name}`)!;
      for (const host of database.hosts) this.hostPatterns.push({ pattern: hostnamePattern(host), node });
    }
  }

  /** The node's 1-based number, or 0. */
  service(name: string): number {
    return this.byName.get(`service:${name}`) ?? 0;
  }

  node(n: number): VerifyNode {
    return this.nodes[n - 1];
  }

  isService(n: number): boolean {
    return n >= 1 && n <= this.serviceCount;
  }

  /** The node a client span's attributes name, or 0. */
  identify(attributes: ReadonlyMap<string, string>): number {
    const peer = attributes.get("peer.service");
    if (peer !== undefined) {
      const named = this.byName.get(`service:${peer}`) ?? this.byName.get(`database:${peer}`);
      if (named !== undefined) return named;
    }
    for (const key of ["server.address", "net.peer.name", "url.domain", "http.host"]) {
      const value = attributes.get(key);
      const found = value === undefined ? 0 : this.host(stripPort(value));
      if (found > 0) return found;
    }
    for (const key of ["url.full", "http.url"]) {
      const value = attributes.get(key);
      const found = value === undefined ? 0 : this.host(urlHost(value));
      if (found > 0) return found;
    }
    if (attributes.has("db.system") || attributes.has("db.system.name")) {
      const name = attributes.get("db.namespace") ?? attributes.get("db.name");
      const named = name === undefined ? undefined : this.byName.get(`database:${name}`);
      if (named !== undefined) return named;
    }
    return 0;
  }

  /** The node whose hostnames or hosts match `host`, or 0; answers are remembered (hosts repeat across spans). */
  private host(host: string): number {
    if (host === "") return 0;
    const known = this.hosts.get(host);
    if (known !== undefined) return known;
    const normal = host.toLowerCase().replace(/\.$/, "");
    const found = this.hostPatterns.find(({ pattern }) => hostnameCaptures(pattern, normal) !== undefined)?.node ?? 0;
    if (this.hosts.size < MAX_REMEMBERED_HOSTS) this.hosts.set(host, found);
    return found;
  }
}

function stripPort(host: string): string {
  if (host.startsWith("[")) return host.slice(1, host.indexOf("]") > 0 ? host.indexOf("]") : undefined);
  const colon = host.lastIndexOf(":");
  return colon > 0 && host.indexOf(":") === colon && /^\d+$/.test(host.slice(colon + 1)) ? host.slice(0, colon) : host;
}

function urlHost(url: string): string {
  try {
    return new URL(url).hostname;
  } catch {
    return "";
  }
}

export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
