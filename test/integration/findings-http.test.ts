/**
 * Inspectors over HTTP on the local runtime: the candidates for inspection that incidents' logs
 * show, and the findings an inspector records, which land in the incident's own hash-chained log.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, initialReport, startTestRuntime, type TestRuntime, tokenFor } from './support';

interface ErrorBody {
  error: { code: string; message: string; details?: { field: string; problem: string }[] };
}

interface Finding {
  incidentId: string;
  seq: number;
  findingId: string;
  finding: string;
  basis: string;
  reportIds: string[];
  responsible: string[];
  recordedAt: string;
  recordedBy: { sub: string; region: string };
}

interface CandidatesPage {
  examined: number;
  items: {
    incidentId: string;
    findings: { findingId: string }[];
    candidates: { reason: string; suggests: string; reportIds: string[]; explanation: string }[];
  }[];
  next?: string;
}

const casualties = (dead: number) => ({ casualties: { dead, injured: 0, missing: 0, trapped: 0 } });

describe('candidates and findings over HTTP', () => {
  let runtime: TestRuntime;
  let reporter: string;
  let otherUnit: string;
  let county: string;
  let inspector: string;
  let shanghaiInspector: string;
  /** 1 dead, then 4 (grade IV → III), then a final 10 (III → II): far above the initial report. */
  let understated: string;
  /** Reported first by U-1, followed up by U-2. */
  let handedOver: string;
  /** Nothing to see. */
  let plain: string;

  const report = async (token: string, body: Record<string, unknown>) => {
    const answer = await call(runtime, 'POST', '/v1/reports', { token, body });
    expect(answer.status).toBe(201);
    return (answer.body as { incidentId: string }).incidentId;
  };
  const followUp = (token: string, unit: string, incidentId: string, kind: string, dead: number) =>
    report(token, initialReport('110101', unit, { kind, incidentId, ...casualties(dead) }));

  const record = (incidentId: string, body: unknown, token = inspector, headers: Record<string, string> = {}) =>
    call(runtime, 'POST', `/v1/incidents/${incidentId}/findings`, { token, body, headers });

  const validFinding = {
    finding: 'concealed-report',
    basis: 'Hospital admissions show four dead by 09:30; the initial report at 10:00 gave one.',
    responsible: ['U-1', '110101'],
  };

  beforeAll(async () => {
    runtime = await startTestRuntime();
    reporter = await tokenFor(runtime, { sub: 'unit-u1', role: 'reporter', region: '110101', unit: 'U-1' });
    otherUnit = await tokenFor(runtime, { sub: 'unit-u2', role: 'reporter', region: '110101', unit: 'U-2' });
    county = await tokenFor(runtime, { sub: 'dongcheng', role: 'office', region: '110101', level: 'county' });
    inspector = await tokenFor(runtime, { sub: 'insp-bj', role: 'inspector', region: '110000' });
    shanghaiInspector = await tokenFor(runtime, { sub: 'insp-sh', role: 'inspector', region: '310000' });

    understated = await report(reporter, initialReport('110101', 'U-1', { grade: undefined, ...casualties(1) }));
    await followUp(reporter, 'U-1', understated, 'follow-up', 4);
    await followUp(reporter, 'U-1', understated, 'final', 10);
    handedOver = await report(reporter, initialReport('110101', 'U-1', { grade: undefined }));
    await followUp(otherUnit, 'U-2', handedOver, 'follow-up', 0);
    plain = await report(reporter, initialReport('110101', 'U-1', { grade: undefined }));
  });

  afterAll(async () => {
    await runtime?.close();
  });

  describe('GET /v1/audit/candidates', () => {
    const allPages = async (query: string) => {
      const pages: CandidatesPage[] = [];
      let next: string | undefined;
      do {
        const cursor = next ? `&cursor=${encodeURIComponent(next)}` : '';
        const answer = await call(runtime, 'GET', `/v1/audit/candidates?${query}${cursor}`, { token: inspector });
        expect(answer.status).toBe(200);
        pages.push(answer.body as CandidatesPage);
        next = (answer.body as CandidatesPage).next;
      } while (next);
      return pages;
    };

    it('lists each incident’s candidates with reason, suggested finding, reports and explanation', async () => {
      const [page] = await allPages('region=110000');
      expect(page?.examined).toBe(3);
      const byId = Object.fromEntries((page?.items ?? []).map((i) => [i.incidentId, i]));
      expect(Object.keys(byId).sort()).toEqual([understated, handedOver].sort());
      expect(byId[understated]?.candidates.map((c) => [c.reason, c.suggests, c.reportIds])).toEqual([
        ['grade-threshold-crossed', 'false-report', [`${understated}-R1`, `${understated}-R2`]],
        ['grade-threshold-crossed', 'false-report', [`${understated}-R2`, `${understated}-R3`]],
        ['final-far-above-initial', 'concealed-report', [`${understated}-R1`, `${understated}-R3`]],
      ]);
      expect(byId[understated]?.candidates[0]?.explanation).toContain('dead and missing 1 → 4 (grade IV → III)');
      expect(byId[handedOver]?.candidates).toEqual([
        expect.objectContaining({
          reason: 'first-reported-by-another-unit',
          suggests: 'concealed-report',
          reportIds: [`${handedOver}-R1`, `${handedOver}-R2`],
        }),
      ]);
      expect(byId[plain]).toBeUndefined();
    });

    it('pages through the region with a cursor, a bounded number of incidents at a time', async () => {
      const pages = await allPages('region=110101&limit=1');
      // DynamoDB cannot tell that a full page was the last, so a final empty page may follow.
      expect(pages.every((p) => p.examined <= 1)).toBe(true);
      expect(pages.reduce((sum, p) => sum + p.examined, 0)).toBe(3);
      expect(pages.flatMap((p) => p.items.map((i) => i.incidentId)).sort()).toEqual([understated, handedOver].sort());
      const tooMany = await call(runtime, 'GET', '/v1/audit/candidates?limit=1000', { token: inspector });
      expect(tooMany.status).toBe(400);
      expect((tooMany.body as ErrorBody).error.details?.map((d) => d.field)).toEqual(['limit']);
    });

    it('is for inspectors inside their jurisdiction', async () => {
      for (const token of [reporter, county, shanghaiInspector]) {
        const answer = await call(runtime, 'GET', '/v1/audit/candidates?region=110000', { token });
        expect(answer.status).toBe(403);
      }
    });
  });

  describe('POST /v1/incidents/{id}/findings', () => {
    it('records the finding in the incident’s log, where the chain still verifies', async () => {
      const answer = await record(understated, { ...validFinding, reportIds: [`${understated}-R1`] });
      expect(answer.status).toBe(201);
      const finding = answer.body as Finding;
      expect(finding).toMatchObject({
        incidentId: understated,
        finding: 'concealed-report',
        reportIds: [`${understated}-R1`],
        responsible: ['U-1', '110101'],
        recordedBy: { sub: 'insp-bj', region: '110000' },
      });

      const audit = await call(runtime, 'GET', `/v1/incidents/${understated}/audit`, { token: inspector });
      const trail = audit.body as {
        events: { seq: number; type: string; actor: { sub: string }; data: Record<string, unknown> }[];
        verification: { intact: boolean };
      };
      const event = trail.events.find((e) => e.seq === finding.seq);
      expect(event).toMatchObject({
        type: 'InspectionFinding',
        actor: { sub: 'insp-bj' },
        data: {
          findingId: finding.findingId,
          finding: 'concealed-report',
          basis: validFinding.basis,
          reportIds: [`${understated}-R1`],
          responsible: ['U-1', '110101'],
        },
      });
      expect(trail.verification.intact).toBe(true);

      const incident = await call(runtime, 'GET', `/v1/incidents/${understated}`, { token: inspector });
      expect((incident.body as { incident: { findings: { findingId: string }[] } }).incident.findings).toEqual([
        expect.objectContaining({ findingId: finding.findingId, finding: 'concealed-report' }),
      ]);
      // The unit the finding may concern reads its incident, but not the finding.
      const asUnit = await call(runtime, 'GET', `/v1/incidents/${understated}`, { token: reporter });
      expect(asUnit.status).toBe(200);
      expect(asUnit.body).toMatchObject({ incident: { incidentId: understated } });
      expect((asUnit.body as { incident: Record<string, unknown> }).incident).not.toHaveProperty('findings');
      // And the candidates list shows what has been found already.
      const candidates = await call(runtime, 'GET', '/v1/audit/candidates?region=110101', { token: inspector });
      const item = (candidates.body as CandidatesPage).items.find((i) => i.incidentId === understated);
      expect(item?.findings.map((f) => f.findingId)).toEqual([finding.findingId]);
    });

    it('records a retried request once, and refuses the same key for another finding', async () => {
      const headers = { 'idempotency-key': 'finding-handed-over-1' };
      const body = { ...validFinding, finding: 'false-report', responsible: ['U-2'] };
      const first = await record(handedOver, body, inspector, headers);
      const again = await record(handedOver, body, inspector, headers);
      expect(first.status).toBe(201);
      expect(again.status).toBe(201);
      expect(again.body).toEqual(first.body);
      const audit = await call(runtime, 'GET', `/v1/incidents/${handedOver}/audit`, { token: inspector });
      const findings = (audit.body as { events: { type: string }[] }).events.filter(
        (e) => e.type === 'InspectionFinding',
      );
      expect(findings).toHaveLength(1);

      const reused = await record(handedOver, { ...body, basis: 'something else' }, inspector, headers);
      expect(reused.status).toBe(409);
      expect((reused.body as ErrorBody).error.code).toBe('idempotency-key-reused');
    });

    it('refuses reporting units and offices, and records each refusal', async () => {
      for (const token of [reporter, county]) {
        const answer = await record(plain, validFinding, token);
        expect(answer.status).toBe(403);
      }
      expect((await record(plain, validFinding, shanghaiInspector)).status).toBe(403);
      const denied = await call(runtime, 'GET', '/v1/audit/access-denied?region=110000', { token: inspector });
      const refusals = (denied.body as { items: { action: string; incidentId?: string; actor: { sub: string } }[] })
        .items;
      const onFindings = refusals.filter((r) => r.action === 'POST /v1/incidents/{id}/findings');
      expect(onFindings.map((r) => r.actor.sub).sort()).toEqual(['dongcheng', 'insp-sh', 'unit-u1']);
      expect(onFindings.every((r) => r.incidentId === plain)).toBe(true);
      const audit = await call(runtime, 'GET', `/v1/incidents/${plain}/audit`, { token: inspector });
      expect((audit.body as { events: { type: string }[] }).events.map((e) => e.type)).not.toContain(
        'InspectionFinding',
      );
    });

    it('answers 400 naming every bad field', async () => {
      const answer = await record(plain, {
        finding: 'late-report',
        basis: '',
        reportIds: ['R1'],
        responsible: [],
        severity: 'high',
      });
      expect(answer.status).toBe(400);
      const fields = (answer.body as ErrorBody).error.details?.map((d) => d.field).sort();
      expect(fields).toEqual(['basis', 'finding', 'reportIds.0', 'responsible', 'severity']);
    });

    it('answers 400 naming the report ids that are not this incident’s', async () => {
      const answer = await record(plain, {
        ...validFinding,
        reportIds: [`${plain}-R1`, `${understated}-R2`, `${plain}-R7`],
      });
      expect(answer.status).toBe(400);
      expect((answer.body as ErrorBody).error.details).toEqual([
        { field: 'reportIds.1', problem: `${understated}-R2 is not a report of ${plain}` },
        { field: 'reportIds.2', problem: `${plain}-R7 is not a report of ${plain}` },
      ]);
    });

    it('answers 404 for an incident that does not exist', async () => {
      const answer = await record('INC-20261122-ZZZZZZZZ', validFinding);
      expect(answer.status).toBe(404);
    });
  });
});
