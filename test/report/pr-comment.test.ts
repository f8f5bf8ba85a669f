// The sticky comment, end to end: the built CLI's `comment` command against a fake GitHub and a fake GitLab API on
// 127.0.0.1 that record every request (no network). The first push creates the comment, the next edits that one.
import { execFile } from "node:child_process";
import { createServer, type IncomingMessage, type Server } from "node:http";
import { mkdtempSync, writeFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { CLI } from "../cli/run-cli.js";
import { COMMENT_MARKER, commentBody } from "../../src/report/pr-comment.js";

interface Recorded {
  method: string;
  url: string;
  auth: string | undefined;
  body?: unknown;
}

interface Fake {
  url: string;
  requests: Recorded[];
  comments: { id: number; body: string }[];
  close(): Promise<void>;
}

/** A fake comments API: lists, creates and edits comments in memory; `status` forces an answer to writes. */
async function fakeApi(platform: "github" | "gitlab", options: { status?: number } = {}): Promise<Fake> {
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
function cli(args: string[], env: Record<string, string>): Promise<{ status: number; stderr: string }> {
  const clean: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, CI: "true", NO_COLOR: "1", ...env };
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { env: clean, timeout: 30_000, encoding: "utf8" }, (error, _stdout, stderr) => {
      resolve({ status: error ? ((error as { code?: number }).code ?? -1) : 0, stderr });
    });
  });
}

function report(text: string): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), "topo-lint-comment-")), "diff.md");
  writeFileSync(file, text);
  return file;
}

describe("comment on GitHub", () => {
  it("creates the comment on the first push and edits that same one on the next", async () => {
    const api = await fakeApi("github");
    try {
      const folder = mkdtempSync(path.join(tmpdir(), "topo-lint-event-"));
      writeFileSync(path.join(folder, "event.json"), JSON.stringify({ pull_request: { number: 42 } }));
      const env = {
        GITHUB_ACTIONS: "true",
        GITHUB_API_URL: api.url,
        GITHUB_REPOSITORY: "acme/shop",
        GITHUB_EVENT_PATH: path.join(folder, "event.json"),
        GITHUB_TOKEN: "ghs_test",
      };
      const first = await cli(["comment", report("## topo-lint: topology changes\n\nfirst\n")], env);
      expect(first.stderr).toBe("topo-lint: created comment 101 on pull request 42\n");
      expect(first.status).toBe(0);
      const second = await cli(["comment", report("## topo-lint: topology changes\n\nsecond\n")], env);
      expect(second.stderr).toBe("topo-lint: updated comment 101 on pull request 42\n");

      expect(api.requests).toEqual([
        { method: "GET", url: "/repos/acme/shop/issues/42/comments?per_page=100&page=1", auth: "Bearer ghs_test" },
        { method: "POST", url: "/repos/acme/shop/issues/42/comments", auth: "Bearer ghs_test", body: { body: `${COMMENT_MARKER}\n## topo-lint: topology changes\n\nfirst\n` } },
        { method: "GET", url: "/repos/acme/shop/issues/42/comments?per_page=100&page=1", auth: "Bearer ghs_test" },
        { method: "PATCH", url: "/repos/acme/shop/issues/comments/101", auth: "Bearer ghs_test", body: { body: `${COMMENT_MARKER}\n## topo-lint: topology changes\n\nsecond\n` } },
      ]);
      // One topo-lint comment, beside the reviewer's own.
      expect(api.comments.map((comment) => comment.id)).toEqual([7, 101]);
    } finally {
      await api.close();
    }
  });

  it("names the permission a refused token lacks, with exit 2", async () => {
    const api = await fakeApi("github", { status: 403 });
    try {
      const result = await cli(["comment", report("x\n")], {
        GITHUB_ACTIONS: "true",
        GITHUB_API_URL: api.url,
        GITHUB_REPOSITORY: "acme/shop",
        TOPO_LINT_PR_NUMBER: "5",
        GITHUB_TOKEN: "ghs_test",
      });
      expect(result.status).toBe(2);
      expect(result.stderr).toContain("GitHub answered 403 to POST /repos/acme/shop/issues/5/comments: Resource not accessible by integration");
      expect(result.stderr).toContain("pull-requests: write");
    } finally {
      await api.close();
    }
  });

  it("says which variable is missing", async () => {
    const result = await cli(["comment", report("x\n"), "--platform", "github"], { GITHUB_REPOSITORY: "acme/shop" });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain("comment: GITHUB_EVENT_PATH is not set");
  });
});

describe("comment on GitLab", () => {
  it("creates a merge-request note and edits it on the next push", async () => {
    const api = await fakeApi("gitlab");
    try {
      const env = { GITLAB_CI: "true", CI_API_V4_URL: `${api.url}/api/v4`, CI_PROJECT_ID: "17", CI_MERGE_REQUEST_IID: "3", TOPO_LINT_GITLAB_TOKEN: "glpat-test" };
      expect((await cli(["comment", report("first\n")], env)).stderr).toBe("topo-lint: created comment 101 on merge request 3\n");
      expect((await cli(["comment", report("second\n")], env)).stderr).toBe("topo-lint: updated comment 101 on merge request 3\n");
      const notes = "/api/v4/projects/17/merge_requests/3/notes";
      expect(api.requests).toEqual([
        { method: "GET", url: `${notes}?per_page=100&page=1&sort=asc&order_by=created_at`, auth: "glpat-test" },
        { method: "POST", url: notes, auth: "glpat-test", body: { body: `${COMMENT_MARKER}\nfirst\n` } },
        { method: "GET", url: `${notes}?per_page=100&page=1&sort=asc&order_by=created_at`, auth: "glpat-test" },
        { method: "PUT", url: `${notes}/101`, auth: "glpat-test", body: { body: `${COMMENT_MARKER}\nsecond\n` } },
      ]);
    } finally {
      await api.close();
    }
  });
});

describe("comment body", () => {
  it("fits GitHub's limit, closing a code block it cuts", () => {
    const markdown = `## report\n\n\`\`\`mermaid\n${"  n0 --> n1\n".repeat(10_000)}\`\`\`\n`;
    const body = commentBody(markdown);
    expect(body.length).toBeLessThanOrEqual(65_536);
    expect(body.startsWith(`${COMMENT_MARKER}\n## report`)).toBe(true);
    expect((body.match(/^```/gm) ?? []).length % 2).toBe(0);
    expect(body).toContain("The report was cut to fit a comment");
  });
});
