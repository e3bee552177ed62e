/**
 * Importing the officer directory and syncing the officers' delivery subscriptions with it, against
 * in-memory fakes of the directory and of the topic's subscriptions.
 */
import { describe, expect, it } from 'vitest';
import { subscriptionsFor } from '../../shared/application/officer-subscriptions';
import { makeImportOfficers, SubscriptionSyncFailed } from '../../shared/application/officers';
import { ValidationError } from '../../shared/domain/errors';
import type { DeadLetteringSubscriptionRegistry } from '../../shared/ports/officer-subscriptions';
import { directoryRows, validateDirectory } from '../../shared/schemas/officers';
import { FakeClock } from '../fakes/fake-clock';
import { InMemoryOfficerDirectory } from '../fakes/in-memory-officer-directory';
import { InMemorySubscriptionRegistry } from '../fakes/in-memory-subscription-registry';

const DONGCHENG = '110101';
const XICHENG = '110102';
const DEAD_LETTERS = 'arn:aws:sqs:cn-north-1:123456789012:officer-delivery-dlq';

/** The in-memory registry, able to set a subscription's dead-letter target in place, as SNS can. */
class InMemoryDeadLetteringRegistry extends InMemorySubscriptionRegistry implements DeadLetteringSubscriptionRegistry {
  async setDeadLetterTarget(arn: string, deadLetterTarget: string) {
    const subscription = this.subscriptions.get(arn);
    if (!subscription) throw new Error(`NotFound: ${arn}`);
    this.calls.push(`set dead-letter target ${subscription.protocol} ${subscription.endpoint}`);
    this.subscriptions.set(arn, { ...subscription, deadLetterTarget });
  }
}

/** An officer who holds every role of a small office: leader, leader in charge and duty officer. */
const officer = (office: string, personId: string, channels: Record<string, string>) => ({
  office,
  personId,
  name: personId,
  roles: ['first-responsible', 'directly-responsible', 'duty-officer'],
  ...channels,
});

/**
 * A directory file's rows, as the CLI and the function read them: the officers, and each office's
 * first officer on duty all day (a shift from midnight to midnight).
 */
const file = (...officers: ReturnType<typeof officer>[]) => {
  const roster = [...new Map(officers.map((o) => [o.office, o.personId]))].map(([office]) => {
    const first = officers.find((o) => o.office === office);
    return { office, personId: first?.personId, from: '00:00', to: '00:00' };
  });
  return directoryRows(JSON.stringify({ officers, roster }), 'json').rows;
};

const NOW = '2026-12-01T00:00:00.000Z';
/** Every import here takes effect now, so each file is a new version at the same instant as the last. */
const clock = new FakeClock(NOW);

const setUp = () => {
  const directory = new InMemoryOfficerDirectory();
  const registry = new InMemorySubscriptionRegistry();
  return { directory, registry, importOfficers: makeImportOfficers({ directory, clock, subscriptions: registry }) };
};

describe('importing the officer directory', () => {
  it('refuses a file with a bad row whole: every problem by line, nothing written, nothing subscribed', async () => {
    // PREPARE
    const { directory, registry, importOfficers } = setUp();
    const rows = file(
      officer(DONGCHENG, 'P-1', { email: 'one@dongcheng.example.cn' }),
      officer(DONGCHENG, 'P-2', { email: 'not-an-email' }),
      officer('999999', 'P-3', { sms: '+8613800000003' }),
    );

    // ACT
    const refused = await importOfficers(rows).catch((error: unknown) => error);

    // ASSESS
    expect(refused).toBeInstanceOf(ValidationError);
    expect((refused as ValidationError).details?.map((d) => d.problem)).toEqual([
      'officers[1]: email: is not an email address',
      'officers[2]: office: is not a GB/T 2260 region code (or 000000)',
      'roster[1]: office: is not a GB/T 2260 region code (or 000000)',
    ]);
    expect(directory.replacements).toBe(0);
    expect(registry.calls).toEqual([]);
  });

  it('imports the directory and subscribes each channel, filtered on its officer', async () => {
    const { directory, registry, importOfficers } = setUp();

    const result = await importOfficers(
      file(
        officer(DONGCHENG, 'P-1', { email: 'one@dongcheng.example.cn', sms: '+8613800000001' }),
        officer(DONGCHENG, 'P-2', { webhook: 'https://duty.dongcheng.example.cn/hook' }),
      ),
    );

    expect(result).toEqual({
      offices: 1,
      effectiveAt: NOW,
      officers: 2,
      shifts: 1,
      subscriptions: { added: 3, kept: 0, removed: 0 },
    });
    expect((await directory.ofOffice(DONGCHENG)).versions.at(-1)?.officers.map((o) => o.personId)).toEqual([
      'P-1',
      'P-2',
    ]);
    expect(registry.summary()).toEqual([
      'email one@dongcheng.example.cn → P-1',
      'https https://duty.dongcheng.example.cn/hook → P-2',
      'sms +8613800000001 → P-1',
    ]);
  });

  it('changes nothing when the same file is imported again', async () => {
    const { registry, importOfficers } = setUp();
    const rows = file(officer(DONGCHENG, 'P-1', { email: 'one@dongcheng.example.cn', sms: '+8613800000001' }));
    await importOfficers(rows);
    const callsBefore = registry.calls.length;

    const again = await importOfficers(rows);

    expect(again.subscriptions).toEqual({ added: 0, kept: 2, removed: 0 });
    expect(registry.calls).toHaveLength(callsBefore);
  });

  it('decides only for the offices the file names: a leaver is unsubscribed, other offices are left alone', async () => {
    // PREPARE: both districts imported; 西城 keeps its officer, and the topic has an archive-like
    // subscription nobody in the directory owns.
    const { registry, importOfficers } = setUp();
    await importOfficers(
      file(
        officer(DONGCHENG, 'P-OLD', { sms: '+8613800000009' }),
        officer(XICHENG, 'P-X', { email: 'x@xicheng.example.cn' }),
      ),
    );
    registry.seed('email', 'ops@example.cn');

    // ACT: 东城's new directory, without P-OLD.
    const result = await importOfficers(file(officer(DONGCHENG, 'P-NEW', { sms: '+8613800000002' })));

    // ASSESS
    expect(result.subscriptions).toEqual({ added: 1, kept: 0, removed: 1 });
    expect(registry.summary()).toEqual([
      'email ops@example.cn → ',
      'email x@xicheng.example.cn → P-X',
      'sms +8613800000002 → P-NEW',
    ]);
  });

  it('keeps an officer of another office on the endpoint they share with the office imported', async () => {
    // PREPARE: a duty-room phone both districts' duty officers registered.
    const { registry, importOfficers } = setUp();
    await importOfficers(
      file(officer(DONGCHENG, 'P-A', { sms: '+8610000000000' }), officer(XICHENG, 'P-B', { sms: '+8610000000000' })),
    );
    expect(registry.summary()).toEqual(['sms +8610000000000 → P-A,P-B']);

    // ACT: 东城's duty officer changes; the phone stays.
    const result = await importOfficers(file(officer(DONGCHENG, 'P-C', { sms: '+8610000000000' })));

    // ASSESS: SNS holds one subscription per endpoint, so its filter is replaced as a whole.
    expect(result.subscriptions).toEqual({ added: 1, kept: 0, removed: 1 });
    expect(registry.summary()).toEqual(['sms +8610000000000 → P-B,P-C']);
  });

  it('subscribes an endpoint several officers registered once, filtered on all of them', () => {
    expect(
      subscriptionsFor([
        {
          office: DONGCHENG,
          personId: 'P-2',
          name: 'P-2',
          roles: ['duty-officer'],
          endpoints: { sms: '+8610000000000' },
        },
        {
          office: DONGCHENG,
          personId: 'P-1',
          name: 'P-1',
          roles: ['duty-officer'],
          endpoints: { sms: '+8610000000000' },
        },
      ]),
    ).toEqual([{ protocol: 'sms', endpoint: '+8610000000000', filterPolicy: { personId: ['P-1', 'P-2'] } }]);
  });

  it('says the directory was imported when the sync fails half-way, and a second run finishes it', async () => {
    // PREPARE
    const { directory, registry, importOfficers } = setUp();
    const rows = file(officer(DONGCHENG, 'P-1', { email: 'one@dongcheng.example.cn', sms: '+8613800000001' }));
    registry.failAfter = 1;

    // ACT
    const failed = await importOfficers(rows).catch((error: unknown) => error);
    registry.failAfter = Number.POSITIVE_INFINITY;
    const retried = await importOfficers(rows);

    // ASSESS
    expect(failed).toBeInstanceOf(SubscriptionSyncFailed);
    expect((failed as SubscriptionSyncFailed).imported).toEqual({
      offices: 1,
      effectiveAt: NOW,
      officers: 1,
      shifts: 1,
    });
    expect((failed as Error).message).toMatch(
      /was imported .* syncing the officers' subscriptions failed: Rate exceeded/,
    );
    expect(directory.replacements).toBe(2);
    expect(retried.subscriptions).toEqual({ added: 1, kept: 1, removed: 0 });
    expect(registry.summary()).toEqual(['email one@dongcheng.example.cn → P-1', 'sms +8613800000001 → P-1']);
  });

  it('subscribes every channel with the dead-letter queue, and points those made before it at it in place', async () => {
    // PREPARE: 东城 imported before there was a dead-letter queue.
    const directory = new InMemoryOfficerDirectory();
    const registry = new InMemoryDeadLetteringRegistry();
    const rows = file(officer(DONGCHENG, 'P-1', { email: 'one@dongcheng.example.cn', sms: '+8613800000001' }));
    await makeImportOfficers({ directory, clock, subscriptions: registry })(rows);
    const arnsBefore = [...registry.subscriptions.keys()];
    registry.calls.length = 0;
    const importOfficers = makeImportOfficers({
      directory,
      clock,
      subscriptions: registry,
      deadLetterTarget: DEAD_LETTERS,
    });

    // ACT: the same file again, and a newcomer's.
    const again = await importOfficers(rows);
    const newcomer = await importOfficers(
      file(officer(XICHENG, 'P-X', { webhook: 'https://duty.xicheng.example.cn' })),
    );

    // ASSESS: the subscriptions of before are the same ones (an email owner need not confirm again).
    expect(again.subscriptions).toEqual({ added: 0, kept: 0, removed: 0, updated: 2 });
    expect(newcomer.subscriptions).toEqual({ added: 1, kept: 0, removed: 0, updated: 0 });
    expect(registry.calls).toEqual([
      'set dead-letter target email one@dongcheng.example.cn',
      'set dead-letter target sms +8613800000001',
      'subscribe https https://duty.xicheng.example.cn',
    ]);
    expect([...registry.subscriptions.keys()].slice(0, 2)).toEqual(arnsBefore);
    expect([...registry.subscriptions.values()].map((s) => [s.endpoint, s.deadLetterTarget])).toEqual([
      ['one@dongcheng.example.cn', DEAD_LETTERS],
      ['+8613800000001', DEAD_LETTERS],
      ['https://duty.xicheng.example.cn', DEAD_LETTERS],
    ]);
  });

  it('only writes the directory when it is given no subscriptions to sync', async () => {
    const directory = new InMemoryOfficerDirectory();

    const result = await makeImportOfficers({ directory, clock })(
      file(officer(DONGCHENG, 'P-1', { email: 'one@dongcheng.example.cn' })),
    );

    expect(result).toEqual({ offices: 1, effectiveAt: NOW, officers: 1, shifts: 1 });
  });
});

describe('an office the import cannot notify', () => {
  /** Refuses `rows` and answers the problems it names; the directory is not touched. */
  const problemsOf = async (rows: ReturnType<typeof directoryRows>['rows']) => {
    const { directory, registry, importOfficers } = setUp();
    const refused = await importOfficers(rows).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(ValidationError);
    expect(directory.replacements).toBe(0);
    expect(registry.calls).toEqual([]);
    return (refused as ValidationError).details?.map((d) => d.problem);
  };

  it('refuses an office with officers but no roster, and one missing a role, at the office’s first row', async () => {
    // PREPARE: 东城 has only a duty officer and no roster; 西城 is complete.
    const rows = directoryRows(
      JSON.stringify({
        officers: [
          { office: DONGCHENG, personId: 'P-1', name: '赵', roles: ['duty-officer'], sms: '+8613800000001' },
          officer(XICHENG, 'P-2', { sms: '+8613800000002' }),
        ],
        roster: [{ office: XICHENG, personId: 'P-2', from: '00:00', to: '00:00' }],
      }),
      'json',
    ).rows;

    // ACT
    const problems = await problemsOf(rows);

    // ASSESS
    expect(problems).toEqual([
      'officers[0]: office 110101 names nobody as first-responsible',
      'officers[0]: office 110101 names nobody as directly-responsible',
      'officers[0]: office 110101: nobody is on duty at any time of day',
    ]);
  });

  it('names each stretch of the day a roster leaves uncovered', async () => {
    // PREPARE: days 08:00–20:00 and 21:00–07:00 leave two gaps, one an hour, one the hour of 20:00.
    const rows = directoryRows(
      JSON.stringify({
        officers: [officer(DONGCHENG, 'P-1', { sms: '+8613800000001' })],
        roster: [
          { office: DONGCHENG, personId: 'P-1', from: '08:00', to: '20:00' },
          { office: DONGCHENG, personId: 'P-1', from: '21:00', to: '07:00' },
        ],
      }),
      'json',
    ).rows;

    // ACT
    const problems = await problemsOf(rows);

    // ASSESS
    expect(problems).toEqual([
      'officers[0]: office 110101: nobody is on duty from 07:00 to 08:00, from 20:00 to 21:00',
    ]);
  });

  it('does not count the shift of somebody the file does not name', async () => {
    // PREPARE: the night shift is P-9's, who is nobody of 东城 in this file.
    const rows = directoryRows(
      [
        'kind,office,personId,name,roles,email,sms,webhook,from,to',
        'officer,110101,P-1,张三,first-responsible|directly-responsible|duty-officer,,+8613800000001,,,',
        'shift,110101,P-1,,,,,,08:00,20:00',
        'shift,110101,P-9,,,,,,20:00,08:00',
      ].join('\n'),
      'csv',
    ).rows;

    // ACT
    const problems = await problemsOf(rows);

    // ASSESS
    expect(problems).toEqual([
      'line 4: shift of P-9 names nobody of office 110101 in this file',
      'line 2: office 110101: nobody is on duty from 20:00 to 08:00',
    ]);
  });
});

describe('reading a directory file', () => {
  it('names JSON rows by their list and position, so an officer and a shift are never both "line 1"', () => {
    // ACT
    const { rows } = directoryRows(JSON.stringify({ officers: [{}, {}], roster: [{}] }), 'json');

    // ASSESS
    expect(rows.map((r) => [r.where, r.kind])).toEqual([
      ['officers[0]', 'officer'],
      ['officers[1]', 'officer'],
      ['roster[0]', 'shift'],
    ]);
  });

  it('reads a CSV saved with a byte-order mark, as spreadsheets save "CSV UTF-8"', () => {
    // PREPARE
    const csv = [
      'kind,office,personId,name,roles,email,sms,webhook,from,to',
      'officer,110101,P-1,张三,first-responsible|directly-responsible|duty-officer,,+8613800000001,,,',
      'shift,110101,P-1,,,,,,00:00,00:00',
    ].join('\r\n');

    // ACT
    const { rows, problems } = directoryRows(`\uFEFF${csv}`, 'csv');

    // ASSESS
    expect(problems).toEqual([]);
    expect(rows.map((r) => r.where)).toEqual(['line 2', 'line 3']);
    expect(validateDirectory(rows).problems).toEqual([]);
  });
});
