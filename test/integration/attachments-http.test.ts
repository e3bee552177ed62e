/**
 * Attachments over HTTP on the local runtime and its S3 emulator: a report names a photo by its
 * hash, the unit uploads it through the presigned PUT it is given, an office of the jurisdiction
 * reads it back through a presigned GET, a foreign office is refused and recorded, bad declarations
 * are refused naming every bad field, and an object replaced behind the API's back is named.
 */
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_REGION, localCredentials } from '../../infra/local/aws-local';
import { ATTACHMENT_LIMITS } from '../../shared/domain/attachments';
import { checkPack, parsePack } from '../../shared/domain/evidence/check-pack';
import { attachmentUploadSchema, incidentAttachmentsSchema } from '../../shared/schemas/responses';
import { call, initialReport, runScript, startTestRuntime, type TestRuntime, tokenFor } from './support';

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** A photo's worth of bytes: random, so no two tests' files share a hash. */
const photo = () => {
  const bytes = randomBytes(48 * 1024);
  return {
    bytes,
    declared: { sha256: sha256(bytes), bytes: bytes.length, contentType: 'image/jpeg', caption: '3号井口' },
  };
};

describe('attachments over HTTP', { timeout: 30_000 }, () => {
  let runtime: TestRuntime;
  let reporter: string;
  let otherUnit: string;
  let county: string;
  let foreignCounty: string;
  let inspector: string;

  beforeAll(async () => {
    runtime = await startTestRuntime();
    reporter = await tokenFor(runtime, { sub: 'unit-u1', role: 'reporter', region: '110101', unit: 'U-1' });
    otherUnit = await tokenFor(runtime, { sub: 'unit-u2', role: 'reporter', region: '110101', unit: 'U-2' });
    county = await tokenFor(runtime, { sub: 'dongcheng', role: 'office', region: '110101', level: 'county' });
    foreignCounty = await tokenFor(runtime, { sub: 'heping', role: 'office', region: '120101', level: 'county' });
    inspector = await tokenFor(runtime, { sub: 'insp-bj', role: 'inspector', region: '110000' });
  });

  afterAll(async () => {
    await runtime?.close();
  });

  const report = async (attachments: unknown[]) => {
    const created = await call(runtime, 'POST', '/v1/reports', {
      token: reporter,
      body: { ...initialReport('110101', 'U-1'), attachments },
    });
    expect(created.status, created.text).toBe(201);
    return (created.body as { incidentId: string }).incidentId;
  };

  const askUpload = (incidentId: string, hash: string, token = reporter) =>
    call(runtime, 'POST', `/v1/incidents/${incidentId}/attachments`, { token, body: { sha256: hash } });

  const list = async (incidentId: string, token = county) => {
    const answer = await call(runtime, 'GET', `/v1/incidents/${incidentId}/attachments`, { token });
    expect(answer.status, answer.text).toBe(200);
    return incidentAttachmentsSchema.parse(answer.body);
  };

  it('uploads a named photo once, and an office reads back the same bytes', async () => {
    const { bytes, declared } = photo();
    const incidentId = await report([declared]);
    // Named, not yet sent: visible as missing.
    expect((await list(incidentId)).items).toEqual([
      expect.objectContaining({ sha256: declared.sha256, status: 'missing', reportId: `${incidentId}-R1` }),
    ]);

    const asked = attachmentUploadSchema.parse((await askUpload(incidentId, declared.sha256)).body);
    expect(asked).toMatchObject({ status: 'missing', key: `incidents/${incidentId}/${declared.sha256}` });
    const upload = asked.upload;
    if (!upload) throw new Error('no upload offered for a missing file');
    expect(upload.headers).toEqual({
      'content-length': String(bytes.length),
      'content-type': 'image/jpeg',
      'x-amz-checksum-sha256': Buffer.from(declared.sha256, 'hex').toString('base64'),
    });
    // Other bytes of the same length are refused at S3's door, as S3 refuses them, and nothing is stored.
    const forged = await fetch(upload.url, {
      method: upload.method,
      headers: upload.headers,
      body: randomBytes(bytes.length),
    });
    expect(forged.status).toBe(400);
    expect(await forged.text()).toContain('BadDigest');
    expect((await list(incidentId)).items[0]?.status).toBe('missing');

    const put = await fetch(upload.url, { method: upload.method, headers: upload.headers, body: bytes });
    expect(put.status).toBe(200);

    const [item] = (await list(incidentId)).items;
    expect(item).toMatchObject({ status: 'arrived', bytes: bytes.length, contentType: 'image/jpeg' });
    const read = item?.read;
    if (!read) throw new Error('no read link for an arrived file');
    const got = await fetch(read.url);
    expect(got.status).toBe(200);
    expect(sha256(new Uint8Array(await got.arrayBuffer()))).toBe(declared.sha256);

    // Asking again (an app retrying after a lost answer) has nothing left to send.
    const again = attachmentUploadSchema.parse((await askUpload(incidentId, declared.sha256)).body);
    expect(again).toMatchObject({ status: 'arrived' });
    expect(again.upload).toBeUndefined();

    // The chain covers the name and the hash: the report in the log carries them.
    const incident = await call(runtime, 'GET', `/v1/incidents/${incidentId}`, { token: county });
    expect((incident.body as { reports: { attachments?: unknown[] }[] }).reports[0]?.attachments).toEqual([declared]);
  });

  it('refuses a foreign office with the recorded 403, and anyone but the naming unit an upload', async () => {
    const { declared } = photo();
    const incidentId = await report([declared]);

    const foreign = await call(runtime, 'GET', `/v1/incidents/${incidentId}/attachments`, { token: foreignCounty });
    expect(foreign.status).toBe(403);
    expect((await askUpload(incidentId, declared.sha256, otherUnit)).status).toBe(403);
    expect((await askUpload(incidentId, declared.sha256, county)).status).toBe(403);

    const denied = await call(runtime, 'GET', '/v1/audit/access-denied?region=110000&limit=200', { token: inspector });
    const items = (denied.body as { items: { action: string; actor: { sub: string }; incidentId?: string }[] }).items;
    const refusals = items.filter((d) => d.incidentId === incidentId).map((d) => `${d.actor.sub} ${d.action}`);
    expect(refusals.sort()).toEqual(
      [
        'heping GET /v1/incidents/{id}/attachments',
        'unit-u2 POST /v1/incidents/{id}/attachments',
        'dongcheng POST /v1/incidents/{id}/attachments',
      ].sort(),
    );
    // A hash no report names is nobody's upload.
    expect((await askUpload(incidentId, 'f'.repeat(64))).status).toBe(404);
  });

  it('refuses bad declarations naming every bad field, and stores nothing', async () => {
    const { declared } = photo();
    const tooMany = Array.from({ length: ATTACHMENT_LIMITS.maxPerReport + 1 }, () => photo().declared);
    const answer = await call(runtime, 'POST', '/v1/reports', {
      token: reporter,
      body: {
        ...initialReport('110101', 'U-1'),
        attachments: [
          { ...declared, contentType: 'image/gif' },
          { ...declared, sha256: 'ABC' },
          { ...photo().declared, bytes: ATTACHMENT_LIMITS.maxBytes + 1 },
          { ...photo().declared, lat: 39.9 },
        ],
      },
    });
    expect(answer.status).toBe(400);
    const fields = (answer.body as { error: { details: { field: string }[] } }).error.details.map((d) => d.field);
    expect(fields).toEqual(
      expect.arrayContaining([
        'attachments.0.contentType',
        'attachments.1.sha256',
        'attachments.2.bytes',
        'attachments.3',
      ]),
    );

    const crowded = await call(runtime, 'POST', '/v1/reports', {
      token: reporter,
      body: { ...initialReport('110101', 'U-1'), attachments: tooMany },
    });
    expect(crowded.status).toBe(400);
    expect((crowded.body as { error: { details: { field: string }[] } }).error.details).toEqual([
      { field: 'attachments', problem: `must name at most ${ATTACHMENT_LIMITS.maxPerReport} files per report` },
    ]);
    const mine = await call(runtime, 'GET', '/v1/units/U-1/incidents', { token: reporter });
    const subjects = JSON.stringify(mine.body);
    expect(subjects).not.toContain(declared.sha256);
  });

  it('names an object whose bytes are no longer the named ones', async () => {
    const { bytes, declared } = photo();
    const incidentId = await report([declared]);
    const upload = attachmentUploadSchema.parse((await askUpload(incidentId, declared.sha256)).body).upload;
    if (!upload) throw new Error('no upload offered');
    expect((await fetch(upload.url, { method: 'PUT', headers: upload.headers, body: bytes })).status).toBe(200);

    // Someone with storage rights replaces the object behind the API's back.
    const s3 = new S3Client({
      region: LOCAL_REGION,
      credentials: localCredentials,
      // Straight to the emulator, past the checks the presigned uploads go through.
      endpoint: runtime.endpoints.messaging,
      forcePathStyle: true,
    });
    await s3.send(
      new PutObjectCommand({
        Bucket: runtime.resources.buckets.attachments,
        Key: `incidents/${incidentId}/${declared.sha256}`,
        Body: randomBytes(bytes.length),
        ContentType: 'image/jpeg',
      }),
    );
    s3.destroy();

    expect((await list(incidentId)).items).toEqual([expect.objectContaining({ status: 'mismatched' })]);
    // Verification reads the bytes back and names the object, though every chain still holds.
    const verified = await call(runtime, 'GET', '/v1/audit/verify?region=110101&limit=200', { token: inspector });
    expect(verified.status, verified.text).toBe(200);
    const broken = (verified.body as { broken: { id: string; reason: string; seq: number; detail: string }[] }).broken;
    expect(broken).toEqual([expect.objectContaining({ id: incidentId, reason: 'attachment-mismatch', seq: 1 })]);
    expect(broken[0]?.detail).toContain(declared.sha256);

    // The evidence pack names it too, and its verifier says so.
    const evidence = await call(runtime, 'GET', `/v1/audit/evidence?incidents=${incidentId}`, { token: inspector });
    expect(evidence.status, evidence.text).toBe(200);
    const pack = parsePack(evidence.text);
    expect(pack.incidents[0]?.attachments).toEqual([
      expect.objectContaining({ sha256: declared.sha256, status: 'mismatched', seq: 1 }),
    ]);
    const checked = await checkPack(pack, async (text) => sha256(new TextEncoder().encode(text)));
    expect(checked.problems).toEqual([{ code: 'attachment-mismatched', incidentId, sha256: declared.sha256, seq: 1 }]);

    // Built on the command line with the files, the pack carries the bytes storage holds.
    const out = join(runtime.dataDir, 'pack.json');
    const built = await runScript(runtime, 'evidence', '--incident', incidentId, '--with-files', '--out', out);
    expect(built.code, built.stderr).toBe(0);
    const withFiles = parsePack(readFileSync(out, 'utf8'));
    const [file] = withFiles.incidents[0]?.attachments ?? [];
    expect(file).toMatchObject({
      status: 'mismatched',
      storedSha256: sha256(Buffer.from(file?.content ?? '', 'base64')),
    });
  });
});
