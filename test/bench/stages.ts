/**
 * The stages of the pipeline a DynamoDB write is charged to, from the function that made it and
 * the kind of item written (write-counter.ts): the rows of `bench:pipeline`'s table and of the
 * cost model.
 */
import { tables } from '../../infra/resources';
import type { WriteCount } from '../../shared/adapters/dynamodb/write-counter';

export const STAGES = [
  'intake',
  'office actions',
  'timers and escalation',
  'notifications',
  'SMS delivery',
  'fan-out',
  'roll-up markers',
  'roll-up summaries',
  'punctuality counters',
  'idempotency records',
  'access log',
  'other',
] as const;

export type Stage = (typeof STAGES)[number];

const byFunction: Readonly<Record<string, Stage>> = {
  submitReport: 'intake',
  forward: 'office actions',
  acknowledge: 'office actions',
  assessGrade: 'office actions',
  obligationTimer: 'timers and escalation',
  sweepDeadlines: 'timers and escalation',
  startTimers: 'timers and escalation',
  notifyOfficers: 'notifications',
  deliverSms: 'SMS delivery',
  recordSmsReports: 'SMS delivery',
  publishEvents: 'fan-out',
};

/**
 * The stage a write belongs to: the record it is (idempotency, access log, roll-up) before who
 * wrote it. A function's own stage is that of a write of no table (`table: ''`).
 */
export const stageOf = (write: { readonly fn: string; readonly table: string; readonly kind: string }): Stage => {
  if (write.table.endsWith(tables.idempotency.localName)) return 'idempotency records';
  if (write.table.endsWith(tables.accessLog.localName)) return 'access log';
  if (write.fn === 'rollUp') {
    // The offices' counters (`DUTY#…`) and the duties' kept standings (`DUTYOF#…`).
    if (write.kind === 'DUTY' || write.kind === 'DUTYOF') return 'punctuality counters';
    return write.kind === 'APPLIED' ? 'roll-up markers' : 'roll-up summaries';
  }
  return byFunction[write.fn] ?? 'other';
};

/** Write units as DynamoDB would bill them: what was reported, but never less than its floor (write-counter.ts). */
export const billedUnits = (write: { readonly units: number; readonly floorUnits?: number }): number =>
  Math.max(write.units, write.floorUnits ?? 0);

/** Items written, the write units billed and those of the indexes, in one stage or in all. */
export interface StageWrites {
  items: number;
  units: number;
  indexUnits: number;
}

/** The writes of a tally by stage, every stage present, in the order of {@link STAGES}. */
export const writesByStage = (writes: readonly WriteCount[]): Map<Stage, StageWrites> => {
  const byStage = new Map<Stage, StageWrites>(STAGES.map((s) => [s, { items: 0, units: 0, indexUnits: 0 }]));
  for (const w of writes) {
    const into = byStage.get(stageOf(w));
    if (!into) continue;
    into.items += w.items;
    into.units += billedUnits(w);
    into.indexUnits += w.indexUnits;
  }
  return byStage;
};

/** The sum of every stage's writes. */
export const allStages = (byStage: ReadonlyMap<Stage, StageWrites>): StageWrites =>
  [...byStage.values()].reduce(
    (t, s) => ({ items: t.items + s.items, units: t.units + s.units, indexUnits: t.indexUnits + s.indexUnits }),
    { items: 0, units: 0, indexUnits: 0 },
  );
