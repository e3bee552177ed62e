/** Recording an inspector's finding, against the in-memory incident store. */
import { describe, expect, it } from 'vitest';
import { fieldProblems } from '../../shared/adapters/http/api-handler';
import { policyByName } from '../../shared/adapters/policy-source';
import { makeAppendEvents } from '../../shared/application/append-events';
import { makeRecordFinding } from '../../shared/application/findings';
import { makeSubmitReport } from '../../shared/application/submit-report';
import type { Actor } from '../../shared/domain/access';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../../shared/domain/errors';
import { verifyChain } from '../../shared/domain/hash-chain';
import type { Clock } from '../../shared/ports/clock';
import { type FindingBody, findingBodySchema } from '../../shared/schemas/findings';
import { makeReportBodySchema } from '../../shared/schemas/report';
import { InMemoryIncidentStore } from '../fakes/in-memory-incident-store';
import { reportWith } from '../fixtures/reports';

const RECEIVED = new Date('2026-11-22T01:00:00.000Z');
const clock: Clock = { now: () => new Date(RECEIVED) };
const policy = policyByName('national');

const UNIT: Actor = { sub: 'unit-110101-U-1', role: 'reporter', region: '110101', unit: 'U-1' };
const INSPECTOR: Actor = { sub: 'insp-bj', role: 'inspector', region: '110000' };

const body = (changes: Partial<FindingBody> = {}): FindingBody =>
  findingBodySchema.parse({
    finding: 'concealed-report',
    basis: 'Hospital records show three admitted with crush injuries at 09:00; the initial report gave none.',
    responsible: ['U-1'],
    ...changes,
  });

const setUp = async () => {
  const incidents = new InMemoryIncidentStore();
  let n = 0;
  const submit = makeSubmitReport({
    incidents,
    clock,
    policy,
    ids: { incidentId: () => `INC-20261122-0000000${++n}`, unique: () => `id-${n}` },
  });
  const schema = makeReportBodySchema(() => RECEIVED.getTime());
  const { response } = await submit({ actor: UNIT, report: schema.parse(reportWith()) });
  await submit({
    actor: UNIT,
    report: schema.parse(reportWith({ kind: 'follow-up', incidentId: response.incidentId, grade: undefined })),
  });
  const recordFinding = makeRecordFinding({ incidents, appendEvents: makeAppendEvents({ incidents, clock, policy }) });
  return { incidents, recordFinding, incidentId: response.incidentId };
};

describe('recording a finding', () => {
  it('appends it to the incident’s log, where the chain still verifies and the state lists it', async () => {
    const { incidents, recordFinding, incidentId } = await setUp();
    const result = await recordFinding({
      actor: INSPECTOR,
      incidentId,
      finding: body({ reportIds: [`${incidentId}-R1`] }),
    });
    expect(result.replayed).toBe(false);
    expect(result.finding).toMatchObject({
      incidentId,
      finding: 'concealed-report',
      reportIds: [`${incidentId}-R1`],
      responsible: ['U-1'],
      recordedBy: { sub: 'insp-bj', region: '110000' },
      recordedAt: RECEIVED.toISOString(),
    });
    expect(result.finding.findingId).toMatch(/^FND-[0-9A-F]{16}$/);
    const log = incidents.eventsOf(incidentId);
    const last = log.at(-1);
    expect(last).toMatchObject({ type: 'InspectionFinding', seq: result.finding.seq, actor: INSPECTOR });
    const head = incidents.headOf(incidentId);
    expect(verifyChain(log, { seq: head?.version ?? 0, hash: head?.lastHash ?? '' }).intact).toBe(true);
    expect(head?.findings).toEqual([
      { findingId: result.finding.findingId, finding: 'concealed-report', at: RECEIVED.toISOString() },
    ]);
  });

  it('records a retried request once, with or without an Idempotency-Key', async () => {
    const { incidents, recordFinding, incidentId } = await setUp();
    const first = await recordFinding({ actor: INSPECTOR, incidentId, finding: body() });
    const again = await recordFinding({ actor: INSPECTOR, incidentId, finding: body() });
    expect(again).toEqual({ finding: first.finding, replayed: true });

    const keyed = await recordFinding({ actor: INSPECTOR, incidentId, finding: body(), idempotencyKey: 'k-1' });
    expect(keyed.finding.findingId).not.toBe(first.finding.findingId);
    const keyedAgain = await recordFinding({ actor: INSPECTOR, incidentId, finding: body(), idempotencyKey: 'k-1' });
    expect(keyedAgain).toEqual({ finding: keyed.finding, replayed: true });

    const findings = incidents.eventsOf(incidentId).filter((e) => e.type === 'InspectionFinding');
    expect(findings).toHaveLength(2);
  });

  it('records concurrent retries once', async () => {
    const { incidents, recordFinding, incidentId } = await setUp();
    const results = await Promise.all(
      Array.from({ length: 5 }, () =>
        recordFinding({ actor: INSPECTOR, incidentId, finding: body(), idempotencyKey: 'same' }),
      ),
    );
    expect(new Set(results.map((r) => r.finding.findingId)).size).toBe(1);
    expect(incidents.eventsOf(incidentId).filter((e) => e.type === 'InspectionFinding')).toHaveLength(1);
  });

  it('refuses the same key for a different finding', async () => {
    const { recordFinding, incidentId } = await setUp();
    await recordFinding({ actor: INSPECTOR, incidentId, finding: body(), idempotencyKey: 'k-2' });
    await expect(
      recordFinding({
        actor: INSPECTOR,
        incidentId,
        finding: body({ finding: 'false-report' }),
        idempotencyKey: 'k-2',
      }),
    ).rejects.toMatchObject({ constructor: ConflictError, code: 'idempotency-key-reused' });
  });

  it('names every report id that is not a report of this incident, and writes nothing', async () => {
    const { incidents, recordFinding, incidentId } = await setUp();
    const before = incidents.eventsOf(incidentId).length;
    const error = await recordFinding({
      actor: INSPECTOR,
      incidentId,
      finding: body({ reportIds: [`${incidentId}-R2`, `${incidentId}-R3`, 'INC-20261122-99999999-R1'] }),
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).details).toEqual([
      { field: 'reportIds.1', problem: `${incidentId}-R3 is not a report of ${incidentId}` },
      { field: 'reportIds.2', problem: `INC-20261122-99999999-R1 is not a report of ${incidentId}` },
    ]);
    expect(incidents.eventsOf(incidentId)).toHaveLength(before);
  });

  it('is for inspectors inside their jurisdiction only', async () => {
    const { incidents, recordFinding, incidentId } = await setUp();
    const before = incidents.eventsOf(incidentId).length;
    const refused: Actor[] = [
      UNIT,
      { sub: 'dongcheng', role: 'office', region: '110101', level: 'county' },
      { sub: 'insp-sh', role: 'inspector', region: '310000' },
    ];
    for (const actor of refused) {
      await expect(recordFinding({ actor, incidentId, finding: body() })).rejects.toMatchObject({
        constructor: ForbiddenError,
        context: { targetRegion: '110101', incidentId },
      });
    }
    expect(incidents.eventsOf(incidentId)).toHaveLength(before);
    const county: Actor = { sub: 'insp-dc', role: 'inspector', region: '110101' };
    await expect(recordFinding({ actor: county, incidentId, finding: body() })).resolves.toMatchObject({
      replayed: false,
    });
  });

  it('answers 404 for an incident that does not exist', async () => {
    const { recordFinding } = await setUp();
    await expect(
      recordFinding({ actor: INSPECTOR, incidentId: 'INC-20261122-ZZZZZZZZ', finding: body() }),
    ).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe('the finding body', () => {
  it('names every bad field at once', () => {
    const parsed = findingBodySchema.safeParse({
      finding: 'late-report',
      basis: '  ',
      reportIds: ['R1', 'INC-20261122-7K3F9Q2M-R1', 'INC-20261122-7K3F9Q2M-R1'],
      responsible: [],
      extra: true,
    });
    expect(parsed.success).toBe(false);
    const fields = parsed.error ? fieldProblems(parsed.error).map((p) => p.field) : [];
    expect(fields).toEqual(
      expect.arrayContaining(['finding', 'basis', 'reportIds.0', 'reportIds.2', 'responsible', 'extra']),
    );
  });

  it('lets reportIds be left out (the finding concerns all reports)', () => {
    expect(body().reportIds).toEqual([]);
  });
});
