/** Placeholders in queries and URLs: {stage}, {environment}, {version}, {target}, {region}, {window}. Pure. */

export interface TemplateVars {
  stage: string;
  environment: string;
  version: string;
  window: string;
  target?: string;
  region?: string;
}

const PLACEHOLDER = /\{(stage|environment|version|target|region|window)\}/g;

/** How a value is escaped where it lands: in a URL (percent-encoded) or a query string literal (PromQL). */
export type Escape = "url" | "query";

function escapeValue(value: string, as: Escape): string {
  if (as === "url") return encodeURIComponent(value);
  // PromQL (and Datadog) string literals: a release tag with a quote must not end the literal early.
  return value.replace(/\\/g, "\\\\").replace(/"/g, '\\"');
}

/** Replaces known placeholders only, so PromQL label matchers such as {code="500"} are left alone. */
export function fill(template: string, vars: TemplateVars, as: Escape): string {
  return template.replace(PLACEHOLDER, (whole, name: keyof TemplateVars) => {
    const value = vars[name];
    return value === undefined ? whole : escapeValue(value, as);
  });
}

/** Whether a template is evaluated once per target. */
export function perTarget(template: string): boolean {
  return /\{(target|region)\}/.test(template);
}
