/**
 * Importing the officer directory and syncing the officers' delivery subscriptions with it, against
 * in-memory fakes of the directory and of the topic's subscriptions.
 */
import { describe, expect, it } from 'vitest';
import { subscriptionsFor } from '../../shared/application/officer-subscriptions';
import { makeImportOfficers, SubscriptionSyncFailed } from '../../shared/application/officers';
import { ValidationError } from '../../shared/domain/errors';
import { directoryRows } from '../../shared/schemas/officers';
import { InMemoryOfficerDirectory } from '../fakes/in-memory-officer-directory';
import { InMemorySubscriptionRegistry } from '../fakes/in-memory-subscription-registry';

const DONGCHENG = '110101';
const XICHENG = '110102';

const officer = (office: string, personId: string, channels: Record<string, string>) => ({
  office,
  personId,
  name: personId,
  roles: ['duty-officer'],
  ...channels,
});

/** A directory file's rows, as the CLI and the function read them. */
const file = (...officers: ReturnType<typeof officer>[]) =>
  directoryRows(JSON.stringify({ officers, roster: [] }), 'json').rows;

const setUp = () => {
  const directory = new InMemoryOfficerDirectory();
  const registry = new InMemorySubscriptionRegistry();
  return { directory, registry, importOfficers: makeImportOfficers({ directory, subscriptions: registry }) };
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
      'line 2: email: is not an email address',
      'line 3: office: is not a GB/T 2260 region code (or 000000)',
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
      officers: 2,
      shifts: 0,
      subscriptions: { added: 3, kept: 0, removed: 0 },
    });
    expect((await directory.ofOffice(DONGCHENG)).officers.map((o) => o.personId)).toEqual(['P-1', 'P-2']);
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
    expect((failed as SubscriptionSyncFailed).imported).toEqual({ offices: 1, officers: 1, shifts: 0 });
    expect((failed as Error).message).toMatch(
      /was imported .* syncing the officers' subscriptions failed: Rate exceeded/,
    );
    expect(directory.replacements).toBe(2);
    expect(retried.subscriptions).toEqual({ added: 1, kept: 1, removed: 0 });
    expect(registry.summary()).toEqual(['email one@dongcheng.example.cn → P-1', 'sms +8613800000001 → P-1']);
  });

  it('only writes the directory when it is given no subscriptions to sync', async () => {
    const directory = new InMemoryOfficerDirectory();

    const result = await makeImportOfficers({ directory })(
      file(officer(DONGCHENG, 'P-1', { email: 'one@dongcheng.example.cn' })),
    );

    expect(result).toEqual({ offices: 1, officers: 1, shifts: 0 });
  });
});
