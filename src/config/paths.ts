// Root-relative paths and globs: written relative to a manifest's folder (or the root), stored relative to the root
// with `/` separators, and refused when they leave the root.
import path from "node:path";

/** `a/b` for a path inside the root ("" for the root itself); undefined when the path leaves the root. */
export function rootRelative(root: string, absolute: string): string | undefined {
  const relative = path.relative(root, absolute);
  if (relative === "") return "";
  if (relative === ".." || relative.startsWith(`..${path.sep}`) || path.isAbsolute(relative)) return undefined;
  return relative.split(path.sep).join("/");
}

/** A path written in a file, resolved against `baseFolder` (root-relative), or undefined when it leaves the root. */
export function resolvePath(root: string, baseFolder: string, written: string): string | undefined {
  return rootRelative(root, path.resolve(root, baseFolder, written));
}

/**
 * A glob written relative to `baseFolder` (root-relative), as a normalised root-relative glob (no "./", no trailing
 * slash), or undefined when it leaves the root.
 */
export function resolveGlob(root: string, baseFolder: string, written: string): string | undefined {
  // Backslashes stay: in a glob they escape the next character.
  const slashed = written;
  if (path.isAbsolute(written)) {
    const relative = rootRelative(root, path.resolve(written));
    return relative === undefined ? undefined : relative === "" ? "." : relative;
  }
  let joined = path.posix.normalize(path.posix.join(baseFolder, slashed));
  if (joined === ".." || joined.startsWith("../")) return undefined;
  if (joined.length > 1 && joined.endsWith("/")) joined = joined.slice(0, -1);
  return joined;
}

/** Whether folder `inner` is `outer` or inside it (both root-relative). */
export function folderContains(outer: string, inner: string): boolean {
  return outer === inner || outer === "" || inner.startsWith(`${outer}/`);
}
