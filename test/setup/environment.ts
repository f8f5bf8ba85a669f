// vitest globalSetup: the environment every test file and every process the tests start inherit.
import { mkdtempSync, realpathSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

export default function setup(): () => void {
  // NODE_EXTRA_CA_CERTS names a bundle of certificate authorities for TLS; Node reads and parses it as it starts, about
  // 40 ms for a system bundle, and the suite starts hundreds of Node processes that never make a TLS connection (the
  // built CLI, the reference services on 127.0.0.1, offline npm).
  delete process.env.NODE_EXTRA_CA_CERTS;
  // The suite's temporary folders (fixture copies, caches, outputs: a few hundred a run) and those of the processes it
  // starts go into one folder of their own, removed when the run ends, so no run leaves them behind. Its real path, so
  // a test comparing paths sees no link on the way.
  const previous = process.env.TMPDIR;
  const folder = realpathSync(mkdtempSync(path.join(tmpdir(), "topo-lint-tests-")));
  process.env.TMPDIR = folder;
  return () => {
    if (previous === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = previous;
    rmSync(folder, { recursive: true, force: true, maxRetries: 3 });
  };
}
