// `npm start` with a SHIPLINE_CLOCK_INTERVAL it cannot read does not start: it says what to write instead.
import { spawnSync } from "node:child_process";
import { generateKeyPairSync } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { buildApp, ROOT, SERVER_ENTRY } from "../../../tools/e2e/app.js";

describe("npm start and SHIPLINE_CLOCK_INTERVAL", () => {
  beforeAll(() => buildApp(), 120_000);

  it("refuses a value it cannot read, naming the variable and what to write, before serving anything", () => {
    const key = generateKeyPairSync("rsa", { modulusLength: 2048 })
      .privateKey.export({ type: "pkcs1", format: "pem" })
      .toString();
    const run = spawnSync(process.execPath, [SERVER_ENTRY], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH ?? "",
        APP_ID: "1",
        PRIVATE_KEY: key,
        WEBHOOK_SECRET: "s",
        PORT: "0",
        SHIPLINE_CLOCK_INTERVAL: "hourly",
      },
      encoding: "utf8",
      timeout: 30_000,
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(
      'shipline: SHIPLINE_CLOCK_INTERVAL="hourly" is not a period: write seconds ("60"), a duration ("90s", "5m"), or 0 to turn the in-process timer off',
    );
    expect(run.stdout).not.toContain("Listening");
  });
});
