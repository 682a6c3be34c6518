// Entry of the bundled Action: no logic here (see runner.ts).
import { run } from "./runner.js";

await run();
