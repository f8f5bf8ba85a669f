// The sticky comment, end to end: the built CLI's `comment` command against a fake GitHub and a fake GitLab API on
// 127.0.0.1 that record every request (no network). The first push creates the comment, the next edits that one.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { cli, fakeApi } from "./fake-api.js";
import { COMMENT_MARKER, commentBody } from "../../src/report/pr-comment.js";

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
