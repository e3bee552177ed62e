/**
 * `/config.json`, served with the console: which sign-in to use and the unit's time limits. The
 * service worker keeps the last copy, so the console starts offline too.
 */
import { signal } from '@preact/signals';
import type { Grade } from '../../shared/domain/grade';
import type { Category } from '../../shared/domain/incident';
import { isWithin } from '../../shared/domain/regions/regions';
import type { ConsoleConfig } from '../../shared/schemas/console-config';

export const config = signal<ConsoleConfig | undefined>(undefined);
export const configProblem = signal(false);

export const loadConfig = async (): Promise<void> => {
  try {
    const response = await fetch('/config.json', { cache: 'no-store' });
    if (!response.ok) throw new Error(`config.json: ${response.status}`);
    config.value = (await response.json()) as ConsoleConfig;
  } catch {
    configProblem.value = true;
  }
};

/** The unit's limit for an incident of its region, as the API will judge it. */
export const unitLimitMs = (region: string, category: Category | undefined, grade: Grade | undefined): number => {
  const limits = config.value?.unitLimits;
  if (!limits) return 3_600_000;
  let best: { rank: number; ms: number } | undefined;
  for (const override of limits.overrides) {
    if (override.grades && !(grade && override.grades.includes(grade))) continue;
    if (override.categories && !(category && override.categories.includes(category))) continue;
    if (!isWithin(region, override.jurisdiction)) continue;
    if (best === undefined || override.rank > best.rank) best = { rank: override.rank, ms: override.ms };
  }
  return best?.ms ?? limits.defaultMs;
};
