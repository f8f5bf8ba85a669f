// Fingerprints key a finding on what it is about, not where its line sits, so baselines survive unrelated edits.
import { createHash } from "node:crypto";

export function fingerprint(parts: { rule: string; service?: string; target?: string; symbol: string }): string {
  const key = [parts.rule, parts.service ?? "", parts.target ?? "", parts.symbol].join("\u0000");
  return createHash("sha256").update(key).digest("hex").slice(0, 32);
}
