/**
 * Where a caller's claims are in a token: under the API's own names (`role`, `region`, `unit`,
 * `level`), Cognito's `custom:` spelling of them, or the names an external issuer uses, as the
 * deployment maps them. One rule for the API (`shared/schemas/claims.ts`) and the web console,
 * which reads the same claims to know who is signed in.
 */

/** The claims the API reads. */
export const CALLER_CLAIMS = ['sub', 'role', 'region', 'unit', 'level'] as const;
export type CallerClaim = (typeof CALLER_CLAIMS)[number];

/** The issuer's name for each claim it names its own way. */
export type ClaimNames = { readonly [K in CallerClaim]?: string };

/**
 * The value of `name` in `claims`: under its mapped name only, when the deployment maps it (the API's
 * own name is then not read in its place); otherwise under the API's name or Cognito's `custom:` one.
 */
export const claimUnder = (
  claims: Readonly<Record<string, unknown>>,
  name: CallerClaim,
  names: ClaimNames = {},
): unknown => {
  const mapped = names[name];
  return mapped !== undefined ? claims[mapped] : (claims[name] ?? claims[`custom:${name}`]);
};
