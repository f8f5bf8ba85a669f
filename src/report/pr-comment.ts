// One sticky comment per pull request (GitHub) or merge request (GitLab): found again by a hidden marker and edited
// on every push, so a review thread holds one current report instead of one per push.
import { UserError } from "../errors.js";

/** The hidden line that marks topo-lint's comment. */
export const COMMENT_MARKER = "<!-- topo-lint: topology report -->";
/** GitHub refuses comments over 65,536 characters; GitLab notes take 1,000,000. */
export const MAX_COMMENT_CHARS = 65_536;
/** Pages of comments read at most when looking for the marked one (100 per page). */
const MAX_PAGES = 50;

/** The comment's text: the marker, then the report, cut at a line end when it would not fit. */
export function commentBody(markdown: string, maxChars = MAX_COMMENT_CHARS): string {
  const head = `${COMMENT_MARKER}\n`;
  const room = maxChars - head.length;
  if (markdown.length <= room) return head + markdown;
  const note = "\n\n_The report was cut to fit a comment; the job's log has all of it._\n";
  const cut = markdown.slice(0, room - note.length);
  const fences = (cut.match(/^```/gm) ?? []).length;
  const whole = cut.slice(0, Math.max(0, cut.lastIndexOf("\n")));
  // A cut inside a code block would swallow the note: the block is closed first.
  return head + whole + (fences % 2 === 1 ? "\n```" : "") + note;
}

/** What the posting needs to reach a platform; `fetch` is replaceable for tests. */
export interface CommentTarget {
  platform: "github" | "gitlab";
  /** The API root: GITHUB_API_URL (https://api.github.com) or CI_API_V4_URL (https://gitlab.com/api/v4). */
  api: string;
  /** GitHub: "owner/name"; GitLab: the project's id or its URL-encoded path. */
  project: string;
  /** The pull request's number or the merge request's iid. */
  number: number;
  token: string;
}

export interface CommentOutcome {
  action: "created" | "updated";
  id: number;
}

interface RemoteComment {
  id: number;
  body?: string;
}

/** Creates topo-lint's comment, or edits the one carrying the marker. */
export async function postComment(target: CommentTarget, body: string, fetchImpl: typeof fetch = fetch): Promise<CommentOutcome> {
  const platform = target.platform === "github" ? github(target) : gitlab(target);
  const call = async (method: string, url: string, payload?: unknown): Promise<unknown> => {
    let response: Response;
    try {
      response = await fetchImpl(url, {
        method,
        headers: { ...platform.headers, ...(payload !== undefined ? { "content-type": "application/json" } : {}) },
        body: payload !== undefined ? JSON.stringify(payload) : undefined,
        signal: AbortSignal.timeout(30_000),
      });
    } catch (error) {
      throw new UserError(`cannot reach ${platform.name} at ${target.api}: ${error instanceof Error ? error.message : String(error)}`);
    }
    const text = await response.text();
    if (!response.ok) {
      throw new UserError(`${platform.name} answered ${response.status} to ${method} ${new URL(url).pathname}: ${errorMessage(text)}`, {
        hint: platform.permissions,
      });
    }
    try {
      return text === "" ? undefined : (JSON.parse(text) as unknown);
    } catch {
      throw new UserError(`${platform.name} answered ${method} ${new URL(url).pathname} with something that is not JSON`);
    }
  };

  for (let page = 1; page <= MAX_PAGES; page++) {
    const comments = await call("GET", platform.list(page));
    if (!Array.isArray(comments)) throw new UserError(`${platform.name} answered the list of comments with something that is not a list`);
    const marked = (comments as RemoteComment[]).find((comment) => typeof comment.body === "string" && comment.body.startsWith(COMMENT_MARKER));
    if (marked !== undefined) {
      await call(platform.editMethod, platform.edit(marked.id), { body });
      return { action: "updated", id: marked.id };
    }
    if (comments.length < 100) break;
  }
  const created = (await call("POST", platform.create, { body })) as RemoteComment | undefined;
  return { action: "created", id: typeof created?.id === "number" ? created.id : 0 };
}

interface Platform {
  name: string;
  headers: Record<string, string>;
  list(page: number): string;
  create: string;
  edit(id: number): string;
  editMethod: "PATCH" | "PUT";
  permissions: string;
}

function github(target: CommentTarget): Platform {
  const root = `${target.api.replace(/\/+$/, "")}/repos/${target.project.split("/").map(encodeURIComponent).join("/")}`;
  return {
    name: "GitHub",
    headers: {
      accept: "application/vnd.github+json",
      authorization: `Bearer ${target.token}`,
      "user-agent": "topo-lint",
      "x-github-api-version": "2022-11-28",
    },
    list: (page) => `${root}/issues/${target.number}/comments?per_page=100&page=${page}`,
    create: `${root}/issues/${target.number}/comments`,
    edit: (id) => `${root}/issues/comments/${id}`,
    editMethod: "PATCH",
    permissions: "the token needs `pull-requests: write` (and `issues: write` on some plans): set `permissions:` in the workflow",
  };
}

function gitlab(target: CommentTarget): Platform {
  const root = `${target.api.replace(/\/+$/, "")}/projects/${encodeURIComponent(target.project)}/merge_requests/${target.number}/notes`;
  return {
    name: "GitLab",
    headers: { "private-token": target.token, "user-agent": "topo-lint" },
    list: (page) => `${root}?per_page=100&page=${page}&sort=asc&order_by=created_at`,
    create: root,
    edit: (id) => `${root}/${id}`,
    editMethod: "PUT",
    permissions: "the token needs the `api` scope and at least the Reporter role on the project (a project access token works)",
  };
}

function errorMessage(text: string): string {
  try {
    const json = JSON.parse(text) as { message?: unknown; error?: unknown };
    const message = json.message ?? json.error;
    if (typeof message === "string") return message;
    if (message !== undefined) return JSON.stringify(message);
  } catch {
    // not JSON: the start of the text says enough
  }
  return text.slice(0, 200).replace(/\s+/g, " ").trim() || "no message";
}

/**
 * Where to post, from the CI environment: GitHub Actions (GITHUB_REPOSITORY, GITHUB_API_URL, the pull request in
 * GITHUB_EVENT_PATH, the token in GITHUB_TOKEN) or GitLab CI (CI_API_V4_URL, CI_PROJECT_ID, CI_MERGE_REQUEST_IID,
 * the token in TOPO_LINT_GITLAB_TOKEN). A missing piece is the user's mistake, named.
 */
export function targetFromEnvironment(
  env: NodeJS.ProcessEnv,
  readEvent: (file: string) => string,
  platform?: "github" | "gitlab",
): CommentTarget {
  const chosen = platform ?? (env.GITLAB_CI === "true" ? "gitlab" : env.GITHUB_ACTIONS === "true" ? "github" : undefined);
  if (chosen === undefined) throw new UserError("comment: not in GitHub Actions or GitLab CI", { hint: "pass --platform github|gitlab and set its variables" });
  const need = (name: string): string => {
    const value = env[name];
    if (value === undefined || value === "") throw new UserError(`comment: ${name} is not set`, { hint: HINTS[chosen] });
    return value;
  };
  if (chosen === "gitlab") {
    return {
      platform: "gitlab",
      api: need("CI_API_V4_URL"),
      project: need("CI_PROJECT_ID"),
      number: positive(need("CI_MERGE_REQUEST_IID"), "CI_MERGE_REQUEST_IID"),
      token: need("TOPO_LINT_GITLAB_TOKEN"),
    };
  }
  let number: number;
  if (env.TOPO_LINT_PR_NUMBER) number = positive(env.TOPO_LINT_PR_NUMBER, "TOPO_LINT_PR_NUMBER");
  else {
    const file = need("GITHUB_EVENT_PATH");
    let event: { pull_request?: { number?: unknown }; number?: unknown };
    try {
      event = JSON.parse(readEvent(file)) as typeof event;
    } catch (error) {
      throw new UserError(`comment: cannot read the event in ${file}: ${error instanceof Error ? error.message : String(error)}`);
    }
    const found = event.pull_request?.number ?? event.number;
    if (typeof found !== "number") throw new UserError("comment: this workflow run is not for a pull request", { hint: "run it on pull_request events" });
    number = found;
  }
  return { platform: "github", api: env.GITHUB_API_URL || "https://api.github.com", project: need("GITHUB_REPOSITORY"), number, token: need("GITHUB_TOKEN") };
}

const HINTS = {
  github: "in GitHub Actions: env GITHUB_TOKEN: ${{ github.token }}, with permissions pull-requests: write",
  gitlab: "in a merge request pipeline, with a masked CI/CD variable TOPO_LINT_GITLAB_TOKEN holding a token with the api scope",
};

function positive(text: string, name: string): number {
  if (!/^[1-9]\d*$/.test(text)) throw new UserError(`comment: ${name} is "${text}"; expected a positive whole number`);
  return Number(text);
}
