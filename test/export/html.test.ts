// The HTML export: one deterministic, self-contained page whose embedded data cannot run script.
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { exportGraph } from "../../src/export/index.js";
import { scriptJson } from "../../src/export/html.js";
import { fixtureGraph, findings, hostileFindings, hostileGraph, HOSTILE_FILE, HOSTILE_SERVICE, modules } from "./topology-fixture.js";


function embeddedData(html: string): { nodes: { id: string; x: number; y: number }[]; edges: { evidence: { location: { file: string } }[] }[] } {
  const match = /<script type="application\/json" id="topo-data">([^<]*)<\/script>/.exec(html);
  if (match === null) throw new Error("no embedded data");
  return JSON.parse(match[1]) as ReturnType<typeof embeddedData>;
}

describe("html", () => {
  it("is the same bytes for the same input", () => {
    const first = exportGraph(fixtureGraph(), { format: "html", findings });
    const second = exportGraph(fixtureGraph(), { format: "html", findings });
    expect(second).toBe(first);
    expect(exportGraph(fixtureGraph(), { format: "html", level: "module", modules })).toBe(
      exportGraph(fixtureGraph(), { format: "html", level: "module", modules }),
    );
  });

  it("loads nothing from the network and allows only its own script", () => {
    const html = exportGraph(fixtureGraph(), { format: "html" });
    expect(html).not.toMatch(/\b(src|href)=/);
    expect(html).not.toMatch(/https?:\/\/(?!www\.w3\.org)/);
    const scripts = [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((match) => match[1]);
    expect(scripts).toHaveLength(1);
    const hash = createHash("sha256").update(scripts[0]).digest("base64");
    expect(html).toContain(
      `<meta http-equiv="Content-Security-Policy" content="default-src &#39;none&#39;; script-src &#39;sha256-${hash}&#39;; style-src &#39;unsafe-inline&#39;; img-src data:; base-uri &#39;none&#39;; form-action &#39;none&#39;">`,
    );
  });

  it("embeds positions for every node", () => {
    const data = embeddedData(exportGraph(fixtureGraph(), { format: "html" }));
    expect(data.nodes.map((node) => node.id)).toEqual(fixtureGraph().nodes().sort());
    for (const node of data.nodes) {
      expect(Number.isFinite(node.x) && Number.isFinite(node.y)).toBe(true);
    }
    expect(new Set(data.nodes.map((node) => `${node.x},${node.y}`)).size).toBe(data.nodes.length);
  });

  it("escapes hostile names and paths in the embedded data", () => {
    const html = exportGraph(hostileGraph(), { format: "html", findings: hostileFindings, title: "</title><b>x" });
    expect(html).not.toContain("<img");
    expect(html).not.toContain('alert("x")</script>');
    expect(html).not.toContain("\u2028");
    expect(html.match(/<\/script>/g)).toHaveLength(2);
    expect(html).toContain("<title>topo-lint · &lt;/title&gt;&lt;b&gt;x</title>");
    const data = embeddedData(html);
    expect(data.nodes.map((node) => node.id)).toContain(HOSTILE_SERVICE);
    expect(data.edges.flatMap((edge) => edge.evidence.map((fact) => fact.location.file))).toContain(HOSTILE_FILE);
  });

  it("escapes what could end a script or confuse a parser", () => {
    expect(scriptJson({ a: "</script><!--&\u2028\u2029" })).toBe(
      '{"a":"\\u003c/script\\u003e\\u003c!--\\u0026\\u2028\\u2029"}',
    );
  });
});
