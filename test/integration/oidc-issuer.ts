/**
 * An OpenID Connect issuer on 127.0.0.1 for tests: its discovery document and key set (one RS256
 * and one ES256 key), and tokens it signs with either. Given a person to sign in as, it also runs
 * the authorization code flow with PKCE (S256) the web console uses: its sign-in page approves at
 * once and sends the code back; its token endpoint checks code, verifier, client and redirect and
 * answers an ID token and a refresh token. It stands for a provincial identity platform or a
 * Keycloak realm; nothing here is the pipeline's own code.
 */
import { createHash, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type CryptoKey, exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose';

export interface TestIssuer {
  /** `http://127.0.0.1:<port>/realms/emergency`. */
  readonly issuer: string;
  /** A token it signs: `claims` plus `iss`, `aud`, `iat` and `exp`, each overridable. */
  sign(
    claims: Record<string, unknown>,
    options?: {
      alg?: 'RS256' | 'ES256';
      audience?: string;
      issuer?: string;
      expiresIn?: string;
      key?: 'own' | 'stranger';
    },
  ): Promise<string>;
  close(): Promise<void>;
}

interface SigningKey {
  readonly kid: string;
  readonly privateKey: CryptoKey;
  readonly publicJwk: JWK;
}

const signingKey = async (alg: 'RS256' | 'ES256'): Promise<SigningKey> => {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  const kid = randomUUID();
  return { kid, privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' } };
};

const readForm = (req: IncomingMessage): Promise<URLSearchParams> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(new URLSearchParams(Buffer.concat(chunks).toString('utf8'))));
    req.on('error', reject);
  });

const s256 = (verifier: string): string => createHash('sha256').update(verifier).digest('base64url');

export const startTestIssuer = async (
  audience: string,
  options: { readonly signInAs?: Record<string, unknown> } = {},
): Promise<TestIssuer> => {
  const keys = { RS256: await signingKey('RS256'), ES256: await signingKey('ES256') };
  // Not published: a key of the same algorithm and id that the issuer never announced.
  const stranger = { RS256: await signingKey('RS256'), ES256: await signingKey('ES256') };
  let issuer = '';
  const codes = new Map<string, { challenge: string; redirectUri: string; clientId: string }>();
  const idToken = (clientId: string) =>
    new SignJWT(options.signInAs ?? {})
      .setProtectedHeader({ alg: 'RS256', kid: keys.RS256.kid, typ: 'JWT' })
      .setIssuer(issuer)
      .setAudience(clientId)
      .setIssuedAt()
      .setExpirationTime('1h')
      .sign(keys.RS256.privateKey);
  const server = createServer(async (req, res) => {
    const send = (body: unknown, status = 200) => {
      res.writeHead(status, { 'content-type': 'application/json', 'access-control-allow-origin': '*' });
      res.end(JSON.stringify(body));
    };
    const url = new URL(req.url ?? '/', issuer || 'http://127.0.0.1');
    if (url.pathname === '/realms/emergency/protocol/openid-connect/auth' && options.signInAs) {
      const q = url.searchParams;
      if (q.get('response_type') !== 'code' || q.get('code_challenge_method') !== 'S256') {
        return send({ error: 'invalid_request' }, 400);
      }
      const code = randomUUID();
      codes.set(code, {
        challenge: q.get('code_challenge') ?? '',
        redirectUri: q.get('redirect_uri') ?? '',
        clientId: q.get('client_id') ?? '',
      });
      const back = new URL(q.get('redirect_uri') ?? '');
      back.searchParams.set('code', code);
      back.searchParams.set('state', q.get('state') ?? '');
      res.writeHead(302, { location: back.href });
      return res.end();
    }
    if (url.pathname === '/realms/emergency/protocol/openid-connect/token' && req.method === 'POST') {
      const form = await readForm(req);
      const clientId = form.get('client_id') ?? '';
      if (form.get('grant_type') === 'refresh_token') {
        return send({ id_token: await idToken(clientId), refresh_token: randomUUID(), token_type: 'Bearer' });
      }
      const granted = codes.get(form.get('code') ?? '');
      codes.delete(form.get('code') ?? '');
      if (
        !granted ||
        granted.clientId !== clientId ||
        granted.redirectUri !== form.get('redirect_uri') ||
        granted.challenge !== s256(form.get('code_verifier') ?? '')
      ) {
        return send({ error: 'invalid_grant' }, 400);
      }
      return send({ id_token: await idToken(clientId), refresh_token: randomUUID(), token_type: 'Bearer' });
    }
    if (req.url === '/realms/emergency/.well-known/openid-configuration') {
      return send({
        issuer,
        jwks_uri: `${issuer}/protocol/openid-connect/certs`,
        authorization_endpoint: `${issuer}/protocol/openid-connect/auth`,
        token_endpoint: `${issuer}/protocol/openid-connect/token`,
        end_session_endpoint: `${issuer}/protocol/openid-connect/logout`,
        id_token_signing_alg_values_supported: ['RS256', 'ES256'],
      });
    }
    if (req.url === '/realms/emergency/protocol/openid-connect/certs') {
      return send({ keys: [keys.RS256.publicJwk, keys.ES256.publicJwk] });
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}/realms/emergency`;
  return {
    issuer,
    async sign(claims, options = {}) {
      const alg = options.alg ?? 'RS256';
      const own = keys[alg];
      const key = options.key === 'stranger' ? { ...stranger[alg], kid: own.kid } : own;
      return new SignJWT(claims)
        .setProtectedHeader({ alg, kid: key.kid, typ: 'JWT' })
        .setIssuer(options.issuer ?? issuer)
        .setAudience(options.audience ?? audience)
        .setIssuedAt()
        .setExpirationTime(options.expiresIn ?? '10m')
        .sign(key.privateKey);
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
};
