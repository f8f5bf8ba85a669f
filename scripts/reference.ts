// Runs the reference regional services (fixtures/reference) on 127.0.0.1: home (config, ingest), links in every
// serving region and the routing front, one process per service per region. Run it to try the services by hand;
// the reference tests use the same functions to start, kill and restart processes.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath, pathToFileURL } from "node:url";

/** The fixture monorepo; every process runs with it as the working directory. */
export const FIXTURE_ROOT = fileURLToPath(new URL("../fixtures/reference/", import.meta.url));

/** The serving regions of the fixture's topo-lint.config.yaml; the first is home. */
export const REGIONS = ["us-west-2", "eu-west-1"] as const;
export const HOME_REGION = REGIONS[0];

/** Signing keys every links deployment shares; version 2 signs, version 1 still verifies. */
export const SESSION_KEYS = "1:reference-session-key-one,2:reference-session-key-two";

/** How often background work runs. */
export interface Intervals {
  escrowPollMs: number;
  publishMs: number;
  telemetryFlushMs: number;
  telemetryMaxBackoffMs: number;
  probeMs: number;
}

export const DEMO_INTERVALS: Intervals = {
  escrowPollMs: 1_000,
  publishMs: 1_000,
  telemetryFlushMs: 1_000,
  telemetryMaxBackoffMs: 5_000,
  probeMs: 1_000,
};

/** Short enough that failures are detected and recovered from within a test's time budget. */
export const FAST_INTERVALS: Intervals = {
  escrowPollMs: 100,
  publishMs: 100,
  telemetryFlushMs: 100,
  telemetryMaxBackoffMs: 300,
  probeMs: 100,
};

export interface ServiceSpec {
  /** Names the process in logs ("links@eu-west-1"). */
  name: string;
  /** Entry file, relative to the fixture root. */
  entry: string;
  env: Record<string, string>;
  /** The fixture to run (a copy of it, for a test that changes a service); default FIXTURE_ROOT. */
  root?: string;
}

/**
 * Names a file that every service process appends its OpenTelemetry spans to (OTLP/JSON lines), for `topo-lint verify`;
 * unset, nothing is traced.
 */
export const TRACE_FILE_ENV = "REFERENCE_TRACE_FILE";

const running = new Set<ServiceProcess>();
let exitHookInstalled = false;

/** One service process. It listens on a free port the first time and on the same port after a restart. */
export class ServiceProcess {
  readonly name: string;
  /** The last lines the process wrote, for diagnosing a failed test. */
  readonly log: string[] = [];
  private child: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();
  private port = 0;
  private listeningUrl: string | undefined;

  constructor(
    readonly spec: ServiceSpec,
    private readonly echo = false,
  ) {
    this.name = spec.name;
  }

  get url(): string {
    if (this.listeningUrl === undefined) throw new Error(`${this.name} has not started`);
    return this.listeningUrl;
  }

  get isRunning(): boolean {
    return this.child !== undefined;
  }

  /** Starts the process and resolves with its URL once it listens. */
  async start(timeoutMs = 20_000): Promise<string> {
    if (this.child !== undefined) throw new Error(`${this.name} is already running`);
    installExitHook();
    const root = this.spec.root ?? FIXTURE_ROOT;
    const tracing = process.env[TRACE_FILE_ENV] ? ["--import", "./tracing/otel.ts"] : [];
    const child = spawn(process.execPath, ["--import", "tsx", ...tracing, this.spec.entry], {
      cwd: root,
      env: { ...process.env, TSX_TSCONFIG_PATH: join(root, "tsconfig.json"), ...this.spec.env, PORT: String(this.port) },
      stdio: ["ignore", "pipe", "pipe"],
    });
    this.child = child;
    running.add(this);
    this.exited = new Promise((resolve) =>
      child.once("exit", () => {
        if (this.child === child) this.child = undefined;
        running.delete(this);
        resolve();
      }),
    );
    createInterface({ input: child.stderr! }).on("line", (line) => this.note(line));
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(this.failure(`did not listen within ${timeoutMs} ms`)), timeoutMs);
      child.once("exit", (code, signal) => {
        clearTimeout(timer);
        reject(this.failure(`exited before listening (code ${code}, signal ${signal})`));
      });
      createInterface({ input: child.stdout! }).on("line", (line) => {
        this.note(line);
        const listening = parseListening(line);
        if (listening !== undefined) {
          clearTimeout(timer);
          resolve(listening);
        }
      });
    }).catch(async (error: unknown) => {
      await this.stop();
      throw error;
    });
    this.listeningUrl = url;
    this.port = Number(new URL(url).port);
    return url;
  }

  /** Kills the process (SIGKILL by default: a crash, not a shutdown) and waits until it is gone. */
  async stop(signal: NodeJS.Signals = "SIGKILL"): Promise<void> {
    this.child?.kill(signal);
    await this.exited;
  }

  /** Sends SIGKILL without waiting; for process exit, when nothing can be awaited. */
  killNow(): void {
    this.child?.kill("SIGKILL");
  }

  /** Starts the process again on the port it had. */
  async restart(): Promise<string> {
    await this.stop();
    return this.start();
  }

  private note(line: string): void {
    this.log.push(line);
    if (this.log.length > 200) this.log.shift();
    if (this.echo) process.stderr.write(`[${this.name}] ${line}\n`);
  }

  private failure(message: string): Error {
    return new Error(`${this.name} ${message}\n${this.log.slice(-20).join("\n")}`);
  }
}

function parseListening(line: string): string | undefined {
  if (!line.startsWith("{")) return undefined;
  try {
    const value = JSON.parse(line) as { listening?: unknown };
    return typeof value.listening === "string" ? value.listening : undefined;
  } catch {
    return undefined;
  }
}

// A process left behind would keep a port and a database open after the launcher is gone.
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once("exit", () => {
    for (const service of running) service.killNow();
  });
}

/** A TCP port nothing listens on right now, for an address that must be known before its service starts. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === "string") throw new Error("no TCP address");
  return address.port;
}

export function configSpec(dataDir: string, escrowDir: string, intervals: Intervals): ServiceSpec {
  return {
    name: "config",
    entry: "services/config/src/main.ts",
    env: {
      OTEL_SERVICE_NAME: "config",
      PARTNER_CONFIG_DB_PATH: join(dataDir, "partner-config.db"),
      ESCROW_DIR: escrowDir,
      CONFIG_PUBLISH_MS: String(intervals.publishMs),
    },
  };
}

export function ingestSpec(dataDir: string): ServiceSpec {
  return {
    name: "ingest",
    entry: "services/ingest/src/main.ts",
    env: { OTEL_SERVICE_NAME: "ingest", EVENTS_DB_PATH: join(dataDir, "events.db") },
  };
}

export interface LinksOptions {
  region: string;
  ingestUrl: string;
  escrowDir: string;
  intervals: Intervals;
  /** Names the instance in `x-served-by`; defaults to links-<region>. */
  instance?: string;
  telemetryCapacity?: number;
}

export function linksSpec(options: LinksOptions): ServiceSpec {
  const instance = options.instance ?? `links-${options.region}`;
  return {
    name: `${instance}@${options.region}`,
    entry: "services/links/src/main.ts",
    env: {
      OTEL_SERVICE_NAME: "links",
      REGION: options.region,
      INSTANCE_NAME: instance,
      INGEST_URL: options.ingestUrl,
      ESCROW_DIR: options.escrowDir,
      ESCROW_POLL_MS: String(options.intervals.escrowPollMs),
      TELEMETRY_FLUSH_MS: String(options.intervals.telemetryFlushMs),
      TELEMETRY_MAX_BACKOFF_MS: String(options.intervals.telemetryMaxBackoffMs),
      TELEMETRY_TIMEOUT_MS: "1000",
      ...(options.telemetryCapacity === undefined ? {} : { TELEMETRY_CAPACITY: String(options.telemetryCapacity) }),
      SESSION_KEYS,
    },
  };
}

export interface RoutingTable {
  regions: { region: string; records: { target: string; weight: number }[] }[];
  latency: Record<string, Record<string, number>>;
}

/** A latency table where each region is nearest to its own clients, and the others follow in listed order. */
export function nearestFirstLatency(regions: readonly string[]): Record<string, Record<string, number>> {
  return Object.fromEntries(
    regions.map((client) => [
      client,
      Object.fromEntries(regions.map((region, i) => [region, region === client ? 5 : 100 + 10 * i])),
    ]),
  );
}

export function routerSpec(table: RoutingTable, intervals: Intervals, seed?: number): ServiceSpec {
  return {
    name: "router",
    entry: "packages/router/src/front.ts",
    env: {
      OTEL_SERVICE_NAME: "router",
      ROUTER_TABLE: JSON.stringify(table),
      ROUTER_PROBE_MS: String(intervals.probeMs),
      ROUTER_PROBE_TIMEOUT_MS: "1000",
      ...(seed === undefined ? {} : { ROUTER_SEED: String(seed) }),
    },
  };
}

export interface ReferenceOptions {
  /** Where the databases and the escrow live; a new temporary folder by default. */
  dataDir?: string;
  intervals?: Intervals;
  /** Extra links instances that take a weighted share of a region's traffic (a gradual rollout). */
  canaries?: { region: string; weight: number }[];
  /** Weight of the regular instance in a region that has canaries. */
  baseWeight?: number;
  telemetryCapacity?: Partial<Record<string, number>>;
  seed?: number;
  /** Copy every process's output to stderr. */
  echo?: boolean;
  /** Run a copy of the fixture instead of fixtures/reference itself. */
  root?: string;
}

export interface Reference {
  dataDir: string;
  escrowDir: string;
  config: ServiceProcess;
  ingest: ServiceProcess;
  /** Every links instance of each region, the regular one first. */
  links: Record<string, ServiceProcess[]>;
  router: ServiceProcess;
  all(): ServiceProcess[];
  /** Kills every process, and removes the data folder when it was a temporary one. */
  stop(): Promise<void>;
}

/** Starts home, links in every region (healthy before the router starts), then the router. */
export async function startReference(options: ReferenceOptions = {}): Promise<Reference> {
  const temporary = options.dataDir === undefined;
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), "reference-"));
  const escrowDir = join(dataDir, "escrow");
  mkdirSync(escrowDir, { recursive: true });
  const intervals = options.intervals ?? DEMO_INTERVALS;
  const echo = options.echo ?? false;
  const at = (spec: ServiceSpec): ServiceSpec => (options.root === undefined ? spec : { ...spec, root: options.root });
  const config = new ServiceProcess(at(configSpec(dataDir, escrowDir, intervals)), echo);
  const ingest = new ServiceProcess(at(ingestSpec(dataDir)), echo);
  const links: Record<string, ServiceProcess[]> = {};
  const router = { current: undefined as ServiceProcess | undefined };
  const all = () => [config, ingest, ...Object.values(links).flat(), ...(router.current ? [router.current] : [])];
  const stop = async () => {
    await Promise.all(all().map((service) => service.stop()));
    if (temporary) rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    await Promise.all([config.start(), ingest.start()]);
    for (const region of REGIONS) {
      const instances = [{ instance: undefined as string | undefined }];
      for (const [i, canary] of (options.canaries ?? []).entries()) {
        if (canary.region === region) instances.push({ instance: `links-${region}-canary${i + 1}` });
      }
      links[region] = instances.map(
        ({ instance }) =>
          new ServiceProcess(
            at(linksSpec({
              region,
              instance,
              ingestUrl: ingest.url,
              escrowDir,
              intervals,
              telemetryCapacity: options.telemetryCapacity?.[region],
            })),
            echo,
          ),
      );
    }
    const linksProcesses = Object.values(links).flat();
    await Promise.all(linksProcesses.map((service) => service.start()));
    await Promise.all(linksProcesses.map((service) => waitUntilHealthy(service.url)));
    const table: RoutingTable = {
      regions: REGIONS.map((region) => ({
        region,
        records: links[region].map((service, i) => ({
          target: service.url,
          weight: i === 0 ? (options.baseWeight ?? 100) : (options.canaries ?? []).filter((c) => c.region === region)[i - 1].weight,
        })),
      })),
      latency: nearestFirstLatency(REGIONS),
    };
    router.current = new ServiceProcess(at(routerSpec(table, intervals, options.seed)), echo);
    await router.current.start();
    await waitUntilRouted(router.current.url);
    return { dataDir, escrowDir, config, ingest, links, router: router.current, all, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Resolves once `GET <url>/health` answers 200; rejects after `timeoutMs`. */
export async function waitUntilHealthy(url: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = "no answer";
  while (Date.now() < deadline) {
    try {
      const response = await fetch(`${url}/health`, { signal: AbortSignal.timeout(1_000) });
      await response.arrayBuffer();
      if (response.ok) return;
      last = `status ${response.status}`;
    } catch (error) {
      last = error instanceof Error ? error.message : String(error);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`${url}/health not healthy within ${timeoutMs} ms (${last})`);
}

/**
 * Resolves once the router's own probes count every record healthy. Its first probes run before it listens, and on a
 * loaded machine one of them can time out: until the next interval, that region would get no traffic.
 */
export async function waitUntilRouted(url: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = "no answer";
  while (Date.now() < deadline) {
    try {
      const response = await fetch(`${url}/router/status`, { signal: AbortSignal.timeout(1_000) });
      const status = (await response.json()) as { regions: { records: { target: string; healthy: boolean }[] }[] };
      const down = status.regions.flatMap((set) => set.records).filter((record) => !record.healthy);
      if (down.length === 0) return;
      last = `not yet healthy: ${down.map((record) => record.target).join(", ")}`;
    } catch (error) {
      last = error instanceof Error ? error.message : String(error);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`${url}/router/status not all healthy within ${timeoutMs} ms (${last})`);
}

async function main(): Promise<void> {
  const reference = await startReference({ echo: process.argv.includes("--verbose") });
  const lines = [
    `data:    ${reference.dataDir}`,
    `escrow:  ${reference.escrowDir}`,
    `config   (home ${HOME_REGION})  ${reference.config.url}`,
    `ingest   (home ${HOME_REGION})  ${reference.ingest.url}`,
    ...Object.entries(reference.links).flatMap(([region, services]) =>
      services.map((service) => `links    (${region})${" ".repeat(Math.max(1, 16 - region.length))}${service.url}`),
    ),
    `router                     ${reference.router.url}`,
    "",
    "Try:",
    `  curl -s -X POST ${reference.router.url}/v1/links -H 'x-client-region: eu-west-1' -d '{"partner":"acme","path":"/spring"}'`,
    `  curl -si ${reference.router.url}/l/<id>`,
    `  curl -s ${reference.router.url}/router/status`,
    "Ctrl-C stops every process.",
  ];
  process.stdout.write(`${lines.join("\n")}\n`);
  const shutdown = () => {
    void reference.stop().then(() => process.exit(0));
  };
  process.once("SIGINT", shutdown);
  process.once("SIGTERM", shutdown);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
