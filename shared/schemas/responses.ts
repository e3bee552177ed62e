/**
 * What the API answers, route by route, as zod schemas: the OpenAPI document's response schemas
 * come from here (`./openapi.ts`), the unit tests hold each use case's answer type to its schema,
 * and the integration tests parse real answers with them. Objects are strict, so an answer that
 * grows a field the document does not name fails those tests.
 *
 * The inspectors' views answer with `./audit.ts`'s schemas, the zero-report routes with
 * `./zero-reports.ts`'s; the events of an audit trail are `./events.ts`'s envelope.
 */
import * as z from 'zod';
import { ATTACHMENT_STATUSES, ATTACHMENT_TYPES } from '../domain/attachments';
import { OBLIGATION_HANDOVERS } from '../domain/audit/listing';
import { CANDIDATE_REASONS, GRADED_MEASURES } from '../domain/candidates';
import { GRADES } from '../domain/grade';
import { CATEGORIES, FINDING_KINDS, REPORT_KINDS } from '../domain/incident';
import { OFFICER_ROLES } from '../domain/officers';
import { REPORT_FIELDS } from '../domain/report-fields';
import { COUNTER_NAMES } from '../domain/rollup';
import { auditRowSchema } from './audit';
import { incidentEventSchema } from './events';

const grade = z.enum(GRADES);
const level = z.enum(['county', 'city', 'province', 'national']);
const instant = z.string().meta({ description: 'ISO 8601 time, UTC' });
const count = z.number().int().min(0);
const next = z.string().optional().meta({ description: 'cursor of the following page; absent on the last' });

/** Every answer that is not a success (`shared/adapters/http/errors.ts`). */
export const errorSchema = z.strictObject({
  error: z.strictObject({
    code: z.string().meta({ description: 'stable, e.g. `validation`, `forbidden`, `not-found`, `busy`' }),
    message: z.string(),
    details: z.array(z.strictObject({ field: z.string(), problem: z.string() })).optional(),
  }),
});

export const healthSchema = z.strictObject({ status: z.literal('ok') });

/** The document `GET /v1/openapi.json` answers, as far as a schema can say without restating OpenAPI. */
export const openApiDocumentSchema = z
  .looseObject({
    openapi: z.string().regex(/^3\.1\.\d+$/),
    info: z.looseObject({ title: z.string(), version: z.string() }),
    paths: z.record(z.string(), z.unknown()),
  })
  .meta({ description: 'an OpenAPI 3.1 document: this one' });

// --- incidents ---------------------------------------------------------------------------------

export const obligationStatusSchema = z.enum(['pending', 'met', 'missed', 'waived']);

/** A duty as the incident's head keeps it (`shared/domain/obligation.ts`). */
export const obligationSchema = z.strictObject({
  obligationId: z.string(),
  incidentId: z.string(),
  level: level.meta({ description: 'the level of the office that holds the duty' }),
  office: z.string(),
  handover: z.enum(OBLIGATION_HANDOVERS),
  to: z.strictObject({ level, office: z.string() }).meta({ description: 'the office it must report to' }),
  openedAt: instant.meta({ description: 'when the holder received the report: the window starts here' }),
  dueAt: instant,
  limitMs: count,
  status: obligationStatusSchema,
  metAt: instant.optional(),
  lateByMs: count.optional().meta({ description: 'how late it was met; 0 when on time' }),
  warnedAt: instant.optional(),
  missedAt: instant.optional(),
  escalatedAt: instant.optional(),
  waivedAt: instant.optional().meta({ description: 'when a lowered grade lifted the duty' }),
  shortenedFrom: instant
    .optional()
    .meta({ description: 'the deadline the duty opened with, when a raised grade has moved it earlier' }),
  unit: z.string().optional().meta({
    description: 'a correction owed by a grassroots unit: the unit (`office` is then the office it reports to)',
  }),
  returned: z
    .strictObject({
      by: z.strictObject({ level, office: z.string() }),
      reportId: z.string(),
      fields: z.array(z.enum(REPORT_FIELDS)),
      note: z.string(),
    })
    .optional()
    .meta({ description: 'a correction: the return it answers (who returned which report, what to correct, why)' }),
});

/** The answer of `POST /v1/reports` (`SubmitReportResponse`). */
export const submitReportResponseSchema = z.strictObject({
  incidentId: z.string(),
  reportId: z.string(),
  seq: z.number().int().min(1),
  grade,
  gradeBasis: z.enum(['reported', 'assessed', 'office']),
  status: z.enum(['open', 'closed']),
  obligations: z.array(
    z.strictObject({
      obligationId: z.string(),
      level,
      office: z.string(),
      to: z.strictObject({ level, office: z.string() }),
      dueAt: instant,
      status: obligationStatusSchema,
    }),
  ),
  lateReport: z
    .strictObject({ limitMs: count, lateByMs: count })
    .optional()
    .meta({ description: 'present when the unit reported later than its own limit allows' }),
  drillId: z.string().optional().meta({ description: 'present when the incident is an exercise: its drill' }),
});

const figures = z.strictObject({
  dead: count,
  injured: count,
  seriouslyInjured: count.nullable(),
  missing: count,
  trapped: count,
  affectedPeople: count,
  directLossYuan: count,
});

/** One attachment as a report names it (`domain/attachments.ts`). */
const attachmentSchema = z.strictObject({
  sha256: z.string().meta({ description: 'lower-case hex SHA-256 of the exact bytes' }),
  bytes: z.number().int(),
  contentType: z.enum(ATTACHMENT_TYPES),
  caption: z.string(),
  takenAt: instant.optional(),
  lat: z.number().optional(),
  lon: z.number().optional(),
});

/** A presigned request: send exactly `method` to `url` with `headers`, before `expiresAt`. */
const presignedRequestSchema = z.strictObject({
  method: z.enum(['PUT', 'GET']),
  url: z.string(),
  headers: z.record(z.string(), z.string()).meta({ description: 'headers the signature covers; send them as given' }),
  expiresAt: instant,
});

/** `POST /v1/incidents/{id}/attachments`: where to upload the file a report named, unless it is there already. */
export const attachmentUploadSchema = z.strictObject({
  incidentId: z.string(),
  sha256: z.string(),
  key: z.string().meta({ description: 'the object key: the incident and the content hash' }),
  status: z.enum(ATTACHMENT_STATUSES),
  upload: presignedRequestSchema
    .optional()
    .meta({ description: 'absent when the file has arrived already: nothing to send' }),
});

/** `GET /v1/incidents/{id}/attachments`: what the reports named and what storage holds for each. */
export const incidentAttachmentsSchema = z.strictObject({
  incidentId: z.string(),
  items: z.array(
    attachmentSchema.extend({
      reportId: z.string().meta({ description: 'the report that first named it' }),
      unit: z.string().meta({ description: 'the unit whose report named it, the one that uploads it' }),
      key: z.string(),
      status: z.enum(ATTACHMENT_STATUSES).meta({
        description:
          'arrived: the stored bytes have the named size and hash; missing: nothing stored yet; mismatched: something else is stored',
      }),
      storedAt: instant.optional().meta({ description: 'when storage received what it holds' }),
      read: presignedRequestSchema
        .optional()
        .meta({ description: 'a short-lived GET of what is stored, unless missing' }),
    }),
  ),
});
/** What makes an incident an exercise (`DrillMark`). */
const drillMark = z
  .strictObject({ drillId: z.string(), policy: z.string() })
  .meta({ description: 'present on an exercise: its drill, and the policy whose timings it follows' });

/** One report as the log records it (`ReportSubmittedData`). */
export const reportSchema = z.strictObject({
  reportId: z.string(),
  kind: z.enum(REPORT_KINDS),
  reportNumber: z.number().int().min(1),
  office: z.string().meta({ description: 'the office that received it' }),
  reporter: z.strictObject({ name: z.string(), phone: z.string(), unit: z.string() }),
  concernedUnit: z.string().optional(),
  occurredAt: instant,
  learnedAt: instant,
  receivedAt: instant,
  regionCode: z.string(),
  location: z.strictObject({ address: z.string(), lat: z.number().optional(), lon: z.number().optional() }),
  category: z.enum(CATEGORIES),
  subtype: z.string(),
  proposedGrade: grade.nullable(),
  assessedGrade: grade,
  figures,
  delta: z
    .strictObject({
      dead: z.number().int(),
      injured: z.number().int(),
      seriouslyInjured: z.number().int(),
      missing: z.number().int(),
      trapped: z.number().int(),
      affectedPeople: z.number().int(),
      directLossYuan: z.number().int(),
    })
    .meta({ description: 'the change from the previous report’s figures' }),
  summary: z.string(),
  measuresTaken: z.string(),
  unknowns: z.string(),
  attachments: z
    .array(attachmentSchema)
    .optional()
    .meta({ description: 'the photos and documents the report names, by hash' }),
  drill: drillMark.optional(),
  correcting: z.string().optional().meta({ description: 'the return this report answers, when it is a correction' }),
});

const findingRef = z.strictObject({ findingId: z.string(), finding: z.enum(FINDING_KINDS), at: instant });

/** An incident's current state, as its head holds it (without its obligations and hash). */
export const incidentSchema = z.strictObject({
  incidentId: z.string(),
  version: z.number().int().min(1).meta({ description: 'sequence number of the last event of its log' }),
  status: z.enum(['open', 'closed']),
  category: z.enum(CATEGORIES),
  subtype: z.string(),
  grade,
  gradeBasis: z.enum(['reported', 'assessed', 'office']),
  regionCode: z.string(),
  countyCode: z.string().nullable(),
  cityCode: z.string().nullable(),
  provinceCode: z.string(),
  occurredAt: instant,
  learnedAt: instant,
  receivedAt: instant,
  updatedAt: instant,
  firstUnit: z.string(),
  reportCount: z.number().int().min(1),
  figures,
  unitLate: z.boolean(),
  acknowledgements: z.array(z.strictObject({ level, office: z.string(), at: instant })),
  notified: z
    .array(z.string())
    .optional()
    .meta({ description: 'keys of the notifications already dealt with (sent, or nobody on record)' }),
  findings: z.array(findingRef).optional().meta({ description: 'inspectors’ findings; never shown to a reporter' }),
  drill: drillMark.optional(),
});

/** `GET /v1/incidents/{id}`. */
export const incidentViewSchema = z.strictObject({
  incident: incidentSchema,
  reports: z.array(reportSchema),
  obligations: z.array(obligationSchema),
});

/** `GET /v1/incidents`. */
export const incidentListSchema = z.strictObject({ items: z.array(incidentSchema), next });

/** A log's hash chain recomputed (`shared/domain/hash-chain.ts`). */
export const chainVerdictSchema = z.union([
  z.strictObject({ intact: z.literal(true), events: count, headHash: z.string() }),
  z.strictObject({
    intact: z.literal(false),
    events: count,
    brokenAtSeq: z.number().int().meta({ description: 'the first event that does not hold, or is missing' }),
    reason: z.enum(['hash-mismatch', 'prev-hash-mismatch', 'sequence-gap', 'missing-events', 'head-mismatch']),
    detail: z.string(),
  }),
]);

/** `GET /v1/incidents/{id}/audit`. */
export const auditTrailSchema = z.strictObject({
  incidentId: z.string(),
  events: z.array(incidentEventSchema).meta({ description: 'the whole log, in order; `data` per `type`' }),
  verification: chainVerdictSchema,
});

const actorSchema = z.strictObject({
  sub: z.string(),
  role: z.enum(['reporter', 'office', 'inspector', 'system']),
  region: z.string(),
  unit: z.string().optional(),
  level: level.optional(),
});

/** A refused request, as the access log keeps it. */
export const accessDeniedSchema = z.strictObject({
  id: z.string(),
  at: instant,
  actor: actorSchema,
  action: z.string().meta({ description: 'e.g. `POST /v1/reports`' }),
  targetRegion: z.string().optional(),
  incidentId: z.string().optional(),
  reason: z.string(),
});

/** `GET /v1/audit/access-denied`. */
export const accessDeniedPageSchema = z.strictObject({ items: z.array(accessDeniedSchema), next });

// --- offices -----------------------------------------------------------------------------------

/** `POST /v1/incidents/{id}/acknowledge`. */
export const acknowledgeResponseSchema = z.strictObject({
  incidentId: z.string(),
  acknowledgedAt: instant.optional().meta({ description: 'when the office first acknowledged it' }),
  office: z.strictObject({ level, office: z.string() }),
});

/** `POST /v1/incidents/{id}/forward`. */
export const forwardResponseSchema = z.strictObject({
  incidentId: z.string(),
  grade: grade.meta({ description: 'the grade in force after the forward' }),
  met: z.array(obligationSchema).meta({ description: 'the duties this forward met' }),
  opened: z.array(obligationSchema).meta({ description: 'the duties it opened above' }),
});

/** `POST /v1/incidents/{id}/grade`. */
export const assessGradeResponseSchema = z.strictObject({
  incidentId: z.string(),
  previousGrade: grade,
  grade: grade.meta({ description: 'the grade in force after the assessment' }),
  changed: z.boolean().meta({ description: 'false when the grade was already this one' }),
  opened: z.array(obligationSchema).meta({ description: 'the duties a higher grade opened, timed from now' }),
  waived: z.array(obligationSchema).meta({ description: 'the duties a lower grade lifted' }),
  shortened: z.array(obligationSchema).meta({
    description: 'the running duties whose deadline a higher grade moved earlier (`shortenedFrom` the old one)',
  }),
});

const officeRef = z.strictObject({ level, office: z.string() });

/** `POST /v1/incidents/{id}/return`. */
export const returnResponseSchema = z.strictObject({
  incidentId: z.string(),
  correction: obligationSchema.meta({
    description:
      'the correction now owed by the sender; its `obligationId` is the id a correction names (`correcting`)',
  }),
  stillOwed: obligationSchema.nullable().meta({
    description: 'the office’s own hand-over up the chain, which a return does not pause; null when it owes none',
  }),
});

/** One row of a duty desk's board (`shared/domain/board.ts`). */
export const boardRowSchema = z.strictObject({
  incidentId: z.string(),
  version: z.number().int().min(1).meta({ description: 'a newer version of a row replaces an older one' }),
  status: z.enum(['open', 'closed']),
  grade,
  category: z.enum(CATEGORIES),
  subtype: z.string(),
  regionCode: z.string(),
  occurredAt: instant,
  updatedAt: instant,
  reportCount: z.number().int().min(1),
  figures,
  arrivedAt: instant.meta({ description: 'when this office received the report' }),
  arrival: z.enum(['report', 'forward', 'escalation']).meta({ description: 'how it reached this office' }),
  acknowledgedAt: instant.nullable().meta({ description: 'when this office acknowledged receipt' }),
  drillId: z.string().optional().meta({ description: 'present when the incident is an exercise: its drill' }),
  duties: z
    .array(
      z.strictObject({
        obligationId: z.string(),
        handover: z.enum(OBLIGATION_HANDOVERS),
        to: officeRef,
        openedAt: instant,
        dueAt: instant,
        remindAt: instant.nullable().meta({ description: 'the reminder point: where the countdown turns amber' }),
        limitMs: count,
        status: obligationStatusSchema,
        metAt: instant.optional(),
        lateByMs: count.optional(),
        shortenedFrom: instant
          .optional()
          .meta({ description: 'the deadline the duty opened with, when a raised grade has moved it earlier' }),
        source: z.string().meta({ description: 'the rule behind the limit: legal source or override note' }),
      }),
    )
    .meta({ description: 'this office’s own duties on the incident' }),
  awaitingCorrection: z
    .strictObject({
      returnId: z.string(),
      to: officeRef.extend({ unit: z.string().optional() }),
      dueAt: instant,
      status: obligationStatusSchema,
    })
    .nullable()
    .meta({ description: 'the report this office returned for correction and is still waiting for; null if none' }),
});

/** `GET /v1/desk/board`. */
export const boardSchema = z.strictObject({
  office: officeRef,
  asOf: instant.meta({ description: 'the server’s time of the read' }),
  pollSince: instant.meta({ description: 'send as `since` on the next poll' }),
  changes: z.boolean().meta({ description: 'true when only the rows changed since `since` are listed' }),
  items: z.array(boardRowSchema),
  total: count.optional().meta({ description: 'rows on the whole board (first read only)' }),
  removed: z.array(z.string()).meta({ description: 'incidents that left the board since `since`' }),
});

const summaryFigures = {
  ...Object.fromEntries(COUNTER_NAMES.map((name) => [name, z.number().int()])),
  byCategoryGrade: z
    .record(z.string(), z.record(z.string(), z.number().int()))
    .meta({ description: 'incidents by category, then grade; only non-zero counts' }),
} as Record<(typeof COUNTER_NAMES)[number], z.ZodNumber> & {
  byCategoryGrade: z.ZodRecord<z.ZodString, z.ZodRecord<z.ZodString, z.ZodNumber>>;
};

/** `GET /v1/summaries/{region}`. */
export const summarySchema = z.strictObject({
  region: z.string(),
  name: z.string(),
  level,
  from: z.string().optional(),
  to: z.string().optional(),
  totals: z.strictObject(summaryFigures),
  days: z.array(z.strictObject({ day: z.string().meta({ description: 'China calendar day' }), ...summaryFigures })),
  children: z
    .array(z.strictObject({ region: z.string(), name: z.string(), level, ...summaryFigures }))
    .meta({ description: 'the child regions with anything to count' }),
});

/** `GET /v1/offices/{code}/officers`. */
export const officeOfficersSchema = z.strictObject({
  office: z.string(),
  officers: z.array(
    z.strictObject({
      office: z.string(),
      personId: z.string(),
      name: z.string(),
      roles: z.array(z.enum(OFFICER_ROLES)),
      endpoints: z.strictObject({
        email: z.string().optional(),
        sms: z.string().optional(),
        webhook: z.string().optional(),
      }),
    }),
  ),
  roster: z.array(
    z.strictObject({
      office: z.string(),
      personId: z.string(),
      from: z.string().meta({ description: 'HH:MM, China time, inclusive' }),
      to: z.string().meta({ description: 'HH:MM, exclusive; not after `from`: past midnight' }),
    }),
  ),
  onDutyNow: z.array(z.string()).meta({ description: 'person ids on the roster now' }),
  since: z.string().nullable().meta({
    description:
      'when the directory version shown (the one in effect now) took effect; earlier versions stay on record. Null if nothing is on record for the office yet',
  }),
});

// --- the duty desk's zero reports -----------------------------------------------------------------

const owedDay = z.strictObject({ date: z.string(), cutoffAt: instant });

/** A duty period as stored (the answer of its activation, `./zero-reports.ts`, is the same). */
const dutyPeriod = z.strictObject({
  periodId: z.string(),
  region: z.string(),
  firstDate: z.string(),
  lastDate: z.string(),
  cutoffHour: z.number().int(),
  reason: z.string(),
  activatedAt: instant,
  activatedBy: z
    .strictObject({
      sub: z.string(),
      role: z.string(),
      region: z.string(),
      unit: z.string().optional(),
      level: level.optional(),
    })
    .meta({
      description: 'the office that activated it, as its token named it',
    }),
  days: z.array(owedDay).meta({ description: 'every day owed, with the instant its report is due' }),
});

/** `GET /v1/duty-periods`. */
export const dutyPeriodListSchema = z.strictObject({
  region: z.string().meta({ description: 'the region asked about (the caller’s own by default)' }),
  items: z.array(dutyPeriod).meta({
    description: 'periods whose region is, contains or lies within it; the latest first',
  }),
});

/** `GET /v1/duty-periods/{id}/zero-reports`. */
export const zeroGridSchema = z.strictObject({
  periodId: z.string(),
  region: z.string().meta({ description: 'the region covered: the narrower of the period’s and the one asked' }),
  period: dutyPeriod,
  asOf: instant.meta({ description: 'when the states were read' }),
  days: z.array(owedDay).meta({ description: 'the owed days shown (`from`–`to`)' }),
  nextCutoffAt: instant.nullable().meta({ description: 'the next cut-off ahead; null once all have passed' }),
  units: z.array(
    z.strictObject({
      unitId: z.string(),
      name: z.string(),
      county: z.string(),
      cells: z.array(
        z.strictObject({
          date: z.string(),
          state: z.enum(['filed', 'late', 'missed', 'not-due', 'not-registered']).meta({
            description:
              "missed: the cut-off passed with nothing filed (recorded by the check within minutes); not-registered: the registry did not hold the unit in this region at the day's cut-off (moved away, closed, or registered later), so it owed nothing here",
          }),
          filedAt: instant.optional(),
        }),
      ),
    }),
  ),
  skipped: z.array(z.string()).meta({ description: 'units left out: registered under two counties' }),
});

// --- inspectors --------------------------------------------------------------------------------

const candidateSchema = z.strictObject({
  incidentId: z.string(),
  reason: z.enum(CANDIDATE_REASONS),
  suggests: z.enum(FINDING_KINDS).meta({ description: 'the finding the pattern would support' }),
  reportIds: z.array(z.string()),
  explanation: z.string().meta({ description: 'the candidate in plain words, with the figures' }),
  evidence: z.record(z.string(), z.unknown()).meta({
    description: `the reports and figures behind it, by reason (measures: ${GRADED_MEASURES.join(', ')})`,
  }),
});

/** `GET /v1/audit/candidates`. */
export const candidatesPageSchema = z.strictObject({
  examined: count.meta({ description: 'incidents this page examined; fewer may have candidates' }),
  items: z.array(
    z.strictObject({
      incidentId: z.string(),
      regionCode: z.string(),
      receivedAt: instant,
      status: z.enum(['open', 'closed']),
      grade,
      findings: z.array(findingRef),
      candidates: z.array(candidateSchema),
    }),
  ),
  next,
});

const chainCounts = z.strictObject({ chains: count, events: count, intact: count, broken: count });

/** `GET /v1/audit/verify`. */
export const verifyResponseSchema = z.strictObject({
  region: z.string(),
  complete: z.boolean().meta({ description: 'the last chain of the jurisdiction was reached' }),
  counts: chainCounts,
  byKind: z.strictObject({ incident: chainCounts, 'zero-report': chainCounts, 'access-denied': chainCounts }),
  broken: z.array(
    z.strictObject({
      kind: z.enum(['incident', 'zero-report', 'access-denied']),
      id: z
        .string()
        .meta({ description: 'the incident id, `<period id>/<unit>`, or `<province>/<China date>` for refusals' }),
      region: z.string(),
      seq: z.number().int(),
      reason: z.enum([
        'hash-mismatch',
        'prev-hash-mismatch',
        'sequence-gap',
        'missing-events',
        'head-mismatch',
        'head-missing',
        'head-projection-mismatch',
        'lookup-mismatch',
        'anchor-mismatch',
        'anchor-missing-events',
        'chain-missing',
        'attachment-mismatch',
        'unverifiable',
      ]),
      detail: z.string(),
    }),
  ),
  accessDenied: z
    .strictObject({ items: z.array(accessDeniedSchema), next })
    .optional()
    .meta({ description: 'with the first page only: the refusals; `next` continues at /v1/audit/access-denied' }),
  next,
});

/** `POST /v1/incidents/{id}/findings`. */
export const recordedFindingSchema = z.strictObject({
  findingId: z.string(),
  finding: z.enum(FINDING_KINDS),
  basis: z.string(),
  reportIds: z.array(z.string()),
  responsible: z.array(z.string()),
  incidentId: z.string(),
  seq: z.number().int().meta({ description: 'its event in the incident’s log' }),
  recordedAt: instant,
  recordedBy: z.strictObject({ sub: z.string(), region: z.string() }),
});

const headSchema = z.strictObject({ seq: count, hash: z.string() });

/** `GET /v1/audit/evidence`: an evidence pack (`shared/domain/evidence/pack-format.ts`, docs/evidence-pack.md). */
export const evidencePackSchema = z.strictObject({
  format: z.literal('incident-evidence-pack'),
  version: z.literal(1),
  builtAt: instant,
  builtBy: z.strictObject({ sub: z.string(), role: z.string(), region: z.string() }),
  scope: z.discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('incidents'), ids: z.array(z.string()) }),
    z.strictObject({ kind: z.literal('period'), region: z.string(), from: instant, to: instant }),
  ]),
  persons: z.string().meta({
    description:
      'how the persons named were found: those who held the posts and were on the roster at each duty’s deadline, from the directory’s history',
  }),
  incidents: z.array(
    z.strictObject({
      incidentId: z.string(),
      region: z.string(),
      head: headSchema.meta({ description: 'where the incident’s head item says its log ends' }),
      events: z.array(incidentEventSchema).meta({ description: 'the whole log, in order, exactly as chained' }),
      duties: z
        .array(auditRowSchema.extend({ status: obligationStatusSchema }))
        .meta({ description: 'every duty of the incident, with who answered for it' }),
      attachments: z
        .array(
          z.strictObject({
            sha256: z.string(),
            bytes: z.number().int(),
            contentType: z.string(),
            seq: z.number().int().meta({ description: 'the report event that names it' }),
            status: z.enum(ATTACHMENT_STATUSES),
            storedSha256: z
              .string()
              .optional()
              .meta({ description: 'the hash of what is stored, when it is not the named one' }),
            content: z
              .string()
              .optional()
              .meta({ description: 'the bytes, base64 (command-line packs built with the files)' }),
          }),
        )
        .optional()
        .meta({ description: 'the files its reports name, as storage held them when the pack was built' }),
      drillId: z.string().optional().meta({ description: 'present when the incident is an exercise: its drill' }),
    }),
  ),
  digest: z
    .strictObject({
      version: z.literal(1),
      region: z.string(),
      takenAt: instant,
      chains: z.array(
        z.strictObject({
          kind: z.enum(['incident', 'zero-report', 'access-denied']),
          id: z.string(),
          region: z.string(),
          seq: count,
          hash: z.string(),
        }),
      ),
      root: z.string(),
    })
    .meta({ description: 'where each chain of the pack ends, sealed by a root (as `npm run verify-audit` writes)' }),
  seal: z.string().meta({ description: 'SHA-256 over the canonical JSON of everything else: the value to record' }),
});
