/**
 * The web console's report form, without a browser: what it checks on the device, the body it
 * sends — which the API's own schema must accept — the API's problems brought back to the form's
 * fields, the grade the figures reach and the elements a later report still owes; and how the
 * outbox waits between attempts. Type-checked with the console (`web/tsconfig.json`), since the
 * modules it tests are written for the browser.
 */
import { describe, expect, it } from 'vitest';
import { makeReportBodySchema } from '../../shared/schemas/report';
import { retryAfterMs } from '../../web/src/api/client';
import { backoffMs } from '../../web/src/outbox/retry';
import {
  check,
  emptyValues,
  gradeReached,
  owedElements,
  problemsFromApi,
  type ReportValues,
  toBody,
} from '../../web/src/report/model';

const NOW = Date.parse('2026-11-22T02:00:00Z'); // 10:00 in Beijing

const filled = (overrides: Partial<ReportValues> = {}): ReportValues => ({
  ...emptyValues(new Date(NOW)),
  occurredAt: '2026-11-22T09:20',
  learnedAt: '2026-11-22T09:35',
  address: '东华门街道 3 号院',
  category: 'accident',
  subtype: '房屋倒塌',
  summary: '院内老旧平房倒塌。',
  reporterName: '王丽',
  reporterPhone: '010 1234 5678',
  ...overrides,
});

const context = { kind: 'initial' as const, region: '110101', unit: 'DC-JDJ' };

describe('the web console’s report form', () => {
  it('names every missing element before anything is saved', () => {
    const problems = check({ ...emptyValues(new Date(NOW)), dead: '' }, NOW).map((p) => `${p.field} ${p.key}`);
    expect(problems).toEqual([
      'address problem.required',
      'category problem.choose',
      'subtype problem.required',
      'summary problem.required',
      'dead problem.countRequired',
      'reporterName problem.required',
      'reporterPhone problem.phone',
    ]);
  });

  it('reads times as China time, and refuses one in the future or a learned-of time before the incident', () => {
    expect(check(filled(), NOW)).toEqual([]);
    expect(check(filled({ learnedAt: '2026-11-22T10:30' }), NOW).map((p) => p.key)).toEqual(['problem.future']);
    expect(check(filled({ learnedAt: '2026-11-22T09:00' }), NOW).map((p) => p.key)).toEqual([
      'problem.learnedBeforeOccurred',
    ]);
    expect(toBody(filled(), context).learnedAt).toBe('2026-11-22T09:35:00+08:00');
  });

  it('sends a body the API’s own schema accepts, with unknown figures left out rather than guessed', () => {
    const body = toBody(filled({ dead: '3', injured: '2', seriouslyInjured: '' }), context);
    const parsed = makeReportBodySchema(() => NOW).safeParse(body);
    expect(parsed.success, JSON.stringify(parsed.error?.issues)).toBe(true);
    expect(body.casualties).toEqual({ dead: 3, injured: 2, missing: 0, trapped: 0 });
    const followUp = toBody(filled(), { ...context, kind: 'follow-up', incidentId: 'INC-20261122-7K3F9Q2M' });
    expect(makeReportBodySchema(() => NOW).safeParse(followUp).success).toBe(true);
  });

  it('brings the API’s problems back to the form’s fields, in the catalogue’s words where it knows them', () => {
    expect(
      problemsFromApi([
        { field: 'learnedAt', problem: 'is in the future' },
        { field: 'casualties.seriouslyInjured', problem: 'cannot exceed the injured' },
        { field: 'location.address', problem: 'must be at most 500 characters' },
        { field: 'reporter.unit', problem: 'something new' },
      ]),
    ).toEqual([
      { field: 'learnedAt', key: 'problem.future' },
      { field: 'seriouslyInjured', key: 'problem.seriousOverInjured' },
      { field: 'address', key: 'problem.tooLong', params: { max: '500' } },
      { field: 'form', key: 'problem.server', params: { field: 'reporter.unit', problem: 'something new' } },
    ]);
  });

  it('shows the grade the figures reach under Decree 493, counting all injured while the seriously injured are unknown', () => {
    expect(gradeReached(filled())).toBe('IV');
    expect(gradeReached(filled({ dead: '3' }))).toBe('III');
    expect(gradeReached(filled({ dead: '8', missing: '2' }))).toBe('II');
    expect(gradeReached(filled({ injured: '60' }))).toBe('II');
    expect(gradeReached(filled({ injured: '60', seriouslyInjured: '5' }))).toBe('IV');
    expect(gradeReached(filled({ directLossYuan: '100000000' }))).toBe('I');
  });

  it('says which elements a later report still owes', () => {
    expect(owedElements(filled({ injured: '2', unknowns: '被困人数未核实' }))).toEqual([
      'measuresTaken',
      'seriouslyInjured',
      'unknowns',
    ]);
    expect(owedElements(filled({ measuresTaken: '已疏散' }))).toEqual([]);
    // Measures described in an earlier report count as given.
    expect(owedElements(filled(), true)).toEqual([]);
  });
});

describe('the outbox’s waiting', () => {
  it('backs off 2 s, 4 s, 8 s … up to five minutes, each within ±20 %', () => {
    const middle = () => 0.5;
    expect([1, 2, 3, 4, 20].map((n) => backoffMs(n, middle))).toEqual([2_000, 4_000, 8_000, 16_000, 300_000]);
    expect(backoffMs(1, () => 0)).toBe(1_600);
    expect(backoffMs(1, () => 1)).toBe(2_400);
  });

  it('reads Retry-After in seconds or as a date', () => {
    expect(retryAfterMs('2')).toBe(2_000);
    expect(retryAfterMs('Sun, 22 Nov 2026 02:00:30 GMT', NOW)).toBe(30_000);
    expect(retryAfterMs(null)).toBeUndefined();
    expect(retryAfterMs('soon')).toBeUndefined();
  });
});
