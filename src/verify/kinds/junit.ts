/**
 * Reads a JUnit XML report (the format pytest, Jest, Mocha, Go's gotestsum, Maven Surefire, k6 and most test
 * runners write): counts of tests, failures, errors and skipped cases, and the first failing cases. Pure: it
 * takes the file's text. Test cases are counted one by one; a report with no <testcase> elements falls back to
 * the totals of its <testsuite>/<testsuites> attributes.
 */
import type { TestReport } from "../types.js";

const MAX_FIRST_FAILURES = 5;
const MAX_MESSAGE = 300;

function decode(text: string): string {
  return text
    .replace(/<!\[CDATA\[([\s\S]*?)\]\]>/g, "$1")
    .replace(/&#x([0-9a-fA-F]+);/g, (_, h: string) => String.fromCodePoint(Number.parseInt(h, 16)))
    .replace(/&#([0-9]+);/g, (_, d: string) => String.fromCodePoint(Number(d)))
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, "&");
}

function attributes(tag: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of tag.matchAll(/([A-Za-z_:][\w:.-]*)\s*=\s*("([^"]*)"|'([^']*)')/g))
    out[m[1]!] = decode(m[3] ?? m[4] ?? "");
  return out;
}

function shorten(text: string): string {
  const oneLine = text.replace(/\s+/g, " ").trim();
  return oneLine.length > MAX_MESSAGE ? `${oneLine.slice(0, MAX_MESSAGE - 1)}…` : oneLine;
}

const num = (v: string | undefined) => {
  const n = v === undefined ? Number.NaN : Number(v);
  return Number.isFinite(n) ? n : 0;
};

/** Parses JUnit XML; a text that is not JUnit XML gives a report with `problem` set and zero counts. */
export function parseJUnit(xml: string): TestReport {
  const empty: TestReport = { tests: 0, failures: 0, errors: 0, skipped: 0, firstFailures: [] };
  if (!/<testsuites?[\s>/]/.test(xml))
    return { ...empty, problem: "not JUnit XML: no <testsuite> or <testsuites> element" };
  const body = xml.replace(/<!--[\s\S]*?-->/g, "");
  const report: TestReport = { ...empty, firstFailures: [] };
  let time = 0;
  let hasTime = false;
  const cases = body.matchAll(/<testcase\b([^>]*?)(\/>|>([\s\S]*?)<\/testcase\s*>)/g);
  for (const m of cases) {
    const attrs = attributes(m[1] ?? "");
    const inner = m[3] ?? "";
    report.tests++;
    if (attrs.time !== undefined) {
      time += num(attrs.time);
      hasTime = true;
    }
    const name = [attrs.classname, attrs.name].filter(Boolean).join(" › ") || "(unnamed test)";
    const failure = /<(failure|error)\b([^>]*?)(\/>|>([\s\S]*?)<\/\1\s*>)/.exec(inner);
    if (failure) {
      if (failure[1] === "failure") report.failures++;
      else report.errors++;
      if (report.firstFailures.length < MAX_FIRST_FAILURES) {
        const fa = attributes(failure[2] ?? "");
        const text = fa.message || decode(failure[4] ?? "") || fa.type || failure[1]!;
        report.firstFailures.push({ name, message: shorten(text) });
      }
    } else if (/<skipped\b/.test(inner)) report.skipped++;
  }
  if (report.tests === 0) {
    // No test cases: take the totals the suites declare (the outermost element that has them).
    const suites = [...body.matchAll(/<testsuites?\b([^>]*)>/g)].map((s) => attributes(s[1] ?? ""));
    const declared = suites.find((a) => a.tests !== undefined);
    if (declared) {
      report.tests = num(declared.tests);
      report.failures = num(declared.failures);
      report.errors = num(declared.errors);
      report.skipped = num(declared.skipped ?? declared.disabled);
      if (declared.time !== undefined) {
        time = num(declared.time);
        hasTime = true;
      }
    }
  }
  if (hasTime) report.time = Math.round(time * 1000) / 1000;
  return report;
}

/** "12 tests: 10 passed, 1 failed, 1 skipped" */
export function describeTests(report: TestReport): string {
  const passed = report.tests - report.failures - report.errors - report.skipped;
  const parts = [`${passed} passed`];
  if (report.failures) parts.push(`${report.failures} failed`);
  if (report.errors) parts.push(`${report.errors} errored`);
  if (report.skipped) parts.push(`${report.skipped} skipped`);
  return `${report.tests} test${report.tests === 1 ? "" : "s"}: ${parts.join(", ")}`;
}
