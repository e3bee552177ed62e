/**
 * The local runtime's sign-in, for the web console: `POST /local/sign-in` with
 * `{ "identity": "<id>" }` answers a token signed with the local key — the same token
 * `npm run token` prints — for one identity of a short list. It exists in the local runtime only;
 * on AWS people sign in through the user pool's managed login, and no stack has this route
 * (`test/infra/web-stack.test.ts` checks).
 *
 * It answers only JSON bodies: a page elsewhere cannot post JSON here without a CORS preflight,
 * which this server never grants, so no other site can sign a visitor in.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Caller } from '../../shared/schemas/claims';
import type { LocalIdentity } from '../../shared/schemas/console-config';
import type { LocalSigner } from './auth';

export const LOCAL_SIGN_IN_PATH = '/local/sign-in';

/** As long as the user pool's ID tokens live; the console renews it before it expires. */
export const LOCAL_SIGN_IN_TTL_SECONDS = 3600;

/**
 * Who can sign in locally: a reporting unit of Dongcheng (registered in the example unit registry,
 * so its zero reports are accepted once that file is imported), the offices of its chain, and an
 * inspector of Beijing.
 */
export const LOCAL_IDENTITIES: readonly LocalIdentity[] = [
  {
    id: 'unit-dongcheng',
    role: 'reporter',
    region: '110101',
    unit: 'DC-JDJ',
    label: {
      'zh-CN': '东华门街道办事处（报告单位 DC-JDJ，东城区）',
      en: 'Donghuamen Subdistrict Office (reporting unit DC-JDJ, Dongcheng)',
    },
  },
  {
    id: 'office-county',
    role: 'office',
    region: '110101',
    level: 'county',
    label: { 'zh-CN': '东城区应急管理局（县级）', en: 'Dongcheng emergency management bureau (county)' },
  },
  {
    id: 'office-city',
    role: 'office',
    region: '110100',
    level: 'city',
    label: { 'zh-CN': '北京市应急管理局（市级）', en: 'Beijing emergency management bureau (city)' },
  },
  {
    id: 'office-province',
    role: 'office',
    region: '110000',
    level: 'province',
    label: { 'zh-CN': '北京市应急管理厅（省级）', en: 'Beijing emergency management department (province)' },
  },
  {
    id: 'inspector-beijing',
    role: 'inspector',
    region: '110000',
    label: { 'zh-CN': '北京市督查人员', en: 'Inspector, Beijing' },
  },
];

export const callerOf = (identity: LocalIdentity): Caller => ({
  sub: `local-${identity.id}`,
  role: identity.role,
  region: identity.region,
  ...(identity.unit ? { unit: identity.unit } : {}),
  ...(identity.level ? { level: identity.level } : {}),
});

const MAX_BODY = 1024;

const readSmallBody = (req: IncomingMessage): Promise<string | undefined> =>
  new Promise((resolve, reject) => {
    let size = 0;
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY) chunks.push(chunk);
    });
    req.on('end', () => resolve(size > MAX_BODY ? undefined : Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });

const answer = (res: ServerResponse, status: number, body: unknown): void => {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
};

const refuse = (
  res: ServerResponse,
  status: number,
  code: string,
  message: string,
  details?: readonly { field: string; problem: string }[],
): void => answer(res, status, { error: { code, message, ...(details ? { details } : {}) } });

/** Handles `/local/sign-in`; false for any other path. */
export const makeLocalSignIn =
  (signer: LocalSigner, identities: readonly LocalIdentity[] = LOCAL_IDENTITIES) =>
  async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> => {
    if (url.pathname !== LOCAL_SIGN_IN_PATH) return false;
    if (req.method !== 'POST') {
      refuse(res, 405, 'method-not-allowed', `${req.method} is not allowed here`);
      return true;
    }
    const contentType = String(req.headers['content-type'] ?? '')
      .split(';')[0]
      ?.trim()
      .toLowerCase();
    if (contentType !== 'application/json') {
      refuse(res, 415, 'unsupported-media-type', 'send { "identity": "…" } as application/json');
      return true;
    }
    const text = await readSmallBody(req);
    let identityId: unknown;
    try {
      identityId = text === undefined ? undefined : (JSON.parse(text) as { identity?: unknown }).identity;
    } catch {
      identityId = undefined;
    }
    const identity = identities.find((candidate) => candidate.id === identityId);
    if (!identity) {
      refuse(res, 400, 'invalid', 'the body is invalid', [
        { field: 'identity', problem: `must be one of ${identities.map((i) => i.id).join(', ')}` },
      ]);
      return true;
    }
    const idToken = await signer.sign(callerOf(identity), LOCAL_SIGN_IN_TTL_SECONDS);
    answer(res, 200, { idToken, expiresIn: LOCAL_SIGN_IN_TTL_SECONDS });
    return true;
  };
