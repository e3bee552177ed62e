/**
 * The claims every token carries (docs/api.md#tokens-and-claims). On AWS they come from Cognito,
 * whose custom attributes arrive as `custom:role` etc.; locally from tokens signed by the local
 * key. Both shapes are accepted so the handlers see one `Caller`.
 */
import * as z from 'zod';

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

/** Reads a caller from JWT claims, accepting Cognito's `custom:` prefix. */
export const callerFromClaims = (claims: Record<string, unknown>): Caller => {
  const pick = (name: string): unknown => claims[name] ?? claims[`custom:${name}`];
  return callerSchema.parse({
    sub: pick('sub'),
    role: pick('role'),
    region: pick('region'),
    unit: pick('unit'),
    level: pick('level'),
  });
};
