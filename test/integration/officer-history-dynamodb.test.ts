/**
 * The officer directory's history on DynamoDB Local: an import adds a version taking effect at its
 * stated time and never rewrites an earlier one, so the persons named for a deadline are the ones
 * who held the posts and were on the roster then (Decree 493, Arts. 35–36).
 */
import { type DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { makeDynamoOfficerDirectory } from '../../shared/adapters/dynamodb/officer-directory';
import { makeImportOfficers } from '../../shared/application/officers';
import { obligationEntry, withPeople } from '../../shared/domain/audit/rows';
import { ValidationError } from '../../shared/domain/errors';
import type { IncidentState } from '../../shared/domain/incident';
import type { Obligation } from '../../shared/domain/obligation';
import { BEFORE_HISTORY, peopleFor } from '../../shared/domain/officers';
import type { OfficerDirectory } from '../../shared/ports/officer-directory';
import { directoryRows } from '../../shared/schemas/officers';
import { FakeClock } from '../fakes/fake-clock';
import { provisionTestResources } from './support';

const DONGCHENG = '110101';

const person = (personId: string, name: string, roles: string[]) => ({
  office: DONGCHENG,
  personId,
  name,
  roles,
  sms: '+8613800000000',
});
/** A directory file: Li or Zhou the first responsible person, Wang in charge, the roster given. */
const file = (first: 'li' | 'zhou', roster: { personId: string; from: string; to: string }[]) =>
  directoryRows(
    JSON.stringify({
      officers: [
        first === 'li'
          ? person('P-LI', '李主任', ['first-responsible'])
          : person('P-ZHOU', '周主任', ['first-responsible']),
        person('P-WANG', '王副主任', ['directly-responsible']),
        person('P-ZHAO', '赵值班', ['duty-officer']),
        person('P-QIAN', '钱值班', ['duty-officer']),
      ],
      roster: roster.map((shift) => ({ office: DONGCHENG, ...shift })),
    }),
    'json',
  ).rows;
const ALL_DAY_ZHAO = [{ personId: 'P-ZHAO', from: '00:00', to: '00:00' }];
const ALL_DAY_QIAN = [{ personId: 'P-QIAN', from: '00:00', to: '00:00' }];

let documents: DynamoDBDocumentClient;
let table: string;
let directory: OfficerDirectory;

beforeAll(async () => {
  const { resources, documents: client } = await provisionTestResources();
  documents = client;
  table = resources.tables.officers;
  directory = makeDynamoOfficerDirectory({ client: documents, table });
});

/** A county-to-city duty of Dongcheng due at `dueAt`, never met. */
const missedDuty = (dueAt: string) => {
  const obligation = {
    obligationId: `A-${DONGCHENG}-countyToCity`,
    kind: 'countyToCity',
    office: DONGCHENG,
    level: 'county',
    dueAt,
    status: 'missed',
    missedAt: dueAt,
  } as unknown as Obligation;
  const state = {
    incidentId: 'A',
    regionCode: DONGCHENG,
    category: 'accident',
    grade: 'IV',
    obligations: [obligation],
  } as unknown as IncidentState;
  return obligationEntry(state, obligation);
};

describe('the officer directory keeps its history', () => {
  it('names the first responsible person at the deadline after the post changed hands, and the new one after', async () => {
    // PREPARE: Li holds the post from 1 November; the deadline passes on 22 November at 12:00
    // China time; Zhou takes the post on 25 November.
    const clock = new FakeClock('2026-11-01T00:00:00.000Z');
    const importOfficers = makeImportOfficers({ directory, clock });
    await importOfficers(file('li', ALL_DAY_ZHAO));
    clock.set('2026-11-25T00:00:00.000Z');
    await importOfficers(file('zhou', ALL_DAY_ZHAO));

    // ACT
    const history = await directory.ofOffice(DONGCHENG);
    const atDeadline = withPeople(missedDuty('2026-11-22T04:00:00.000Z'), history);
    const afterChange = withPeople(missedDuty('2026-11-26T04:00:00.000Z'), history);

    // ASSESS: the late duty stays Li's; only a deadline after the change is Zhou's.
    expect(history.versions.map((v) => v.effectiveAt)).toEqual([
      '2026-11-01T00:00:00.000Z',
      '2026-11-25T00:00:00.000Z',
    ]);
    expect(atDeadline).toMatchObject({
      firstResponsible: [{ personId: 'P-LI', name: '李主任' }],
      personsAt: '2026-11-22T04:00:00.000Z',
      directorySince: '2026-11-01T00:00:00.000Z',
    });
    expect(afterChange).toMatchObject({
      firstResponsible: [{ personId: 'P-ZHOU', name: '周主任' }],
      directorySince: '2026-11-25T00:00:00.000Z',
    });
  });

  it('splits who is told and who answers at a roster change taking effect at 08:00', async () => {
    // PREPARE: Zhao on duty all day until the roster imported on 1 December takes effect at 08:00
    // China time (00:00Z) the next day, putting Qian on duty all day.
    const office = '110102';
    const rows = (roster: typeof ALL_DAY_ZHAO) =>
      file('li', roster).map((row) => JSON.parse(JSON.stringify(row).replaceAll(DONGCHENG, office)));
    const clock = new FakeClock('2026-12-01T00:00:00.000Z');
    const importOfficers = makeImportOfficers({ directory, clock });
    await importOfficers(rows(ALL_DAY_ZHAO));
    await importOfficers(rows(ALL_DAY_QIAN), [], { effectiveAt: new Date('2026-12-02T00:00:00.000Z') });

    // ACT
    const history = await directory.ofOffice(office);
    const onDuty = (iso: string) =>
      peopleFor({ office, role: 'duty-officer' }, history, new Date(iso)).map((o) => o.personId);

    // ASSESS: 07:59:59 China time is Zhao's; 08:00 is Qian's, for notifications and deadlines alike.
    expect(onDuty('2026-12-01T23:59:59.999Z')).toEqual(['P-ZHAO']);
    expect(onDuty('2026-12-02T00:00:00.000Z')).toEqual(['P-QIAN']);
  });

  it('refuses an import taking effect in the past, writing nothing', async () => {
    const office = '110105';
    const clock = new FakeClock('2026-12-01T00:00:00.000Z');
    const importOfficers = makeImportOfficers({ directory, clock });
    const rows = file('li', ALL_DAY_ZHAO).map((row) => JSON.parse(JSON.stringify(row).replaceAll(DONGCHENG, office)));

    const refused = await importOfficers(rows, [], { effectiveAt: new Date('2026-11-30T23:59:59.000Z') }).catch(
      (error: unknown) => error,
    );

    expect(refused).toBeInstanceOf(ValidationError);
    expect((refused as ValidationError).details?.map((d) => d.problem)).toEqual([
      'effective: 2026-11-30T23:59:59.000Z is before now (2026-12-01T00:00:00.000Z); an import takes effect now or later and never rewrites what the directory held',
    ]);
    expect((await directory.ofOffice(office)).versions).toEqual([]);
  });

  it('reads the items written before the directory kept history as the version before every other', async () => {
    // PREPARE: an office as an older import left it, then a new version.
    const office = '110106';
    const legacy = { office, personId: 'P-OLD', name: '旧主任', roles: ['first-responsible'], endpoints: {} };
    await documents.send(
      new PutCommand({ TableName: table, Item: { pk: `OFFICE#${office}`, sk: 'OFFICER#P-OLD', ...legacy } }),
    );
    await directory.replaceOffices([office], [], [], new Date('2026-12-01T00:00:00.000Z'));

    // ACT
    const { versions } = await directory.ofOffice(office);

    // ASSESS
    expect(versions.map((v) => [v.effectiveAt, v.officers.map((o) => o.personId)])).toEqual([
      [BEFORE_HISTORY, ['P-OLD']],
      ['2026-12-01T00:00:00.000Z', []],
    ]);
  });
});
