/**
 * An OpenID Connect issuer on 127.0.0.1 for tests: its discovery document and key set (one RS256
 * and one ES256 key), and tokens it signs with either. It stands for a provincial identity platform
 * or a Keycloak realm; nothing here is the pipeline's own code.
 */
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
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

export const startTestIssuer = async (audience: string): Promise<TestIssuer> => {
  const keys = { RS256: await signingKey('RS256'), ES256: await signingKey('ES256') };
  // Not published: a key of the same algorithm and id that the issuer never announced.
  const stranger = { RS256: await signingKey('RS256'), ES256: await signingKey('ES256') };
  let issuer = '';
  const server = createServer((req, res) => {
    const send = (body: unknown) => {
      res.writeHead(200, { 'content-type': 'application/json', 'access-control-allow-origin': '*' });
      res.end(JSON.stringify(body));
    };
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
