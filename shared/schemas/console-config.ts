/**
 * `/config.json`: what the web console needs to know about where it is served, written by the
 * local runtime (`npm start`) and by the web stack's deployment on AWS. Nothing secret: it is
 * public, like the console itself.
 */

import type { ClaimNames } from '../domain/claim-names';
import type { Grade } from '../domain/grade';
import type { Category } from '../domain/incident';
import type { Policy } from '../domain/policy/policy';
import { overrideRank } from '../domain/policy/policy';

/** One identity the local sign-in page offers (local runtime only). */
export interface LocalIdentity {
  readonly id: string;
  readonly role: 'reporter' | 'office' | 'inspector';
  readonly region: string;
  readonly unit?: string;
  readonly level?: 'county' | 'city' | 'province';
  /** The unit's or person's name, in Chinese and English. */
  readonly label: { readonly 'zh-CN': string; readonly en: string };
}

export type ConsoleAuth =
  | {
      /** The local runtime: `POST /local/sign-in` mints a token for one of `identities`. */
      readonly kind: 'local';
      readonly identities: readonly LocalIdentity[];
    }
  | {
      /**
       * An OpenID Connect provider — Cognito's managed login, or the external issuer the deployment
       * names (docs/operations.md#identity-provider): authorization code with PKCE.
       */
      readonly kind: 'oidc';
      /** Where the person signs in (the discovery document's `authorization_endpoint`). */
      readonly authorizationEndpoint: string;
      /** Where the console exchanges the code and renews tokens (`token_endpoint`). */
      readonly tokenEndpoint: string;
      /** Where signing out ends the provider's session too (`end_session_endpoint`). @default - none */
      readonly endSessionEndpoint?: string;
      readonly clientId: string;
      readonly scopes: readonly string[];
      /** The issuer's names for the caller's claims, which the console reads too. @default the API's own */
      readonly claimNames?: ClaimNames;
    };

/** The scopes the console asks an OpenID Connect provider for: an ID token and the person's name. */
export const OIDC_SCOPES = ['openid', 'profile'] as const;

/** The sign-in through an OpenID Connect provider. */
export type OidcConsoleAuth = Extract<ConsoleAuth, { kind: 'oidc' }>;

/** The unit's own time limit (to its county office, from learning of the incident), with overrides. */
export interface UnitLimits {
  readonly policy: string;
  readonly defaultMs: number;
  /** Every override of the unit's limit, each with its rank: the highest-ranked that applies decides. */
  readonly overrides: readonly {
    readonly jurisdiction: string;
    readonly grades?: readonly Grade[];
    readonly categories?: readonly Category[];
    readonly ms: number;
    readonly rank: number;
  }[];
}

export interface ConsoleConfig {
  readonly auth: ConsoleAuth;
  readonly unitLimits: UnitLimits;
}

/** The unit's limits of a policy, as the console computes the time left before them. */
export const unitLimitsOf = (policy: Policy): UnitLimits => ({
  policy: policy.name,
  defaultMs: policy.limits.unitToCounty,
  overrides: policy.overrides.flatMap((override) => {
    const ms = override.limits.unitToCounty;
    if (ms === undefined) return [];
    return [
      {
        jurisdiction: override.jurisdiction,
        ...(override.grades ? { grades: override.grades } : {}),
        ...(override.categories ? { categories: override.categories } : {}),
        ms,
        rank: overrideRank(override),
      },
    ];
  }),
});
