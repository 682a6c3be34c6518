import type { Timeline } from "./types.js";

const time = (iso: string) => (iso ? iso.replace("T", " ").replace(/\.\d{3}Z$/, "Z") : "(unknown time)     ");

/** The timeline as plain text, one line per entry (what `shipline audit <tag>` prints). */
export function timelineText(t: Timeline): string {
  const width = Math.max(8, ...t.entries.map((e) => (e.stage ?? e.environment ?? "").length));
  return [
    `Release ${t.release.tag} (commit ${t.release.sha.slice(0, 7)}) ${t.release.htmlUrl}`,
    "",
    ...t.entries.map(
      (e) =>
        `${time(e.at)}  ${(e.stage ?? e.environment ?? "release").padEnd(width)}  ${e.text}${e.url ? `  <${e.url}>` : ""}`,
    ),
  ].join("\n");
}

/** The timeline as a Markdown table (for the release's `shipline` check run summary). */
export function timelineMarkdown(t: Timeline): string {
  const cell = (s: string) => s.replace(/\|/g, "\\|").replace(/\r?\n/g, " ");
  return [
    "| Time (UTC) | Where | What |",
    "| --- | --- | --- |",
    ...t.entries.map(
      (e) => `| ${time(e.at)} | ${cell(e.stage ?? e.environment ?? "release")} | ${cell(e.text)} |`,
    ),
  ].join("\n");
}
