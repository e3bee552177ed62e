/**
 * Where the stacks deploy and whom they trust, read from the CDK context (`cdk synth -c …`): the
 * partition and region, and the identity provider whose tokens the API accepts.
 *
 * The global partition (`aws`) keeps the pipeline's own Cognito user pool unless an external
 * OpenID Connect issuer is named. The China partition (`aws-cn`) has no Cognito user pools, so
 * there the operator must name an issuer — a provincial unified identity platform, a self-hosted
 * Keycloak — and no Cognito resource is synthesised.
 */
import { type ClaimNames, parseClaimNames } from '../shared/schemas/claims';

export const PARTITIONS = ['aws', 'aws-cn'] as const;
export type Partition = (typeof PARTITIONS)[number];

/** The China partition's regions: Beijing and Ningxia. */
export const CHINA_REGIONS = ['cn-north-1', 'cn-northwest-1'] as const;

/** An OpenID Connect issuer outside the stacks, named by the operator. */
export interface ExternalIssuer {
  readonly kind: 'external';
  /** The `iss` of its tokens; `<issuer>/.well-known/openid-configuration` is its discovery document. */
  readonly issuer: string;
  /** The `aud` values the API accepts: the client ids registered with the issuer. */
  readonly audience: readonly string[];
  /** The web console's client id (authorization code with PKCE). @default the first audience */
  readonly webClientId: string;
  /** Which of its claims carry role, region, unit and level. */
  readonly claimNames: ClaimNames;
  /**
   * Its endpoints the web console signs in with (synthesis is offline, so they are given rather
   * than read from the discovery document). @default - none: no console can be deployed
   */
  readonly consoleEndpoints?: {
    readonly authorizationEndpoint: string;
    readonly tokenEndpoint: string;
    readonly endSessionEndpoint?: string;
  };
}

/** The pipeline's own Cognito user pool (global partition only). */
export interface CognitoIdentity {
  readonly kind: 'cognito';
  /** The managed login's domain prefix. @default `incident-console-<account>` */
  readonly authDomainPrefix?: string;
}

export type IdentityProvider = CognitoIdentity | ExternalIssuer;

/**
 * Who sends officers' SMS: SNS, through each officer's `sms` subscription (global partition only),
 * or the SMS worker through Tencent Cloud SMS, with the application, approved sign name and template
 * registered there. Its API keys go in the secret the stateful stack makes.
 */
export type SmsSetup =
  | { readonly channel: 'sns' }
  | {
      readonly channel: 'tencent-cloud';
      readonly sdkAppId: string;
      readonly signName: string;
      readonly templateId: string;
      /** The API region. @default ap-beijing */
      readonly region: string;
    };

export interface Deployment {
  readonly partition: Partition;
  /** Undefined in the global partition when the stacks are environment-agnostic. */
  readonly region?: string;
  readonly identity: IdentityProvider;
  readonly sms: SmsSetup;
}

/** Reads a context value, as `app.node.tryGetContext` does. */
export type ContextReader = (key: string) => unknown;

const text = (value: unknown): string | undefined =>
  typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;

/** A list given as a JSON array (`-c oidcAudience='["a","b"]'`) or as comma-separated text. */
const list = (value: unknown): string[] => {
  if (Array.isArray(value)) return value.map(String).filter((item) => item !== '');
  const given = text(value);
  if (!given) return [];
  if (given.startsWith('[')) return (JSON.parse(given) as unknown[]).map(String);
  return given
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
};

const httpsUrl = (context: ContextReader, key: string): string | undefined => {
  const url = text(context(key));
  if (url !== undefined && !url.startsWith('https://')) throw new Error(`${key} must be an https:// URL, not ${url}`);
  return url;
};

const consoleEndpoints = (context: ContextReader): Pick<ExternalIssuer, 'consoleEndpoints'> => {
  const authorizationEndpoint = httpsUrl(context, 'oidcAuthorizationEndpoint');
  const tokenEndpoint = httpsUrl(context, 'oidcTokenEndpoint');
  const endSessionEndpoint = httpsUrl(context, 'oidcEndSessionEndpoint');
  if (!authorizationEndpoint && !tokenEndpoint) return {};
  if (!authorizationEndpoint || !tokenEndpoint) {
    throw new Error('the web console needs both oidcAuthorizationEndpoint and oidcTokenEndpoint');
  }
  return {
    consoleEndpoints: { authorizationEndpoint, tokenEndpoint, ...(endSessionEndpoint ? { endSessionEndpoint } : {}) },
  };
};

const smsSetup = (context: ContextReader, inChina: boolean): SmsSetup => {
  const channel = text(context('smsChannel')) ?? (inChina ? 'tencent-cloud' : 'sns');
  if (channel === 'sns') {
    if (inChina) throw new Error('SNS sends no SMS in the AWS China regions: use -c smsChannel=tencent-cloud');
    return { channel };
  }
  if (channel !== 'tencent-cloud') throw new Error(`smsChannel must be sns or tencent-cloud, not ${channel}`);
  const missing = ['smsSdkAppId', 'smsSignName', 'smsTemplateId'].filter((key) => !text(context(key)));
  if (missing.length > 0) {
    throw new Error(
      `Tencent Cloud SMS needs ${missing.map((key) => `-c ${key}=…`).join(' ')}: the SMS application, ` +
        'the approved sign name and the approved template (see docs/operations.md#sms-in-the-china-regions)',
    );
  }
  return {
    channel,
    sdkAppId: text(context('smsSdkAppId')) ?? '',
    signName: text(context('smsSignName')) ?? '',
    templateId: text(context('smsTemplateId')) ?? '',
    region: text(context('smsRegion')) ?? 'ap-beijing',
  };
};

/**
 * The deployment the context describes:
 *
 * - `partition`: `aws` (default) or `aws-cn`;
 * - `region`: the region of every stack; in `aws-cn` `cn-north-1` by default, or `cn-northwest-1`;
 *   in `aws` CDK_DEFAULT_REGION or none (environment-agnostic);
 * - `oidcIssuer`, `oidcAudience`, `oidcWebClientId`, `oidcClaims`: an external issuer (required in
 *   `aws-cn`); `oidcClaims` is JSON, e.g. `{"role":"emergency_role","region":"division_code"}`;
 * - `oidcAuthorizationEndpoint`, `oidcTokenEndpoint`, `oidcEndSessionEndpoint`: its endpoints, for
 *   the web console's sign-in;
 * - `authDomainPrefix`: the Cognito managed login's prefix (global partition, no external issuer);
 * - `smsChannel`: `sns` (global default) or `tencent-cloud` (China default), with `smsSdkAppId`,
 *   `smsSignName`, `smsTemplateId` and `smsRegion` for Tencent Cloud SMS.
 */
export function deploymentFrom(context: ContextReader, defaultRegion?: string): Deployment {
  const partition = text(context('partition')) ?? 'aws';
  if (!(PARTITIONS as readonly string[]).includes(partition)) {
    throw new Error(`partition must be one of ${PARTITIONS.join(', ')}, not ${partition}`);
  }
  const inChina = partition === 'aws-cn';
  const region =
    text(context('region')) ??
    (inChina ? (defaultRegion?.startsWith('cn-') ? defaultRegion : CHINA_REGIONS[0]) : defaultRegion);
  if (inChina !== (region?.startsWith('cn-') ?? false) && region !== undefined) {
    throw new Error(`region ${region} is not in the ${partition} partition`);
  }
  if (inChina && !(CHINA_REGIONS as readonly string[]).includes(region ?? '')) {
    throw new Error(`partition aws-cn deploys to ${CHINA_REGIONS.join(' or ')}, not ${region}`);
  }

  const issuer = text(context('oidcIssuer'));
  if (!issuer && inChina) {
    throw new Error(
      'Cognito user pools are not available in the AWS China regions: name the OpenID Connect issuer ' +
        'whose tokens the API accepts, e.g. -c oidcIssuer=https://id.example.gov.cn/realms/emergency ' +
        '-c oidcAudience=incident-console (see docs/operations.md#identity-provider)',
    );
  }
  const sms = smsSetup(context, inChina);
  if (!issuer) {
    const authDomainPrefix = text(context('authDomainPrefix'));
    return {
      partition: 'aws',
      ...(region ? { region } : {}),
      identity: { kind: 'cognito', ...(authDomainPrefix ? { authDomainPrefix } : {}) },
      sms,
    };
  }
  if (!issuer.startsWith('https://')) throw new Error(`oidcIssuer must be an https:// URL, not ${issuer}`);
  const audience = list(context('oidcAudience'));
  const [firstAudience] = audience;
  if (firstAudience === undefined) {
    throw new Error('oidcIssuer needs oidcAudience: the client id(s) its tokens are issued to');
  }
  return {
    partition: inChina ? 'aws-cn' : 'aws',
    ...(region ? { region } : {}),
    identity: {
      kind: 'external',
      // Exactly as its tokens' `iss` spells it (some end in a slash).
      issuer,
      audience,
      webClientId: text(context('oidcWebClientId')) ?? firstAudience,
      claimNames: parseClaimNames(context('oidcClaims'), 'oidcClaims'),
      ...consoleEndpoints(context),
    },
    sms,
  };
}
