/**
 * Telling the responsible officers (issue: notify the responsible officers), as a use case over
 * the in-memory incident store, an in-memory officer directory and a publisher that records what
 * it was handed — and fails when the test says so.
 */
import { describe, expect, it } from 'vitest';
import { policyByName } from '../../shared/adapters/policy-source';
import { makeAppendEvents } from '../../shared/application/append-events';
import { makeCheckDeadline, SYSTEM_ACTOR } from '../../shared/application/escalation';
import {
  briefFor,
  makeNotifyOfficers,
  makeNotifyQueuedEvent,
  messageFor,
  retryDelaySeconds,
} from '../../shared/application/notify-officers';
import { makeSubmitReport } from '../../shared/application/submit-report';
import type { Actor } from '../../shared/domain/access';
import { planDrill } from '../../shared/domain/drills';
import { verifyChain } from '../../shared/domain/hash-chain';
import type { IncidentEvent } from '../../shared/domain/incident';
import type { DirectoryVersion, Officer, OfficerRole } from '../../shared/domain/officers';
import type { NotificationPublisher, OfficerNotification } from '../../shared/ports/notification-publisher';
import type { QueuedMessage, Redelivery } from '../../shared/ports/redelivery';
import { makeReportBodySchema } from '../../shared/schemas/report';
import { FakeClock } from '../fakes/fake-clock';
import { InMemoryDrillStore } from '../fakes/in-memory-drill-store';
import { InMemoryIncidentStore } from '../fakes/in-memory-incident-store';
import { InMemoryOfficerDirectory } from '../fakes/in-memory-officer-directory';
import { type Body, reportWith } from '../fixtures/reports';

/** 09:00 in Beijing. */
const T0 = '2026-11-22T01:00:00.000Z';
/** 05:30 in Beijing: a county deadline two hours on falls at 07:30, before the day shift starts. */
const DAWN = '2026-11-21T21:30:00.000Z';
const MINUTE = 60_000;

const FIRST = 'INC-20261122-00000001';
const COUNTY = '110101';
const CITY = '110100';

/**
 * Records every notification handed over; fails the next `failures` publishes, or the one
 * `failAfter` publishes from now.
 */
class RecordingPublisher implements NotificationPublisher {
  readonly published: OfficerNotification[] = [];
  failures = 0;
  failAfter: number | undefined;
  #next = 0;

  async publish(notification: OfficerNotification): Promise<string> {
    if (this.failAfter !== undefined && this.failAfter-- === 0) throw new Error('SNS is throttling');
    if (this.failures > 0) {
      this.failures -= 1;
      throw new Error('SNS is throttling');
    }
    this.published.push(structuredClone(notification));
    this.#next += 1;
    return `msg-${this.#next}`;
  }
}

const officer = (office: string, personId: string, roles: OfficerRole[], endpoints: Officer['endpoints']): Officer => ({
  office,
  personId,
  name: personId,
  roles,
  endpoints,
});

/** Each office has a first and a directly responsible person, and a day and a night duty officer. */
const officesOf = (...offices: string[]) => ({
  officers: offices.flatMap((office) => [
    officer(office, `${office}-FIRST`, ['first-responsible'], { email: `first@${office}.example.cn` }),
    officer(office, `${office}-DIRECT`, ['directly-responsible'], { sms: `+86${office}01` }),
    officer(office, `${office}-DAY`, ['duty-officer'], { sms: `+86${office}02`, email: `day@${office}.example.cn` }),
    officer(office, `${office}-NIGHT`, ['duty-officer'], { webhook: `https://${office}.example.cn/hook` }),
  ]),
  roster: offices.flatMap((office) => [
    { office, personId: `${office}-DAY`, from: '08:00', to: '20:00' },
    { office, personId: `${office}-NIGHT`, from: '20:00', to: '08:00' },
  ]),
});

const setUp = async (start = T0, offices: string[] = [COUNTY, CITY, '110000', '000000']) => {
  const incidents = new InMemoryIncidentStore();
  const clock = new FakeClock(start);
  const policy = policyByName('national');
  let next = 0;
  const drills = new InMemoryDrillStore();
  const submit = makeSubmitReport({
    incidents,
    clock,
    policy,
    drills,
    ids: { incidentId: () => `INC-20261122-${String(++next).padStart(8, '0')}`, unique: () => `u-${next}` },
  });
  const appendEvents = makeAppendEvents({ incidents, clock, policy });
  const directory = new InMemoryOfficerDirectory();
  const { officers, roster } = officesOf(...offices);
  await directory.replaceOffices(offices, officers, roster, clock.now());
  const publisher = new RecordingPublisher();
  const notify = makeNotifyOfficers({ incidents, directory, publisher, appendEvents });
  const checkDeadline = makeCheckDeadline({ appendEvents });
  const schema = makeReportBodySchema(() => clock.now().getTime());
  const unit: Actor = { sub: 'unit-110101', role: 'reporter', region: COUNTY, unit: 'U-1' };

  /** An initial report from 东城区, learned of 20 minutes before it arrives. */
  const report = async (changes: Body = {}) => {
    const now = clock.now().getTime();
    const body = schema.parse(
      reportWith({
        occurredAt: new Date(now - 30 * MINUTE).toISOString(),
        learnedAt: new Date(now - 20 * MINUTE).toISOString(),
        ...changes,
      }),
    );
    return (await submit({ actor: unit, report: body })).response;
  };

  const eventOf = <T extends IncidentEvent['type']>(type: T, incidentId = FIRST) => {
    const found = incidents.eventsOf(incidentId).find((e) => e.type === type);
    if (!found) throw new Error(`no ${type} in ${incidentId}`);
    return found as Extract<IncidentEvent, { type: T }>;
  };
  const notifications = (incidentId = FIRST) =>
    incidents.eventsOf(incidentId).filter((e) => e.type === 'NotificationSent' || e.type === 'NotificationFailed');

  return {
    incidents,
    clock,
    directory,
    publisher,
    notify,
    checkDeadline,
    report,
    eventOf,
    notifications,
    drills,
    appendEvents,
  };
};

describe('notifying the officers an event calls for', () => {
  it('opens every message and SMS about a drill exercise with 【演练】[Drill], and no real one', async () => {
    // PREPARE: a drill covering Dongcheng, one exercise and one real report.
    const { report, eventOf, notify, publisher, drills, clock } = await setUp();
    const city: Actor = { sub: 'office-110100', role: 'office', region: CITY, level: 'city' };
    const request = { title: 'drill', region: CITY, startsAt: T0, endsAt: '2026-11-22T02:00:00.000Z', policy: 'drill' };
    await drills.create(planDrill(request, city, clock.now()));
    await report({ grade: 'IV', exercise: true });
    await report({ grade: 'IV' });

    // ACT
    await notify(eventOf('ObligationOpened', FIRST));
    await notify(eventOf('ObligationOpened', 'INC-20261122-00000002'));

    // ASSESS
    const [exercise, real] = publisher.published;
    expect(exercise?.text.startsWith('【演练】[Drill] INC-20261122-00000001')).toBe(true);
    expect(exercise?.brief?.startsWith('【演练】[Drill] ')).toBe(true);
    expect(real?.text.startsWith('INC-20261122-00000002')).toBe(true);
    expect(real?.brief).not.toContain('演练');
  });

  it('tells the holder office’s duty officer on shift of a new report, and records who was told', async () => {
    // PREPARE
    const { report, eventOf, notify, publisher, notifications } = await setUp();
    await report({ grade: 'IV' });
    const opened = eventOf('ObligationOpened');
    expect(opened.data.obligation.office).toBe(COUNTY);

    // ACT
    const outcomes = await notify(opened);

    // ASSESS
    expect(outcomes).toEqual([{ kind: 'report-arrived', outcome: 'sent' }]);
    expect(publisher.published.map((n) => [n.personId, n.office, n.role])).toEqual([
      [`${COUNTY}-DAY`, COUNTY, 'duty-officer'],
    ]);
    expect(publisher.published[0]).toMatchObject({
      kind: 'report-arrived',
      incidentId: FIRST,
      officeLevel: 'county',
      grade: 'IV',
      regions: { province: '110000', city: CITY, county: COUNTY },
      channels: ['email', 'sms'],
    });
    expect(notifications()).toEqual([
      expect.objectContaining({
        type: 'NotificationSent',
        actor: SYSTEM_ACTOR,
        data: {
          key: `${opened.seq}:report-arrived`,
          aboutSeq: opened.seq,
          kind: 'report-arrived',
          recipients: [
            {
              office: COUNTY,
              role: 'duty-officer',
              personId: `${COUNTY}-DAY`,
              channels: ['email', 'sms'],
              messageId: 'msg-1',
            },
          ],
        },
      }),
    ]);
  });

  it('writes a message naming the incident, grade, place, figures, deadline and what to do', async () => {
    // PREPARE
    const { report, eventOf, notify, publisher, incidents } = await setUp();
    await report({ grade: 'IV' });
    const opened = eventOf('ObligationOpened');

    // ACT
    await notify(opened);

    // ASSESS: due two hours after 09:00, to the city office above
    const expected =
      `${FIRST}: grade IV accident (mine flooding) in 110101 东城区, 0 dead, 1 missing, 2 injured. ` +
      'Your office must report it to 110100 北京市市辖区 by 11:00 (China time). ' +
      `Act: POST /v1/incidents/${FIRST}/forward (acknowledge first with /acknowledge).`;
    expect(publisher.published[0]?.text).toBe(expected);
    const state = incidents.headOf(FIRST);
    if (!state) throw new Error('no head');
    expect(messageFor('report-arrived', opened, state)).toBe(expected);
  });

  describe('a missed deadline, on either side of the 08:00 shift change (China time)', () => {
    it.each([
      { at: '2026-11-21T23:59:00.000Z', china: '07:59', duty: `${CITY}-NIGHT` },
      { at: '2026-11-22T00:01:00.000Z', china: '08:01', duty: `${CITY}-DAY` },
    ])('at $china goes to $duty and the late office’s responsible persons', async ({ at, duty }) => {
      // PREPARE: the county office got the report at 05:30 and had until 07:30
      const { report, clock, checkDeadline, eventOf, notify, publisher, notifications } = await setUp(DAWN);
      await report({ grade: 'IV' });
      clock.set(at);
      const outcome = await checkDeadline({ incidentId: FIRST, obligationId: `${FIRST}-${COUNTY}-countyToCity` });
      expect(outcome.outcome).toBe('missed');
      const missed = eventOf('DeadlineMissed');
      expect(missed.at).toBe(at);

      // ACT
      const outcomes = await notify(missed);

      // ASSESS
      expect(outcomes).toEqual([{ kind: 'deadline-missed', outcome: 'sent' }]);
      expect(publisher.published.map((n) => [n.office, n.role, n.personId, n.officeLevel])).toEqual([
        [COUNTY, 'first-responsible', `${COUNTY}-FIRST`, 'county'],
        [COUNTY, 'directly-responsible', `${COUNTY}-DIRECT`, 'county'],
        [CITY, 'duty-officer', duty, 'city'],
      ]);
      expect(publisher.published[0]?.text).toBe(
        `Deadline missed — ${FIRST}: grade IV accident (mine flooding) in 110101 东城区, 0 dead, 1 missing, ` +
          '2 injured. 110101 东城区 did not report it by 07:30; it has been escalated past that office. ' +
          'Late reports are recorded against the responsible persons.',
      );
      expect(notifications()).toEqual([
        expect.objectContaining({
          type: 'NotificationSent',
          data: expect.objectContaining({
            key: `${missed.seq}:deadline-missed`,
            recipients: [
              expect.objectContaining({ personId: `${COUNTY}-FIRST`, messageId: 'msg-1' }),
              expect.objectContaining({ personId: `${COUNTY}-DIRECT`, messageId: 'msg-2' }),
              expect.objectContaining({ personId: duty, messageId: 'msg-3' }),
            ],
          }),
        }),
      ]);
    });
  });

  describe('a directory change taking effect at 08:00 (China time), told after it either way', () => {
    it.each([
      { at: '2026-11-21T23:59:59.000Z', china: '07:59:59', first: `${COUNTY}-FIRST`, duty: `${CITY}-NIGHT` },
      { at: '2026-11-22T00:00:00.000Z', china: '08:00', first: `${COUNTY}-SUCCESSOR`, duty: `${CITY}-RELIEF` },
    ])('a miss at $china goes to the persons on record then: $first and $duty', async ({ at, first, duty }) => {
      // PREPARE: imported before either miss, effective 08:00: the county's first responsible
      // person hands over to a successor, and the city's roster gives the whole day to a relief.
      const { report, clock, checkDeadline, eventOf, notify, publisher, directory } = await setUp(DAWN);
      const { officers, roster } = officesOf(COUNTY, CITY);
      const eight = new Date('2026-11-22T00:00:00.000Z');
      await directory.replaceOffices(
        [COUNTY, CITY],
        [
          ...officers.filter((o) => o.personId !== `${COUNTY}-FIRST`),
          officer(COUNTY, `${COUNTY}-SUCCESSOR`, ['first-responsible'], { email: `next@${COUNTY}.example.cn` }),
          officer(CITY, `${CITY}-RELIEF`, ['duty-officer'], { sms: `+86${CITY}09` }),
        ],
        [
          ...roster.filter((s) => s.office === COUNTY),
          { office: CITY, personId: `${CITY}-RELIEF`, from: '00:00', to: '00:00' },
        ],
        eight,
      );
      await report({ grade: 'IV' });
      clock.set(at);
      await checkDeadline({ incidentId: FIRST, obligationId: `${FIRST}-${COUNTY}-countyToCity` });
      const missed = eventOf('DeadlineMissed');
      // Delivered late, after the change: who is told follows the event's time, not the delivery's.
      clock.set('2026-11-22T01:00:00.000Z');

      // ACT
      await notify(missed);

      // ASSESS
      expect(publisher.published.map((n) => [n.role, n.personId])).toEqual([
        ['first-responsible', first],
        ['directly-responsible', `${COUNTY}-DIRECT`],
        ['duty-officer', duty],
      ]);
    });
  });

  it('publishes a redelivered event once and records one NotificationSent', async () => {
    // PREPARE
    const { report, eventOf, notify, publisher, notifications } = await setUp();
    await report({ grade: 'IV' });
    const opened = eventOf('ObligationOpened');
    await notify(opened);

    // ACT
    const again = await notify(opened);

    // ASSESS
    expect(again).toEqual([{ kind: 'report-arrived', outcome: 'skipped' }]);
    expect(publisher.published).toHaveLength(1);
    expect(notifications().map((e) => e.type)).toEqual(['NotificationSent']);
  });

  it('records a failed publish as to be retried and rethrows it, then records the later delivery', async () => {
    // PREPARE
    const { report, eventOf, notify, publisher, notifications } = await setUp();
    await report({ grade: 'IV' });
    const opened = eventOf('ObligationOpened');
    publisher.failures = 1;

    // ACT
    const failed = notify(opened);

    // ASSESS: the error reaches the queue consumer, so SQS delivers the message again
    await expect(failed).rejects.toThrow('SNS is throttling');
    expect(publisher.published).toEqual([]);
    expect(notifications()).toEqual([
      expect.objectContaining({
        type: 'NotificationFailed',
        data: {
          key: `${opened.seq}:report-arrived`,
          aboutSeq: opened.seq,
          kind: 'report-arrived',
          reason: 'SNS is throttling',
          willRetry: true,
        },
      }),
    ]);

    // ACT: the redelivery
    const outcomes = await notify(opened);

    // ASSESS
    expect(outcomes).toEqual([{ kind: 'report-arrived', outcome: 'sent' }]);
    expect(publisher.published.map((n) => n.personId)).toEqual([`${COUNTY}-DAY`]);
    expect(notifications().map((e) => e.type)).toEqual(['NotificationFailed', 'NotificationSent']);
  });

  it('records that nobody could be told when no officer is on record, and publishes nothing', async () => {
    // PREPARE: the directory knows only a far-away office
    const { report, eventOf, notify, publisher, notifications } = await setUp(T0, ['310101']);
    await report({ grade: 'IV' });
    const opened = eventOf('ObligationOpened');

    // ACT
    const outcomes = await notify(opened);

    // ASSESS
    expect(outcomes).toEqual([
      { kind: 'report-arrived', outcome: 'nobody', unreached: [{ office: COUNTY, role: 'duty-officer' }] },
    ]);
    expect(publisher.published).toEqual([]);
    expect(notifications()).toEqual([
      expect.objectContaining({
        type: 'NotificationFailed',
        data: {
          key: `${opened.seq}:report-arrived:${COUNTY}/duty-officer`,
          aboutSeq: opened.seq,
          kind: 'report-arrived',
          reason: 'no officer on record for duty-officer of 110101',
          willRetry: false,
        },
      }),
    ]);
  });

  it('records a notification nobody can receive once, however often the event is delivered', async () => {
    // PREPARE
    const { report, eventOf, notify, notifications } = await setUp(T0, ['310101']);
    await report({ grade: 'IV' });
    const opened = eventOf('ObligationOpened');

    // ACT
    await notify(opened);
    const again = await notify(opened);

    // ASSESS
    expect(again).toEqual([{ kind: 'report-arrived', outcome: 'skipped' }]);
    expect(notifications().filter((e) => e.type === 'NotificationFailed')).toHaveLength(1);
  });

  it('does nothing for an event that calls for nobody', async () => {
    // PREPARE: a final report closes the incident
    const { report, eventOf, notify, publisher, notifications, incidents } = await setUp();
    await report({ grade: 'IV' });
    await report({ kind: 'final', incidentId: FIRST, grade: undefined });
    const closed = eventOf('IncidentClosed');
    const appendsBefore = incidents.appends;

    // ACT
    const outcomes = await notify(closed);

    // ASSESS
    expect(outcomes).toEqual([]);
    expect(publisher.published).toEqual([]);
    expect(notifications()).toEqual([]);
    expect(incidents.appends).toBe(appendsBefore);
  });
});

describe('an addressee with nobody on record, beside addressees with someone', () => {
  it('records a grade I incident’s national duty office as not told, beside the province told', async () => {
    // PREPARE: the province has duty officers; the national directory is empty.
    const { report, eventOf, notify, publisher, notifications } = await setUp(T0, [COUNTY, CITY, '110000']);
    await report({ grade: 'I' });
    const submitted = eventOf('ReportSubmitted');

    // ACT
    const outcomes = await notify(submitted);

    // ASSESS
    expect(outcomes).toEqual([
      { kind: 'grave-incident', outcome: 'sent', unreached: [{ office: '000000', role: 'duty-officer' }] },
    ]);
    expect(publisher.published.map((n) => n.personId)).toEqual(['110000-DAY']);
    expect(notifications().map((e) => [e.type, e.data])).toEqual([
      [
        'NotificationSent',
        {
          key: `${submitted.seq}:grave-incident`,
          aboutSeq: submitted.seq,
          kind: 'grave-incident',
          recipients: [
            {
              office: '110000',
              role: 'duty-officer',
              personId: '110000-DAY',
              channels: ['email', 'sms'],
              messageId: 'msg-1',
            },
          ],
        },
      ],
      [
        'NotificationFailed',
        {
          key: `${submitted.seq}:grave-incident:000000/duty-officer`,
          aboutSeq: submitted.seq,
          kind: 'grave-incident',
          reason: 'no officer on record for duty-officer of 000000',
          willRetry: false,
        },
      ],
    ]);
  });

  it('records the superior office of a missed deadline as not told, and nothing twice on redelivery', async () => {
    // PREPARE: the county office missed its 07:30 deadline; the city office above has nobody.
    const { report, clock, checkDeadline, eventOf, notify, publisher, notifications } = await setUp(DAWN, [COUNTY]);
    await report({ grade: 'IV' });
    clock.set('2026-11-22T00:01:00.000Z');
    await checkDeadline({ incidentId: FIRST, obligationId: `${FIRST}-${COUNTY}-countyToCity` });
    const missed = eventOf('DeadlineMissed');

    // ACT
    await notify(missed);
    const again = await notify(missed);

    // ASSESS
    expect(again).toEqual([{ kind: 'deadline-missed', outcome: 'skipped' }]);
    expect(publisher.published.map((n) => n.personId)).toEqual([`${COUNTY}-FIRST`, `${COUNTY}-DIRECT`]);
    expect(notifications().map((e) => [e.type, e.data.key])).toEqual([
      ['NotificationSent', `${missed.seq}:deadline-missed`],
      ['NotificationFailed', `${missed.seq}:deadline-missed:${CITY}/duty-officer`],
    ]);
    expect(notifications()[1]?.data).toMatchObject({
      reason: `no officer on record for duty-officer of ${CITY}`,
      willRetry: false,
    });
  });

  it('records every addressee with nobody on record when nobody at all can be told, once', async () => {
    // PREPARE: neither the province nor the national duty office has anyone.
    const { report, eventOf, notify, publisher, notifications } = await setUp(T0, [COUNTY, CITY]);
    await report({ grade: 'II' });
    const submitted = eventOf('ReportSubmitted');

    // ACT
    const outcomes = await notify(submitted);
    const again = await notify(submitted);

    // ASSESS
    expect(outcomes).toEqual([
      {
        kind: 'grave-incident',
        outcome: 'nobody',
        unreached: [
          { office: '110000', role: 'duty-officer' },
          { office: '000000', role: 'duty-officer' },
        ],
      },
    ]);
    expect(again).toEqual([{ kind: 'grave-incident', outcome: 'skipped' }]);
    expect(publisher.published).toEqual([]);
    expect(notifications().map((e) => [e.type, e.data.key, 'reason' in e.data ? e.data.reason : ''])).toEqual([
      [
        'NotificationFailed',
        `${submitted.seq}:grave-incident:110000/duty-officer`,
        'no officer on record for duty-officer of 110000',
      ],
      [
        'NotificationFailed',
        `${submitted.seq}:grave-incident:000000/duty-officer`,
        'no officer on record for duty-officer of 000000',
      ],
    ]);
  });

  it('tells a person whom two rules name once', async () => {
    // PREPARE: the county's first responsible person is also its directly responsible person.
    const { report, clock, checkDeadline, eventOf, notify, publisher, directory } = await setUp(DAWN);
    const [{ officers, roster }] = (await directory.ofOffice(COUNTY)).versions as [DirectoryVersion];
    await directory.replaceOffices(
      [COUNTY],
      officers
        .filter((o) => o.personId !== `${COUNTY}-DIRECT`)
        .map((o) =>
          o.personId === `${COUNTY}-FIRST` ? { ...o, roles: ['first-responsible', 'directly-responsible'] } : o,
        ),
      roster,
      clock.now(),
    );
    await report({ grade: 'IV' });
    clock.set('2026-11-22T00:01:00.000Z');
    await checkDeadline({ incidentId: FIRST, obligationId: `${FIRST}-${COUNTY}-countyToCity` });

    // ACT
    await notify(eventOf('DeadlineMissed'));

    // ASSESS
    expect(publisher.published.map((n) => [n.personId, n.role])).toEqual([
      [`${COUNTY}-FIRST`, 'first-responsible'],
      [`${CITY}-DAY`, 'duty-officer'],
    ]);
  });
});

describe('a publish that fails part-way', () => {
  /** A missed deadline at 08:01: three people to tell. */
  const missedDeadline = async () => {
    const context = await setUp(DAWN);
    await context.report({ grade: 'IV' });
    context.clock.set('2026-11-22T00:01:00.000Z');
    await context.checkDeadline({ incidentId: FIRST, obligationId: `${FIRST}-${COUNTY}-countyToCity` });
    return { ...context, missed: context.eventOf('DeadlineMissed') };
  };

  it('records who was told before the failure, and the retry tells only the others', async () => {
    // PREPARE: the second of three publishes fails.
    const { missed, notify, publisher, notifications } = await missedDeadline();
    publisher.failAfter = 1;

    // ACT
    const failed = await notify(missed).catch((error: unknown) => error);

    // ASSESS: the first person told is on record, with the failure.
    expect(failed).toEqual(new Error('SNS is throttling'));
    expect(notifications().map((e) => [e.type, e.data])).toEqual([
      [
        'NotificationSent',
        {
          key: `${missed.seq}:deadline-missed:${COUNTY}-FIRST`,
          aboutSeq: missed.seq,
          kind: 'deadline-missed',
          recipients: [
            {
              office: COUNTY,
              role: 'first-responsible',
              personId: `${COUNTY}-FIRST`,
              channels: ['email'],
              messageId: 'msg-1',
            },
          ],
        },
      ],
      [
        'NotificationFailed',
        {
          key: `${missed.seq}:deadline-missed`,
          aboutSeq: missed.seq,
          kind: 'deadline-missed',
          reason: 'SNS is throttling',
          willRetry: true,
        },
      ],
    ]);

    // ACT: the redelivery
    const outcomes = await notify(missed);

    // ASSESS: only the two not yet told, each once.
    expect(outcomes).toEqual([{ kind: 'deadline-missed', outcome: 'sent' }]);
    expect(publisher.published.map((n) => n.personId)).toEqual([`${COUNTY}-FIRST`, `${COUNTY}-DIRECT`, `${CITY}-DAY`]);
    const last = notifications().at(-1);
    expect(last?.type).toBe('NotificationSent');
    expect(last?.data).toEqual({
      key: `${missed.seq}:deadline-missed`,
      aboutSeq: missed.seq,
      kind: 'deadline-missed',
      recipients: [
        expect.objectContaining({ personId: `${COUNTY}-DIRECT`, messageId: 'msg-2' }),
        expect.objectContaining({ personId: `${CITY}-DAY`, messageId: 'msg-3' }),
      ],
    });
    expect(await notify(missed)).toEqual([{ kind: 'deadline-missed', outcome: 'skipped' }]);
    expect(publisher.published).toHaveLength(3);
  });

  it('records the failure of the last attempt as final, and leaves the notification open for a redrive', async () => {
    // PREPARE
    const { missed, notify, publisher, notifications, incidents } = await missedDeadline();
    publisher.failAfter = 1;

    // ACT
    await expect(notify(missed, { lastAttempt: true })).rejects.toThrow('SNS is throttling');

    // ASSESS
    expect(notifications().map((e) => [e.type, e.data.key])).toEqual([
      ['NotificationSent', `${missed.seq}:deadline-missed:${COUNTY}-FIRST`],
      ['NotificationFailed', `${missed.seq}:deadline-missed:dead-lettered`],
    ]);
    expect(notifications()[1]?.data).toMatchObject({
      reason: 'SNS is throttling; no attempt is left: the event is parked in the notification dead-letter queue',
      willRetry: false,
    });
    expect(incidents.headOf(FIRST)?.notified).not.toContain(`${missed.seq}:deadline-missed`);

    // ACT: an operator redrives the event from the dead-letter queue.
    await notify(missed);

    // ASSESS
    expect(publisher.published.map((n) => n.personId)).toEqual([`${COUNTY}-FIRST`, `${COUNTY}-DIRECT`, `${CITY}-DAY`]);
  });
});

describe('what notifying an event costs the incident store', () => {
  /** A missed deadline at 08:01 in a directory that has the county office only: two told, the city's duty office not. */
  const missedDeadline = async () => {
    const context = await setUp(DAWN, [COUNTY]);
    await context.report({ grade: 'IV' });
    context.clock.set('2026-11-22T00:01:00.000Z');
    await context.checkDeadline({ incidentId: FIRST, obligationId: `${FIRST}-${COUNTY}-countyToCity` });
    return { ...context, missed: context.eventOf('DeadlineMissed') };
  };
  const costOf = async (incidents: InMemoryIncidentStore, work: () => Promise<unknown>) => {
    const before = { reads: incidents.headReads, appends: incidents.appends, conflicts: incidents.conflicts };
    await work().catch(() => undefined);
    return {
      reads: incidents.headReads - before.reads,
      appends: incidents.appends - before.appends,
      conflicts: incidents.conflicts - before.conflicts,
    };
  };

  it('reads the head once and records every addressee with nobody on record in one write', async () => {
    // PREPARE: neither the province nor the national duty office has anyone.
    const { report, eventOf, notify, incidents, notifications } = await setUp(T0, [COUNTY, CITY]);
    await report({ grade: 'II' });

    // ACT
    const cost = await costOf(incidents, () => notify(eventOf('ReportSubmitted')));

    // ASSESS: both addressees together, on the head read to decide, not read again to append.
    expect(cost).toEqual({ reads: 1, appends: 1, conflicts: 0 });
    expect(notifications().map((e) => e.type)).toEqual(['NotificationFailed', 'NotificationFailed']);
  });

  it('reads the head again after telling people, and records them and the addressee with nobody in one write', async () => {
    // PREPARE
    const { missed, notify, incidents, notifications } = await missedDeadline();

    // ACT
    const cost = await costOf(incidents, () => notify(missed));

    // ASSESS: the SMS of those told are recorded on the same head, so it is read afresh to append.
    expect(cost).toEqual({ reads: 2, appends: 1, conflicts: 0 });
    expect(notifications().map((e) => e.type)).toEqual(['NotificationSent', 'NotificationFailed']);
  });

  it('reads the head once and writes nothing for a redelivered event', async () => {
    // PREPARE
    const { missed, notify, incidents, publisher } = await missedDeadline();
    await notify(missed);

    // ACT
    const cost = await costOf(incidents, () => notify(missed));

    // ASSESS
    expect(cost).toEqual({ reads: 1, appends: 0, conflicts: 0 });
    expect(publisher.published).toHaveLength(2);
  });

  it('records the people told before a failed publish and the failure in one write', async () => {
    // PREPARE: the second of the two publishes fails.
    const { missed, notify, incidents, publisher, notifications } = await missedDeadline();
    publisher.failAfter = 1;

    // ACT
    const cost = await costOf(incidents, () => notify(missed));

    // ASSESS
    expect(cost).toEqual({ reads: 2, appends: 1, conflicts: 0 });
    expect(notifications().map((e) => [e.type, e.data.key])).toEqual([
      ['NotificationSent', `${missed.seq}:deadline-missed:${COUNTY}-FIRST`],
      ['NotificationFailed', `${missed.seq}:deadline-missed:${CITY}/duty-officer`],
      ['NotificationFailed', `${missed.seq}:deadline-missed`],
    ]);
  });

  it('reads nothing for an event that calls for nobody', async () => {
    // PREPARE
    const { report, eventOf, notify, incidents } = await setUp();
    await report({ grade: 'IV' });

    // ACT
    const cost = await costOf(incidents, () => notify(eventOf('ReportSubmitted')));

    // ASSESS
    expect(cost).toEqual({ reads: 0, appends: 0, conflicts: 0 });
  });

  it('reads the head again when it moved before the record was appended, and records it once on it', async () => {
    // PREPARE: nobody on record anywhere; while the directory is read, something else is appended.
    const { report, eventOf, notify, incidents, notifications, directory, appendEvents } = await setUp(T0, []);
    await report({ grade: 'II' });
    const submitted = eventOf('ReportSubmitted');
    const ofOffice = directory.ofOffice.bind(directory);
    let moved = false;
    directory.ofOffice = async (office) => {
      if (!moved) {
        moved = true;
        await appendEvents(FIRST, SYSTEM_ACTOR, () => [
          {
            type: 'NotificationFailed',
            data: { aboutSeq: 1, kind: 'report-arrived', key: 'elsewhere', reason: 'test', willRetry: false },
          },
        ]);
      }
      return ofOffice(office);
    };

    // ACT
    const cost = await costOf(incidents, () => notify(submitted));

    // ASSESS: the stale head's write was refused, the fresh one read, and the record landed once after the other append.
    expect(cost).toEqual({ reads: 3, appends: 2, conflicts: 1 });
    expect(notifications().map((e) => e.data.key)).toEqual([
      'elsewhere',
      `${submitted.seq}:grave-incident:110000/duty-officer`,
      `${submitted.seq}:grave-incident:000000/duty-officer`,
    ]);
    expect(verifyChain(incidents.eventsOf(FIRST)).intact).toBe(true);
  });
});

describe('the SMS brief', () => {
  it('gives what, where, grade and deadline in at most 140 characters', async () => {
    // PREPARE
    const { report, eventOf, notify, publisher } = await setUp();
    await report({ grade: 'IV' });
    const opened = eventOf('ObligationOpened');

    // ACT
    await notify(opened);

    // ASSESS
    const brief = publisher.published[0]?.brief ?? '';
    expect(brief).toBe(
      `New report: ${FIRST}, grade IV accident, 110101 东城区. Report it to 110100 by 11:00 China time.`,
    );
    expect([...brief].length).toBeLessThanOrEqual(140);
  });

  it('fits a reminder and a missed deadline in 140 characters', async () => {
    // PREPARE: the county office misses its 11:00 deadline; a reminder would have come at 10:30.
    const { report, eventOf, incidents, clock, checkDeadline } = await setUp();
    await report({ grade: 'IV' });
    const opened = eventOf('ObligationOpened');
    const { obligation } = opened.data;
    const reminder = {
      ...opened,
      type: 'DeadlineWarned',
      data: {
        level: 'county',
        office: COUNTY,
        obligationId: obligation.obligationId,
        dueAt: obligation.dueAt,
        remainingMs: 30 * MINUTE,
      },
    } as IncidentEvent;
    clock.set('2026-11-22T03:01:00.000Z');
    await checkDeadline({ incidentId: FIRST, obligationId: obligation.obligationId });
    const state = incidents.headOf(FIRST);
    if (!state) throw new Error('no head');

    // ACT
    const briefs = [
      briefFor('deadline-reminder', reminder, state),
      briefFor('deadline-missed', eventOf('DeadlineMissed'), state),
    ];

    // ASSESS
    expect(briefs).toEqual([
      `Deadline reminder: ${FIRST}, grade IV accident, 110101 东城区. Report it up by 11:00 China time (30 min left).`,
      `Deadline missed: ${FIRST}, grade IV accident, 110101 东城区. 110101 missed 11:00 China time; escalated.`,
    ]);
    for (const brief of briefs) expect([...brief].length).toBeLessThanOrEqual(140);
  });
});

describe('notifying from the queue, with backoff', () => {
  /** The redelivery port in memory: a queue allowing `maxReceives`, recording every delay asked for. */
  class RecordingRedelivery implements Redelivery {
    readonly delays: { receiptHandle: string; seconds: number }[] = [];
    maxReceivesFails = false;
    delayFails = false;

    constructor(readonly max: number | undefined) {}

    async maxReceives(): Promise<number | undefined> {
      if (this.maxReceivesFails) throw new Error('AccessDenied: sqs:GetQueueAttributes');
      return this.max;
    }

    async delay(message: QueuedMessage, seconds: number): Promise<void> {
      if (this.delayFails) throw new Error('AccessDenied: sqs:ChangeMessageVisibility');
      this.delays.push({ receiptHandle: message.receiptHandle, seconds });
    }
  }

  const QUEUE = 'arn:aws:sqs:cn-north-1:123456789012:notify';
  const delivery = (event: IncidentEvent, receiveCount: number) => ({
    event,
    message: { queueArn: QUEUE, receiptHandle: `rh-${receiveCount}`, receiveCount },
  });

  it.each([
    [1, 30],
    [2, 60],
    [3, 120],
    [4, 240],
    [10, 15_360],
    [20, 43_200],
  ])('puts off the delivery after failed receive %i by %i s', (receiveCount, seconds) => {
    expect(retryDelaySeconds(receiveCount)).toBe(seconds);
  });

  it('puts off each failed delivery longer, and records the last as final without delaying it', async () => {
    // PREPARE: the queue allows five receives; SNS fails every time.
    const { report, eventOf, notify, publisher, notifications } = await setUp();
    await report({ grade: 'IV' });
    const opened = eventOf('ObligationOpened');
    const redelivery = new RecordingRedelivery(5);
    const warnings: string[] = [];
    const notifyQueued = makeNotifyQueuedEvent({ notify, redelivery, warn: (message) => warnings.push(message) });
    publisher.failures = 5;

    // ACT
    for (let receive = 1; receive <= 5; receive++) {
      await expect(notifyQueued(delivery(opened, receive))).rejects.toThrow('SNS is throttling');
    }

    // ASSESS
    expect(redelivery.delays).toEqual([
      { receiptHandle: 'rh-1', seconds: 30 },
      { receiptHandle: 'rh-2', seconds: 60 },
      { receiptHandle: 'rh-3', seconds: 120 },
      { receiptHandle: 'rh-4', seconds: 240 },
    ]);
    const failures = notifications().map((e) => (e.type === 'NotificationFailed' ? e.data.willRetry : e.type));
    expect(failures).toEqual([true, true, true, true, false]);
    expect(warnings).toEqual([]);
  });

  it('notifies a delivery that succeeds without touching its visibility', async () => {
    // PREPARE
    const { report, eventOf, notify } = await setUp();
    await report({ grade: 'IV' });
    const redelivery = new RecordingRedelivery(5);
    const notifyQueued = makeNotifyQueuedEvent({ notify, redelivery, warn: () => {} });

    // ACT
    const outcomes = await notifyQueued(delivery(eventOf('ObligationOpened'), 2));

    // ASSESS
    expect(outcomes).toEqual([{ kind: 'report-arrived', outcome: 'sent' }]);
    expect(redelivery.delays).toEqual([]);
  });

  it('still fails the delivery, saying why, when the queue cannot be asked to wait or to tell its limit', async () => {
    // PREPARE
    const { report, eventOf, notify, publisher, notifications } = await setUp();
    await report({ grade: 'IV' });
    const redelivery = new RecordingRedelivery(5);
    redelivery.maxReceivesFails = true;
    redelivery.delayFails = true;
    const warnings: string[] = [];
    const notifyQueued = makeNotifyQueuedEvent({ notify, redelivery, warn: (message) => warnings.push(message) });
    publisher.failures = 1;

    // ACT
    const failed = notifyQueued(delivery(eventOf('ObligationOpened'), 5));

    // ASSESS: the publish error reaches the queue; without the limit, the failure is not final.
    await expect(failed).rejects.toThrow('SNS is throttling');
    expect(warnings).toEqual([
      'could not read the queue’s redrive policy: no attempt is known to be the last',
      'could not put off the next delivery: it comes after the queue’s visibility timeout',
    ]);
    expect(notifications().map((e) => e.type === 'NotificationFailed' && e.data.willRetry)).toEqual([true]);
  });
});
