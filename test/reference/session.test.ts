// Signed session IDs of the reference links service: what they carry, and every way a forged or stale one is refused.
import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  encodeSession,
  parseSessionKeys,
  verifySession,
  type Session,
} from "../../fixtures/reference/services/links/src/session.js";

const keys = parseSessionKeys("1:first-secret,2:second-secret");
const session: Session = { partner: "acme", path: "/spring?x=1", createdAt: 1_700_000_000_000, expiresAt: 1_700_000_060_000 };

/** A correctly signed ID around any payload text, to reach the checks that come after the signature. */
function signedAround(payloadText: string, secret = "second-secret", version = 2): string {
  const signed = `v${version}.${Buffer.from(payloadText).toString("base64url")}`;
  return `${signed}.${createHmac("sha256", secret).update(signed).digest("base64url")}`;
}

describe("parseSessionKeys", () => {
  it("reads versions and secrets, and signs with the highest version", () => {
    expect(keys).toEqual({
      current: 2,
      keys: new Map([
        [1, Buffer.from("first-secret")],
        [2, Buffer.from("second-secret")],
      ]),
    });
  });

  it("refuses entries without a version, and a version listed twice", () => {
    expect(() => parseSessionKeys("secret")).toThrow('session key "secret" is not "<version>:<secret>"');
    expect(() => parseSessionKeys("1:a,1:b")).toThrow("session key version 1 is listed twice");
  });
});

describe("encodeSession / verifySession", () => {
  it("round-trips everything a resolve needs, with no lookup", () => {
    const id = encodeSession(session, keys);
    expect(id.startsWith("v2.")).toBe(true);
    expect(verifySession(id, keys, session.createdAt + 1)).toEqual({ ok: true, session, version: 2 });
  });

  it("verifies IDs signed with an older key that is still listed", () => {
    const id = encodeSession(session, parseSessionKeys("1:first-secret"));
    expect(verifySession(id, keys, session.createdAt)).toEqual({ ok: true, session, version: 1 });
  });

  it("refuses an ID from the instant it expires", () => {
    const id = encodeSession(session, keys);
    expect(verifySession(id, keys, session.expiresAt - 1).ok).toBe(true);
    expect(verifySession(id, keys, session.expiresAt)).toEqual({ ok: false, reason: "expired" });
  });

  it("refuses tampering with the payload, the signature or the version", () => {
    const [version, payload, signature] = encodeSession(session, keys).split(".");
    const longer = Buffer.from(JSON.stringify(["acme", "/spring?x=1", session.createdAt, session.expiresAt + 1e9]));
    const flipped = `${signature[0] === "A" ? "B" : "A"}${signature.slice(1)}`;
    const results = [
      `${version}.${longer.toString("base64url")}.${signature}`,
      `${version}.${payload}.${flipped}`,
      `${version}.${payload}.${signature}x`,
      `v1.${payload}.${signature}`,
      `${version}.${payload}.`,
    ].map((id) => verifySession(id, keys, session.createdAt));
    expect(results).toEqual(Array(5).fill({ ok: false, reason: "bad-signature" }));
  });

  it("refuses a version no key is listed for, before looking at anything else", () => {
    const id = encodeSession(session, parseSessionKeys("7:retired-or-never-deployed"));
    expect(verifySession(id, keys, session.createdAt)).toEqual({ ok: false, reason: "unknown-version" });
  });

  it("refuses IDs that are not three parts, or whose signed payload is not a session", () => {
    const ids = [
      "",
      "v2.only-two",
      "v2.a.b.c",
      "x2.a.b",
      "v.a.b",
      signedAround("not json"),
      signedAround(JSON.stringify({ partner: "acme" })),
      signedAround(JSON.stringify(["acme", "/p", 10, 5])),
      signedAround(JSON.stringify(["acme", 7, 1, 5])),
    ];
    expect(ids.map((id) => verifySession(id, keys, 0))).toEqual(Array(ids.length).fill({ ok: false, reason: "malformed" }));
  });

  it("accepts a hand-signed ID with the right key, so the checks above are about content, not signing", () => {
    const id = signedAround(JSON.stringify(["globex", "/deal", 1, 10]));
    expect(verifySession(id, keys, 5)).toEqual({
      ok: true,
      session: { partner: "globex", path: "/deal", createdAt: 1, expiresAt: 10 },
      version: 2,
    });
  });
});
