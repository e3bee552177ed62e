/**
 * Tampered cursors over HTTP. The cursors of `GET /v1/audit/verify` and `GET /v1/audit/candidates`
 * are opaque to clients, but a client can still decode, change and send one back: a part added or
 * left out, a value of the wrong type, a number out of range, a store key from another query. Each
 * must be a 400 that names `cursor` — never a 500, and never a page of something else.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, initialReport, startTestRuntime, type TestRuntime, tokenFor } from './support';

interface ErrorBody {
  error: { code: string; details?: { field: string; problem: string }[] };
}

type Cursor = Record<string, unknown>;

const decode = (cursor: string): Cursor => JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Cursor;
const encode = (cursor: unknown): string => Buffer.from(JSON.stringify(cursor), 'utf8').toString('base64url');

describe('tampered cursors of the audit routes', () => {
  let runtime: TestRuntime;
  let inspector: string;

  const get = (path: string) => call(runtime, 'GET', path, { token: inspector });

  /** The real cursor of a route's first page. */
  const firstCursor = async (path: string): Promise<string> => {
    const answer = await get(path);
    expect(answer.status).toBe(200);
    const next = (answer.body as { next?: string }).next;
    if (!next) throw new Error(`${path} gave no cursor`);
    return next;
  };

  /** Sends each tampered cursor and expects a 400 naming `cursor`, and nothing else, for every one. */
  const expectRefused = async (path: string, tamperings: Record<string, unknown>) => {
    const answers: Record<string, unknown> = {};
    for (const [what, cursor] of Object.entries(tamperings)) {
      const encoded = typeof cursor === 'string' ? cursor : encode(cursor);
      const answer = await get(`${path}&cursor=${encodeURIComponent(encoded)}`);
      const fields = (answer.body as ErrorBody | undefined)?.error?.details?.map((d) => d.field);
      answers[what] = { status: answer.status, fields };
    }
    expect(answers).toEqual(
      Object.fromEntries(Object.keys(tamperings).map((what) => [what, { status: 400, fields: ['cursor'] }])),
    );
  };

  beforeAll(async () => {
    runtime = await startTestRuntime();
    inspector = await tokenFor(runtime, { sub: 'insp-bj', role: 'inspector', region: '110000' });
    const reporter = await tokenFor(runtime, { sub: 'unit-u1', role: 'reporter', region: '110101', unit: 'U-1' });
    for (let i = 0; i < 3; i++) {
      const answer = await call(runtime, 'POST', '/v1/reports', {
        token: reporter,
        body: initialReport('110101', 'U-1'),
      });
      expect(answer.status).toBe(201);
    }
  });

  afterAll(async () => {
    await runtime?.close();
  });

  it('GET /v1/audit/verify: its own parts, and the store key inside them', async () => {
    const real = decode(await firstCursor('/v1/audit/verify?region=110000&limit=1'));
    expect(real).toEqual({ source: '0', position: expect.any(String) });
    const position = JSON.parse(String(real.position)) as { part: number; key: Record<string, string> };
    expect(position).toEqual({ part: 0, key: expect.objectContaining({ provinceCode: '110000' }) });
    const withPosition = (changes: Record<string, unknown>) => ({
      ...real,
      position: JSON.stringify({ ...position, ...changes }),
    });
    const withKey = (key: Record<string, unknown>) => withPosition({ key });
    const { listKey: _listKey, ...keyWithoutListKey } = position.key;

    await expectRefused('/v1/audit/verify?region=110000', {
      'not base64 JSON': '%%%',
      'an extra part': { ...real, page: '2' },
      'no source': { position: real.position },
      'a source of the wrong type': { ...real, source: 0 },
      'a source out of range': { ...real, source: '7' },
      'a negative source': { ...real, source: '-1' },
      'a position that is not JSON': { ...real, position: 'part 0' },
      'a part out of range': withPosition({ part: 3 }),
      'a part of the wrong type': withPosition({ part: '0' }),
      'an extra member in the position': withPosition({ region: '310000' }),
      'a key value of the wrong type': withKey({ ...position.key, listKey: 7 }),
      'a key attribute added': withKey({ ...position.key, status: 'open' }),
      'a key attribute left out': withKey(keyWithoutListKey),
      'a key of another region': withKey({ ...position.key, provinceCode: '310000' }),
      'a listKey outside the query': withKey({ ...position.key, listKey: '!' }),
      'the zero-report source at a negative position': { source: '1', position: '-1' },
    });
  });

  it('GET /v1/audit/candidates: the store key, against its region and its from/to', async () => {
    const real = decode(await firstCursor('/v1/audit/candidates?region=110000&limit=1'));
    expect(real).toEqual(expect.objectContaining({ provinceCode: '110000', listKey: expect.any(String) }));
    const { listKey: _listKey, ...withoutListKey } = real;

    await expectRefused('/v1/audit/candidates?region=110000', {
      'not base64 JSON': '%%%',
      'an attribute added': { ...real, status: 'open' },
      'an attribute left out': withoutListKey,
      'a value of the wrong type': { ...real, listKey: 7 },
      'a key of another region': { ...real, provinceCode: '310000' },
      'a listKey outside the query': { ...real, listKey: '!' },
    });
    // A real cursor, sent with another query than the one it came from.
    const cursor = encodeURIComponent(encode(real));
    await expectRefused('/v1/audit/candidates?region=110101', { 'a cursor of the province, for a county': real });
    const later = await get(`/v1/audit/candidates?region=110000&from=2099-01-01&cursor=${cursor}`);
    expect({ status: later.status, fields: (later.body as ErrorBody).error?.details?.map((d) => d.field) }).toEqual({
      status: 400,
      fields: ['cursor'],
    });
  });
});
