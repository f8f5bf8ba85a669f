// A fake comments API (GitHub issues comments or GitLab merge-request notes) on 127.0.0.1 that records every request,
// and a way to run the built CLI without blocking the event loop the fake answers on.
import { execFile } from "node:child_process";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { CLI } from "../cli/run-cli.js";

export interface Recorded {
  method: string;
  url: string;
  auth: string | undefined;
  body?: unknown;
}

export interface Fake {
  url: string;
  requests: Recorded[];
  comments: { id: number; body: string }[];
  close(): Promise<void>;
}

/** A fake comments API: lists, creates and edits comments in memory; `status` forces an answer to writes. */
export async function fakeApi(platform: "github" | "gitlab", options: { status?: number } = {}): Promise<Fake> {
  const requests: Recorded[] = [];
  const comments: { id: number; body: string }[] = [{ id: 7, body: "Looks good to me" }];
  const read = (request: IncomingMessage): Promise<string> =>
    new Promise((resolve) => {
      let text = "";
      request.setEncoding("utf8").on("data", (chunk: string) => (text += chunk)).on("end", () => resolve(text));
    });
  const server: Server = createServer((request, response) => {
    void read(request).then((text) => {
      const url = request.url ?? "";
      const auth = platform === "github" ? request.headers.authorization : (request.headers["private-token"] as string | undefined);
      requests.push({ method: request.method ?? "", url, auth, ...(text !== "" ? { body: JSON.parse(text) as unknown } : {}) });
      const send = (status: number, json: unknown) => response.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(json));
      if (options.status !== undefined && request.method !== "GET") return send(options.status, { message: "Resource not accessible by integration" });
      if (request.method === "GET") return send(200, /page=1(&|$)/.test(url) ? comments : []);
      const body = (JSON.parse(text) as { body: string }).body;
      if (request.method === "POST") {
        const created = { id: 100 + comments.length, body };
        comments.push(created);
        return send(201, created);
      }
      const id = Number(/\/(\d+)$/.exec(url)?.[1]);
      const existing = comments.find((comment) => comment.id === id);
      if (existing === undefined) return send(404, { message: "Not Found" });
      existing.body = body;
      return send(200, existing);
    });
  });
  server.timeout = 10_000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    comments,
    close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

/** Runs the built CLI without blocking this process's event loop (the fake server answers meanwhile). */
export function cli(args: string[], env: Record<string, string>): Promise<{ status: number; stderr: string }> {
  return run(process.execPath, [CLI, ...args], env);
}

/** Runs a program with a clean environment plus `env`, bounded to 60 s. */
export function run(file: string, args: string[], env: Record<string, string>, cwd?: string): Promise<{ status: number; stdout: string; stderr: string }> {
  const clean: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, CI: "true", NO_COLOR: "1", ...env };
  return new Promise((resolve) => {
    execFile(file, args, { env: clean, cwd, timeout: 60_000, encoding: "utf8" }, (error, stdout, stderr) => {
      resolve({ status: error ? ((error as { code?: number }).code ?? -1) : 0, stdout, stderr });
    });
  });
}

