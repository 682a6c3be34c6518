// `shipline validate` and `shipline runbook` read the config the same way: the same flags, and a missing config is
// "not found" (exit 4, as docs/cli.md says) with the same way out, writing nothing.
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runCliCaptured } from "../support/cli.js";

const dir = mkdtempSync(join(tmpdir(), "shipline-config-input-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const cli = (...argv: string[]) => runCliCaptured(argv);

describe("a command that reads the config", () => {
  it.each(["validate", "runbook"])(
    "%s without a config says where it looked and how to start one (exit 4)",
    async (command) => {
      expect(await cli(command, "--dir", dir)).toEqual({
        code: 4,
        out: "",
        err: `.github/shipline.yml not found in ${dir}: run \`node shipline.mjs init\` to write a starter config`,
      });
      expect(readdirSync(dir)).toEqual([]);
    },
  );

  it.each(["validate", "runbook"])("%s names a misspelt flag (exit 2)", async (command) => {
    const run = await cli(command, "--dri", dir);
    expect(run.code).toBe(2);
    expect(run.err).toBe("unknown argument --dri (did you mean --dir?)");
  });
});
