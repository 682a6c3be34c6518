import { createInterface } from "node:readline/promises";
import { runCli } from "./run.js";
import { useColor } from "./style.js";

const tty = Boolean(process.stdout.isTTY);
process.exitCode = await runCli(process.argv.slice(2), {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  color: useColor(process.env, tty),
  tty,
  ...(process.stdin.isTTY && tty
    ? {
        ask: async (question: string) => {
          const rl = createInterface({ input: process.stdin, output: process.stdout });
          try {
            return await rl.question(question);
          } finally {
            rl.close();
          }
        },
      }
    : {}),
});
