/**
 * The drill routes (docs/api.md#drills): what an office sends to start one, the queries, and the
 * answers. The rules that need the clock, the division data or the runtime's policies (a start in
 * the past, an unknown region, a policy this runtime lacks) are the use case's, so they are named
 * field by field in the same 400 answer.
 */
import * as z from 'zod';
import { DRILL_ID_PATTERN } from '../domain/drills';
import { readDuration } from '../domain/policy/policy';
import { isoTime, regionCode, text } from './fields';

const time = isoTime('2026-12-05T09:00:00+08:00');

const duration = z
  .string({ error: 'must be text' })
  .refine((value) => 'ms' in readDuration(value), { error: 'must be a duration like "2h", "90m" or "45s"' })
  .transform((value) => {
    const read = readDuration(value);
    return 'ms' in read ? read.ms : 0;
  });

export const startDrillBodySchema = z
  .strictObject({
    title: text(200).describe('what is drilled, e.g. 防汛应急演练 (flood response drill)'),
    region: regionCode
      .optional()
      .describe('the region the drill covers: your jurisdiction (the default) or part of it'),
    startsAt: time.optional().describe('when the drill starts; now when left out'),
    endsAt: time.optional().describe('when it ends; give this or duration'),
    duration: duration.optional().meta({ type: 'string' }).describe('how long it runs, e.g. "2h"; or give endsAt'),
    policy: text(100)
      .optional()
      .describe("the policy whose timings the drill's incidents follow; the runtime policy's drill timings by default"),
  })
  .superRefine(
    (body, ctx) => {
      const value = body as Record<string, unknown>;
      if (typeof value !== 'object' || value === null) return;
      if ((value.endsAt === undefined) === (value.duration === undefined)) {
        ctx.addIssue({ code: 'custom', path: ['endsAt'], message: 'give either endsAt or duration, not both' });
      }
    },
    { when: () => true },
  );

export type StartDrillBody = z.output<typeof startDrillBodySchema>;

export const endDrillBodySchema = z.strictObject({
  reason: text(500).optional().describe('why the drill ends before its time'),
});

export const drillsQuerySchema = z.strictObject({ region: regionCode.optional() });

export const drillReportQuerySchema = z.strictObject({
  format: z
    .enum(['json', 'csv'], { error: 'must be json or csv' })
    .default('json')
    .meta({ description: '`csv`: one row per hand-over, as text/csv (RFC 4180, header row)' }),
});

/** `/v1/drills/{id}/…`: the drill, by its id. */
export const drillPathSchema = z.object({
  id: z.string().regex(DRILL_ID_PATTERN, { error: 'must be a drill id like DRL-110000-20261205-1A2B3C4D5E' }),
});

const instant = z.string().meta({ description: 'ISO 8601 time, UTC' });
const actor = z.strictObject({
  sub: z.string(),
  role: z.enum(['reporter', 'office', 'inspector', 'system']),
  region: z.string(),
  unit: z.string().optional(),
  level: z.enum(['county', 'city', 'province', 'national']).optional(),
});

export const DRILL_STATUSES = ['scheduled', 'running', 'ended'] as const;

/** A drill as the routes answer it. */
export const drillSchema = z.strictObject({
  drillId: z.string(),
  title: z.string(),
  region: z.string(),
  startsAt: instant,
  endsAt: instant.meta({ description: 'when it was set to end; see endedEarly' }),
  policy: z.string().meta({ description: "the policy whose timings the drill's incidents follow" }),
  startedAt: instant,
  startedBy: actor,
  endedEarly: z.strictObject({ at: instant, by: actor, reason: z.string().optional() }).optional(),
  status: z.enum(DRILL_STATUSES),
});

export const drillListSchema = z.strictObject({ region: z.string(), drills: z.array(drillSchema) });

const level = z.enum(['county', 'city', 'province', 'national']);
const outcome = z.enum(['on-time', 'late', 'missed', 'pending', 'waived']);

/** One hand-over of a drill incident (`DrillHandover`). */
export const drillHandoverSchema = z.strictObject({
  handover: z.string().meta({ description: '`unitToCounty` for the unit’s own report, else the duty’s hand-over' }),
  from: z.strictObject({ level: z.union([level, z.literal('unit')]), code: z.string() }),
  to: z.strictObject({ level, code: z.string() }),
  openedAt: instant,
  dueAt: instant,
  doneAt: instant.nullable(),
  tookMs: z.number().int().min(0).nullable(),
  outcome,
  escalatedAt: instant.optional().meta({ description: 'when the pipeline escalated past the silent office' }),
  told: z.array(
    z.strictObject({ kind: z.string(), at: instant, office: z.string(), role: z.string(), personId: z.string() }),
  ),
  untold: z.number().int().min(0).meta({ description: 'notifications that found nobody on record to tell' }),
});

export const drillReportSchema = z.strictObject({
  drill: drillSchema,
  incidents: z.array(
    z.strictObject({
      incidentId: z.string(),
      regionCode: z.string(),
      category: z.string(),
      subtype: z.string(),
      grade: z.string(),
      status: z.enum(['open', 'closed']),
      unit: z.string(),
      receivedAt: instant,
      handovers: z.array(drillHandoverSchema),
    }),
  ),
  totals: z.strictObject({
    incidents: z.number().int().min(0),
    handovers: z.number().int().min(0),
    onTime: z.number().int().min(0),
    late: z.number().int().min(0),
    missed: z.number().int().min(0),
    pending: z.number().int().min(0),
    waived: z.number().int().min(0),
  }),
});
