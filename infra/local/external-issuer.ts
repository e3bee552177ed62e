/**
 * The local runtime trusting an external OpenID Connect issuer, as the API's JWT authorizer does on
 * AWS when the deployment names one (infra/deployment.ts): the issuer's discovery document names its
 * key set and endpoints; a token is accepted only if one of those keys signed it (RS256 or ES256),
 * its `iss` is the issuer, its `aud` one of the audiences, and it has not expired.
 */
import { createRemoteJWKSet, jwtVerify } from 'jose';
import * as z from 'zod';
import type { ClaimNames } from '../../shared/schemas/claims';
import type { OidcConsoleAuth } from '../../shared/schemas/console-config';
import { OIDC_SCOPES } from '../../shared/schemas/console-config';

/** The algorithms API Gateway's JWT authorizer verifies, and so the only ones accepted here. */
const ALGORITHMS = ['RS256', 'ES256'];

export interface ExternalIssuerOptions {
  /** The tokens' `iss`; its discovery document is `<issuer>/.well-known/openid-configuration`. */
  readonly issuer: string;
  /** The client ids tokens must be issued to. */
  readonly audience: readonly string[];
  /** The issuer's names for role, region, unit and level. @default the API's own */
  readonly claimNames?: ClaimNames;
  /** The web console's client id. @default the first audience */
  readonly webClientId?: string;
}

export interface ExternalIssuer {
  /** Verifies signature, issuer, audience and expiry; returns the claims. Throws if any fails. */
  verify(token: string): Promise<Record<string, unknown>>;
  /** The console's sign-in at the issuer (authorization code with PKCE). */
  readonly consoleAuth: OidcConsoleAuth;
}

const url = z.url({ protocol: /^https?$/ });
const discoverySchema = z.object({
  issuer: z.string().min(1),
  jwks_uri: url,
  authorization_endpoint: url,
  token_endpoint: url,
  end_session_endpoint: url.optional(),
});

/** The issuer cannot be trusted as configured: its address, or its discovery document. */
export class ExternalIssuerError extends Error {
  override readonly name = 'ExternalIssuerError';
}

/** Plain HTTP only on this machine (a test issuer); anything reached over a network needs TLS. */
const checkTransport = (address: string, what: string): void => {
  const parsed = new URL(address);
  const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(parsed.hostname);
  if (parsed.protocol !== 'https:' && !(parsed.protocol === 'http:' && loopback)) {
    throw new ExternalIssuerError(`${what} must be an https:// URL (plain http only on this machine), not ${address}`);
  }
};

/** Reads the issuer's discovery document and returns its verifier; throws, naming the problem, if it cannot. */
export const openExternalIssuer = async (options: ExternalIssuerOptions): Promise<ExternalIssuer> => {
  checkTransport(options.issuer, 'the issuer');
  const [firstAudience] = options.audience;
  if (firstAudience === undefined)
    throw new ExternalIssuerError('an external issuer needs at least one audience (client id)');
  const discoveryUrl = `${options.issuer.replace(/\/$/, '')}/.well-known/openid-configuration`;
  let answer: Response;
  try {
    answer = await fetch(discoveryUrl, { signal: AbortSignal.timeout(10_000) });
  } catch (error) {
    throw new ExternalIssuerError(
      `cannot read the issuer's discovery document ${discoveryUrl}: ${(error as Error).message}`,
    );
  }
  if (!answer.ok)
    throw new ExternalIssuerError(`the issuer's discovery document ${discoveryUrl} answered ${answer.status}`);
  const parsed = discoverySchema.safeParse(await answer.json());
  if (!parsed.success) {
    throw new ExternalIssuerError(
      `the issuer's discovery document ${discoveryUrl} is not usable: ${parsed.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}`,
    );
  }
  const discovery = parsed.data;
  // OpenID Connect Discovery 1.0, section 4.3: the document's issuer must be the one asked about.
  if (discovery.issuer !== options.issuer) {
    throw new ExternalIssuerError(`the discovery document names issuer ${discovery.issuer}, not ${options.issuer}`);
  }
  for (const [what, address] of Object.entries({
    jwks_uri: discovery.jwks_uri,
    token_endpoint: discovery.token_endpoint,
  })) {
    checkTransport(address, what);
  }
  const keys = createRemoteJWKSet(new URL(discovery.jwks_uri));
  return {
    async verify(token) {
      const { payload } = await jwtVerify(token, keys, {
        issuer: options.issuer,
        audience: [...options.audience],
        algorithms: ALGORITHMS,
      });
      return payload as Record<string, unknown>;
    },
    consoleAuth: {
      kind: 'oidc',
      authorizationEndpoint: discovery.authorization_endpoint,
      tokenEndpoint: discovery.token_endpoint,
      ...(discovery.end_session_endpoint ? { endSessionEndpoint: discovery.end_session_endpoint } : {}),
      clientId: options.webClientId ?? firstAudience,
      scopes: [...OIDC_SCOPES],
      ...(options.claimNames && Object.keys(options.claimNames).length > 0 ? { claimNames: options.claimNames } : {}),
    },
  };
};
