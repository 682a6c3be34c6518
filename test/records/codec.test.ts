import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  decodeApprovals,
  decodeHotfix,
  decodeLock,
  decodeRecords,
  encodeApproval,
  encodeHotfix,
  encodeLock,
  encodeRecord,
} from "../../src/records/codec.js";

const at = new Date("2025-01-14T10:00:00.000Z");

describe("records", () => {
  it("round-trips a lock, approvals and a hotfix through Markdown", () => {
    const lock = {
      environment: "production",
      owner: "carol",
      reason: "db migration --> <b>careful</b>",
      expiresAt: at,
    };
    const marker = encodeLock(lock);
    expect(marker).toMatch(/^<!-- shipline:lock \{.*\} -->$/);
    expect(marker.split(" -->")).toHaveLength(2); // the reason cannot close the comment early
    expect(marker).not.toContain("<b>");
    const summary = `### Locked\n\nproduction is locked by @carol.\n\n${marker}\n`;
    expect(decodeLock(summary)).toEqual(lock);

    const text = [
      encodeApproval({ login: "dave", stage: "production", release: "v1.2.0", at }),
      "some prose in between",
      encodeApproval({ login: "erin", stage: "production", release: "v1.2.0", at }),
    ].join("\n");
    expect(decodeApprovals(text).map((a) => a.login)).toEqual(["dave", "erin"]);

    const hotfix = { release: "v1.2.1", by: "bob", reason: "checkout is down", at, stage: "production" };
    expect(decodeHotfix(`> hotfix\n${encodeHotfix(hotfix)}`)).toEqual(hotfix);
  });

  it("refuses to encode an invalid record", () => {
    expect(() => encodeHotfix({ release: "v1", by: "bob", reason: "", at })).toThrow();
    expect(() => encodeLock({ environment: "prod uction", owner: "x", reason: "" })).toThrow();
  });

  it("ignores forged, malformed and oversized markers", () => {
    const bad = [
      '<!-- shipline:lock {"environment":"production","owner":"x; rm -rf /","reason":""} -->',
      '<!-- shipline:lock {"environment":"production","owner":"x","reason":"","admin":true} -->',
      "<!-- shipline:lock {not json} -->",
      `<!-- shipline:lock {"environment":"production","owner":"x","reason":"${"a".repeat(5000)}"} -->`,
      '<!-- shipline:lock {"environment":"production",\n"owner":"x","reason":""} -->',
      '<!-- shipline:approval {"login":"dave","stage":"production","release":"v1","at":"yesterday"} -->',
      "<!-- shipline:lock ",
    ];
    for (const text of bad) {
      expect(decodeLock(text)).toBeUndefined();
      expect(decodeApprovals(text)).toEqual([]);
    }
    expect(decodeLock(42)).toBeUndefined();
    // A valid record after garbage is still found.
    expect(
      decodeLock(`${bad.join("\n")}\n${encodeLock({ environment: "staging", owner: "x", reason: "r" })}`),
    ).toMatchObject({
      environment: "staging",
    });
  });

  it("never throws on hostile input and finds nothing in random text", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 2000 }), (noise) => {
        expect(decodeRecords("lock", `<!-- shipline:lock ${noise} -->`)).toEqual([]);
        expect(Array.isArray(decodeRecords("hotfix", noise))).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it("keeps any reason intact and on one line", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 300 }), (reason) => {
        const marker = encodeRecord("lock", { environment: "production", owner: "carol", reason });
        expect(marker).not.toMatch(/[\n\r\u2028\u2029]/);
        expect(marker.indexOf("-->")).toBe(marker.length - 3);
        expect(decodeLock(`before ${marker} after`)?.reason).toBe(reason);
      }),
      { numRuns: 300 },
    );
  });
});
