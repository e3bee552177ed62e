/**
 * Attachments as use cases over in-memory ports: an upload is offered only to the unit whose report
 * named the file, bound to what the report named, and not at all once the file is stored; the list
 * says of each named file whether it arrived, is missing or no longer matches its hash, for whoever
 * may read the incident, and refuses anyone else with a ForbiddenError the edge records.
 */
import { createHash } from 'node:crypto';
import { beforeEach, describe, expect, it } from 'vitest';
import { policyByName } from '../../shared/adapters/policy-source';
import { makeListAttachments, makeRequestUpload } from '../../shared/application/attachments';
import { makeSubmitReport } from '../../shared/application/submit-report';
import type { Actor } from '../../shared/domain/access';
import { attachmentKey } from '../../shared/domain/attachments';
import { ForbiddenError, NotFoundError } from '../../shared/domain/errors';
import { makeReportBodySchema } from '../../shared/schemas/report';
import { FakeClock } from '../fakes/fake-clock';
import { InMemoryAttachmentStore } from '../fakes/in-memory-attachment-store';
import { InMemoryIncidentStore } from '../fakes/in-memory-incident-store';
import { reportWith } from '../fixtures/reports';

const clock = new FakeClock('2026-11-22T01:00:00.000Z');
const schema = makeReportBodySchema(() => clock.now().getTime());
const hashOf = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const photo = new TextEncoder().encode('现场照片');
const other = new TextEncoder().encode('另一张照片');
const named = { sha256: hashOf(photo), bytes: photo.length, contentType: 'image/jpeg', caption: '井口' };

const unit: Actor = { sub: 'u1', role: 'reporter', region: '110101', unit: 'U-1' };
const otherUnit: Actor = { sub: 'u2', role: 'reporter', region: '110101', unit: 'U-2' };
const county: Actor = { sub: 'dc', role: 'office', region: '110101', level: 'county' };
const foreign: Actor = { sub: 'hp', role: 'office', region: '120101', level: 'county' };

let incidents: InMemoryIncidentStore;
let store: InMemoryAttachmentStore;
let incidentId: string;

beforeEach(async () => {
  incidents = new InMemoryIncidentStore();
  store = new InMemoryAttachmentStore();
  const submit = makeSubmitReport({
    incidents,
    clock,
    policy: policyByName('national'),
    ids: { incidentId: () => 'INC-20261122-0000000A', unique: () => 'id-a' },
  });
  const { response } = await submit({ actor: unit, report: schema.parse(reportWith({ attachments: [named] })) });
  incidentId = response.incidentId;
});

describe('asking for an upload', () => {
  it('offers the naming unit a PUT bound to the named file, under the incident and the hash', async () => {
    const answer = await makeRequestUpload({ incidents, attachments: store })(unit, incidentId, named.sha256);

    expect(answer).toMatchObject({ status: 'missing', key: attachmentKey(incidentId, named.sha256) });
    expect(answer.upload?.headers).toEqual({ 'content-length': String(photo.length), 'content-type': 'image/jpeg' });
    expect(store.uploadsSigned).toEqual([`incidents/${incidentId}/${named.sha256}`]);
  });

  it('offers nothing to send once the named bytes are stored', async () => {
    store.put(attachmentKey(incidentId, named.sha256), photo);

    const answer = await makeRequestUpload({ incidents, attachments: store })(unit, incidentId, named.sha256);

    expect(answer).toEqual({
      incidentId,
      sha256: named.sha256,
      key: attachmentKey(incidentId, named.sha256),
      status: 'arrived',
    });
    expect(store.uploadsSigned).toEqual([]);
  });

  it('refuses another unit, an office and a foreign office, and knows no hash the reports do not name', async () => {
    const request = makeRequestUpload({ incidents, attachments: store });

    await expect(request(otherUnit, incidentId, named.sha256)).rejects.toBeInstanceOf(ForbiddenError);
    await expect(request(county, incidentId, named.sha256)).rejects.toBeInstanceOf(ForbiddenError);
    await expect(request(foreign, incidentId, named.sha256)).rejects.toBeInstanceOf(ForbiddenError);
    await expect(request(unit, incidentId, hashOf(other))).rejects.toBeInstanceOf(NotFoundError);
    expect(store.uploadsSigned).toEqual([]);
  });
});

describe('listing the attachments', () => {
  it('says missing before the file arrives, arrived with a link after, and mismatched when other bytes are stored', async () => {
    const list = makeListAttachments({ incidents, attachments: store });
    const key = attachmentKey(incidentId, named.sha256);

    expect((await list(county, incidentId)).items).toEqual([
      { ...named, reportId: `${incidentId}-R1`, unit: 'U-1', key, status: 'missing' },
    ]);
    store.put(key, photo);
    expect((await list(county, incidentId)).items[0]).toMatchObject({
      status: 'arrived',
      read: { method: 'GET', url: `memory://${key}` },
    });
    store.put(key, other);
    expect((await list(county, incidentId)).items[0]?.status).toBe('mismatched');
  });

  it('refuses an office outside the jurisdiction', async () => {
    await expect(makeListAttachments({ incidents, attachments: store })(foreign, incidentId)).rejects.toBeInstanceOf(
      ForbiddenError,
    );
  });
});
