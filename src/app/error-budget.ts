import type { Pipeline, ResolvedStage } from "../config/types.js";
import {
  errorBudgetFigures,
  errorBudgetQueries,
  instantQueryUrl,
  readQueryValue,
} from "../gates/error-budget-query.js";
import type { ErrorBudgetFigures } from "../gates/types.js";
import type { AppDeps } from "./deps.js";

/** Reads the error-budget figures from Prometheus; a failure is reported as `unavailable` (the gate fails closed). */
export async function fetchErrorBudget(
  pipeline: Pipeline,
  stage: ResolvedStage,
  release: string,
  deps: AppDeps,
): Promise<ErrorBudgetFigures | undefined> {
  const budget = pipeline.gates["error-budget"];
  if (!budget || (budget.stages && !budget.stages.includes(stage.name))) return undefined;
  const secret = budget.prometheus["token-secret"];
  const token = secret ? deps.env[secret] : undefined;
  const ratios: Record<string, number | undefined> = {};
  try {
    for (const q of errorBudgetQueries(budget, {
      stage: stage.name,
      environment: stage.environment,
      version: release,
    })) {
      const response = await deps.fetch(instantQueryUrl(budget.prometheus.url, q.query, deps.now()), {
        headers: token ? { authorization: `Bearer ${token}` } : {},
        signal: AbortSignal.timeout(10_000),
      });
      if (!response.ok)
        throw new Error(`Prometheus answered ${response.status} to the query over ${q.window}`);
      const value = readQueryValue(await response.json());
      if (!value.ok) throw new Error(value.error);
      ratios[q.window] = value.value;
    }
    return errorBudgetFigures(budget, ratios);
  } catch (error) {
    return errorBudgetFigures(
      budget,
      ratios,
      `Prometheus could not be read: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}
