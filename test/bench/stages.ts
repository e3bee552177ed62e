/**
 * The stages of the pipeline a DynamoDB write is charged to, from the function that made it and
 * the kind of item written (write-counter.ts): the rows of `bench:pipeline`'s table and of the
 * cost model.
 */
import { tables } from '../../infra/resources';

export const STAGES = [
  'intake',
  'office actions',
  'timers and escalation',
  'notifications',
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
