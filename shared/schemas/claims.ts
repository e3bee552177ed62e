/**
 * The claims every token carries (docs/api.md#tokens-and-claims). On AWS they come from Cognito,
 * whose custom attributes arrive as `custom:role` etc.; locally from tokens signed by the local
 * key, or from an external OpenID Connect issuer under the claim names the deployment maps.
 * All are read here, so the handlers of both runtimes see one `Caller`.
 */
import * as z from 'zod';
import { CALLER_CLAIMS, type ClaimNames, claimUnder } from '../domain/claim-names';

export const ROLES = ['reporter', 'office', 'inspector'] as const;
export const OFFICE_LEVELS = ['county', 'city', 'province'] as const;

export const regionCodeSchema = z.string().regex(/^\d{6}$/, 'must be a six-digit GB/T 2260 code');

export const callerSchema = z
  .object({
    sub: z.string().min(1),
    role: z.enum(ROLES),
    region: regionCodeSchema,
    unit: z.string().min(1).max(64).optional(),
    level: z.enum(OFFICE_LEVELS).optional(),
  })
  .superRefine((caller, ctx) => {
    if (caller.role === 'reporter' && !caller.unit) {
      ctx.addIssue({ code: 'custom', path: ['unit'], message: 'a reporter token must name its unit' });
    }
    if (caller.role === 'office' && !caller.level) {
      ctx.addIssue({ code: 'custom', path: ['level'], message: 'an office token must name its level' });
    }
  });

/** Who is calling, as the authorizer vouches for it. */
export type Caller = z.infer<typeof callerSchema>;

/**
 * Which claims of a token carry the caller's role, region, unit and level. An identity provider
 * names them its own way (a provincial platform's `division_code`, Keycloak's mapped attributes);
 * the deployment says which (`TOKEN_CLAIMS`, docs/operations.md#identity-provider). A name left out
 * is read under the API's own name, or Cognito's `custom:` spelling of it.
 */
export const claimNamesSchema = z.strictObject({
  sub: z.string().min(1).optional(),
  role: z.string().min(1).optional(),
  region: z.string().min(1).optional(),
  unit: z.string().min(1).optional(),
  level: z.string().min(1).optional(),
});
export type { ClaimNames };

/** Reads a caller from JWT claims under `names`, accepting Cognito's `custom:` prefix for the rest. */
export const callerFromClaims = (claims: Record<string, unknown>, names: ClaimNames = {}): Caller =>
  callerSchema.parse(Object.fromEntries(CALLER_CLAIMS.map((name) => [name, claimUnder(claims, name, names)])));

/**
 * Claim names given as JSON text (`TOKEN_CLAIMS`, the `oidcClaims` context) or already parsed;
 * nothing given means the API's own names. Throws naming `what` and every bad entry.
 */
export const parseClaimNames = (given: unknown, what: string): ClaimNames => {
  if (given === undefined || (typeof given === 'string' && given.trim() === '')) return {};
  let json: unknown = given;
  if (typeof given === 'string') {
    try {
      json = JSON.parse(given);
    } catch {
      throw new Error(`${what} is not JSON: ${given}`);
    }
  }
  const parsed = claimNamesSchema.safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(whole)'} ${issue.message}`);
    throw new Error(`${what} must map sub, role, region, unit or level to claim names: ${problems.join('; ')}`);
  }
  return parsed.data;
};

/** The variable that carries the claim names to the API's functions. */
export const TOKEN_CLAIMS_ENV = 'TOKEN_CLAIMS';
