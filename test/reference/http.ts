// Small HTTP helpers for the reference tests: create and resolve links, read counters, wait for a condition.

export interface Answer {
  status: number;
  headers: Headers;
  body: unknown;
}

export async function send(url: string, init: RequestInit = {}): Promise<Answer> {
  const response = await fetch(url, { redirect: "manual", signal: AbortSignal.timeout(5_000), ...init });
  const text = await response.text();
  let body: unknown = text;
  if (response.headers.get("content-type")?.includes("application/json")) body = JSON.parse(text);
  return { status: response.status, headers: response.headers, body };
}

export interface CreatedLink {
  status: number;
  id: string;
  path: string;
  region: string | null;
  servedBy: string | null;
}

/** POST /v1/links; `client` sets the router's notion of where the client is. */
export async function createLink(
  base: string,
  body: { partner: string; path: string; ttlSeconds?: number },
  client?: string,
): Promise<CreatedLink> {
  const answer = await send(`${base}/v1/links`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(client ? { "x-client-region": client } : {}) },
    body: JSON.stringify(body),
  });
  const created = (answer.body ?? {}) as { id?: string; path?: string };
  return {
    status: answer.status,
    id: created.id ?? "",
    path: created.path ?? "",
    region: answer.headers.get("x-region"),
    servedBy: answer.headers.get("x-served-by"),
  };
}

export interface ResolvedLink {
  status: number;
  location: string | null;
  region: string | null;
  servedBy: string | null;
  routedRegion: string | null;
}

export async function resolveLink(base: string, path: string, client?: string): Promise<ResolvedLink> {
  const answer = await send(`${base}${path}`, { headers: client ? { "x-client-region": client } : {} });
  return {
    status: answer.status,
    location: answer.headers.get("location"),
    region: answer.headers.get("x-region"),
    servedBy: answer.headers.get("x-served-by"),
    routedRegion: answer.headers.get("x-routed-region"),
  };
}

export interface TelemetryStats {
  capacity: number;
  buffered: number;
  delivered: number;
  dropped: number;
  failedFlushes: number;
}

export async function telemetryStats(linksUrl: string): Promise<TelemetryStats> {
  return (await send(`${linksUrl}/internal/telemetry`)).body as TelemetryStats;
}

/** The IDs of the events waiting in a links instance's telemetry buffer, oldest first. */
export async function bufferedEventIds(linksUrl: string): Promise<string[]> {
  return ((await send(`${linksUrl}/internal/telemetry/buffered`)).body as { ids: string[] }).ids;
}

export interface EventCounts {
  total: number;
  byRegion: Record<string, number>;
  byType: Record<string, number>;
}

export async function eventCounts(ingestUrl: string): Promise<EventCounts> {
  return (await send(`${ingestUrl}/v1/events/counts`)).body as EventCounts;
}

export async function healthStatus(url: string): Promise<number> {
  try {
    return (await send(`${url}/health`)).status;
  } catch {
    return 0;
  }
}

/** Polls `probe` until it returns something other than undefined; fails with `what` after `timeoutMs`. */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(50);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
