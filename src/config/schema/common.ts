import { z } from "zod";
import { parseDuration } from "../duration.js";

/** A duration such as "30m" or "1h30m"; parsed to milliseconds. */
export const Duration = z
  .string()
  .refine((s) => parseDuration(s) !== undefined, {
    message: 'expected a duration such as "90s", "30m", "1h30m" or "2d"',
  })
  .meta({ description: 'A duration: digits followed by s, m, h, d or w, e.g. "30m" or "1h30m".' });

/** Names used as keys and in check run names: letters, digits, dot, dash, underscore. */
export const Name = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/,
    "use 1-63 letters, digits, '.', '-' or '_', starting with a letter or digit",
  );

/** A GitHub login or `@org/team`. */
export const Principal = z
  .string()
  .regex(
    /^@?[A-Za-z0-9][A-Za-z0-9-]*(\[bot\])?(\/[A-Za-z0-9._-]+)?$/,
    "expected a GitHub login or @org/team",
  );
