import { describe, expect, it } from "vitest";
import type { GitHubClient } from "../../src/github/client.js";
import { GitHubGateway } from "../../src/github/gateway.js";

/** A client that answers like GitHub: ETags on contents, 304 to a matching If-None-Match, 404 for missing files. */
function client(files: Record<string, string>) {
  const calls: { path: string; ifNoneMatch?: string; status: number }[] = [];
  const gh: GitHubClient = {
    async request(_route, params) {
      const path = String(params?.path);
      const ifNoneMatch = (params?.headers as Record<string, string> | undefined)?.["if-none-match"];
      const text = files[path];
      const etag = text === undefined ? undefined : `"${Buffer.from(text).toString("base64")}"`;
      const status = text === undefined ? 404 : ifNoneMatch === etag ? 304 : 200;
      calls.push({ path, ...(ifNoneMatch ? { ifNoneMatch } : {}), status });
      if (status !== 200) throw Object.assign(new Error(String(status)), { status });
      return {
        status,
        headers: { etag },
        data: { type: "file", size: text!.length, content: Buffer.from(text!).toString("base64") },
      };
    },
  };
  return { gh, calls };
}

describe("config reads are conditional", () => {
  it("re-reads an unchanged file with If-None-Match and uses the cached text on 304", async () => {
    const files = { ".github/shipline.yml": "stages: [{ name: a }]" };
    const { gh, calls } = client(files);
    const gw = new GitHubGateway(gh, { owner: "o", repo: "r" });
    expect(await gw.readFile(".github/shipline.yml", "v1")).toBe("stages: [{ name: a }]");
    expect(await gw.readFile(".github/shipline.yml", "v1")).toBe("stages: [{ name: a }]");
    expect(calls.map((c) => c.status)).toEqual([200, 304]);
    expect(calls[1]!.ifNoneMatch).toMatch(/^"/);
    files[".github/shipline.yml"] = "stages: [{ name: b }]";
    expect(await gw.readFile(".github/shipline.yml", "v1")).toBe("stages: [{ name: b }]");
  });

  it("remembers a missing organisation defaults file instead of asking on every event", async () => {
    const { gh, calls } = client({});
    const gw = new GitHubGateway(gh, { owner: "o", repo: "r" });
    for (let i = 0; i < 5; i++)
      expect(
        await gw.readFile(".github/shipline.yml", undefined, { owner: "o", repo: ".github" }),
      ).toBeUndefined();
    expect(calls).toHaveLength(1);
  });
});
