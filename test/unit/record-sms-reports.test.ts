/**
 * The SMS provider's delivery reports recorded in the incidents' logs: each report goes to the
 * incident its message's context names, as `SmsDeliveryReported`, once however often it is handed
 * out; a failed delivery is recorded as failed; a report of no incident's message, or one that
 * cannot be appended, is handed back for the worker's log. Over the in-memory store and a provider
 * scripted pull by pull.
 */
import { describe, expect, it } from 'vitest';
import { policyByName } from '../../shared/adapters/policy-source';
import { makeAppendEvents } from '../../shared/application/append-events';
import {
  incidentSmsContext,
  makeRecordSmsReports,
  REPORTS_PER_WRITE,
} from '../../shared/application/record-sms-reports';
import { makeSubmitReport } from '../../shared/application/submit-report';
import { verifyChain } from '../../shared/domain/hash-chain';
import { replayHead } from '../../shared/domain/head-projection';
import type { SmsDeliveryReport, SmsSender } from '../../shared/ports/sms-sender';
import { makeReportBodySchema } from '../../shared/schemas/report';
import { FakeClock } from '../fakes/fake-clock';
import { InMemoryIncidentStore } from '../fakes/in-memory-incident-store';
import { reportWith } from '../fixtures/reports';

const T0 = '2026-12-05T02:00:00.000Z';
const INCIDENT = 'INC-20261205-00000001';

const report = (messageId: string, over: Partial<SmsDeliveryReport> = {}): SmsDeliveryReport => ({
  provider: 'tencent-cloud',
  messageId,
  status: 'delivered',
  reportedAt: '2026-12-05T02:00:05.000Z',
  code: 'DELIVRD',
  description: 'SUCCESS',
  context: incidentSmsContext(INCIDENT),
  ...over,
});

/** A provider whose pulls answer `pulls` in turn, then nothing; it records the limits asked for. */
const scripted = (pulls: readonly (readonly SmsDeliveryReport[])[]) => {
  const asked: number[] = [];
  let next = 0;
  const sender: SmsSender = {
    send: async () => {
      throw new Error('not sent here');
    },
    pullReports: async (limit) => {
      asked.push(limit);
      return pulls[next++] ?? [];
    },
  };
  return { sender, asked };
};

const setUp = async (pulls: readonly (readonly SmsDeliveryReport[])[], pullSize = 2, maxPulls = 5) => {
  const incidents = new InMemoryIncidentStore();
  const clock = new FakeClock(T0);
  const policy = policyByName('national');
  await makeSubmitReport({ incidents, clock, policy, ids: { incidentId: () => INCIDENT, unique: () => 'u-1' } })({
    actor: { sub: 'unit-1', role: 'reporter', region: '110101', unit: 'U-1' },
    report: makeReportBodySchema(() => Date.parse(T0)).parse(reportWith({ regionCode: '110101' })),
  });
  const provider = scripted(pulls);
  const record = makeRecordSmsReports({
    sender: provider.sender,
    appendEvents: makeAppendEvents({ incidents, clock, policy }),
    pullSize,
    maxPulls,
  });
  const reported = () => incidents.eventsOf(INCIDENT).filter((e) => e.type === 'SmsDeliveryReported');
  return { incidents, record, reported, asked: provider.asked };
};

describe('recording the SMS delivery reports', () => {
  it('appends one SmsDeliveryReported per report to the incident its message names', async () => {
    const { record, reported, incidents } = await setUp([
      [report('2433:a'), report('2433:b', { status: 'failed', code: 'MK:0001', description: 'FAIL' })],
    ]);

    const run = await record();

    expect(run).toMatchObject({ pulled: 2, recorded: 2, failed: 1, unmatched: [], notRecorded: [] });
    expect(reported().map((e) => e.data)).toEqual([
      {
        key: 'sms-report:2433:a',
        provider: 'tencent-cloud',
        providerMessageId: '2433:a',
        status: 'delivered',
        reportedAt: '2026-12-05T02:00:05.000Z',
        code: 'DELIVRD',
        description: 'SUCCESS',
      },
      expect.objectContaining({ providerMessageId: '2433:b', status: 'failed', code: 'MK:0001' }),
    ]);
    // The log stays a sound chain, and its head replays from it.
    const events = incidents.eventsOf(INCIDENT);
    expect(verifyChain(events)).toMatchObject({ intact: true });
    expect(replayHead(events)?.notified).toEqual(expect.arrayContaining(['sms-report:2433:a', 'sms-report:2433:b']));
  });

  it('records an incident’s reports of one pull in one write', async () => {
    const { record, reported, incidents } = await setUp([[report('2433:a'), report('2433:b'), report('2433:c')]], 5);
    const appendsBefore = incidents.appends;

    const run = await record();

    expect(run).toMatchObject({ pulled: 3, recorded: 3 });
    expect(incidents.appends - appendsBefore).toBe(1);
    expect(reported().map((e) => e.data.providerMessageId)).toEqual(['2433:a', '2433:b', '2433:c']);
  });

  it('splits an incident’s reports of one pull into writes of at most REPORTS_PER_WRITE', async () => {
    const many = Array.from({ length: REPORTS_PER_WRITE + 1 }, (_, i) => report(`2433:${i}`));
    const { record, reported, incidents } = await setUp([many], 100);
    const appendsBefore = incidents.appends;

    const run = await record();

    expect(run).toMatchObject({ pulled: REPORTS_PER_WRITE + 1, recorded: REPORTS_PER_WRITE + 1 });
    expect(incidents.appends - appendsBefore).toBe(2);
    expect(reported()).toHaveLength(REPORTS_PER_WRITE + 1);
  });

  it('records a report handed out twice in one pull once', async () => {
    const { record, reported } = await setUp([[report('2433:a'), report('2433:a')]], 5);

    const run = await record();

    expect(run).toMatchObject({ pulled: 2, recorded: 1 });
    expect(reported()).toHaveLength(1);
  });

  it('records a report handed out again, or pulled by a repeated run, only once', async () => {
    const { record, reported } = await setUp([[report('2433:a')], [], [report('2433:a')]]);

    await record();
    await record();
    const again = await record();

    expect(again).toMatchObject({ pulled: 1, recorded: 0 });
    expect(reported()).toHaveLength(1);
  });

  it('pulls again while pulls come back full, up to its most pulls a run', async () => {
    const full = [report('2433:a'), report('2433:b')];
    const { record, asked, reported } = await setUp(
      [full, [report('2433:c'), report('2433:d')], [report('2433:e')]],
      2,
      2,
    );

    const first = await record();
    const second = await record();

    expect(asked).toEqual([2, 2, 2]);
    expect(first).toMatchObject({ pulled: 4, recorded: 4 });
    expect(second).toMatchObject({ pulled: 1, recorded: 1 });
    expect(reported()).toHaveLength(5);
  });

  it('hands back a report of no incident’s message, and one whose incident it cannot append to', async () => {
    const noContext = report('2433:z', { context: undefined });
    const lost = report('2433:y', { context: incidentSmsContext('INC-20261205-99999999') });
    const { record, reported } = await setUp([[noContext, lost, report('2433:a')]], 5);

    const run = await record();

    expect(run.unmatched).toEqual([noContext]);
    expect(run.notRecorded).toEqual([{ report: lost, error: expect.any(String) }]);
    expect(run.recorded).toBe(1);
    expect(reported()).toHaveLength(1);
  });
});
