/**
 * The web console's sign-in on AWS: an app client of the user pool for the managed login
 * (authorization code with PKCE; a public client, no secret), and the pool's managed-login domain.
 *
 * The client's callback must be the console's own address, which is CloudFront's domain, known only
 * once the web stack's distribution exists — and the API must accept the client's tokens, so the
 * stateless stack needs the client first. The client therefore lives here, in the stateful stack,
 * and the web stack sets its callback and sign-out URLs once the distribution exists
 * ({@link webClientUpdate}): one description of the client's settings serves both, so they cannot
 * drift apart.
 */
import { Duration } from 'aws-cdk-lib';
import {
  CfnManagedLoginBranding,
  type CfnUserPoolClient,
  type ClientAttributes,
  ManagedLoginVersion,
  OAuthScope,
  type UserPool,
  type UserPoolClient,
  UserPoolClientIdentityProvider,
  type UserPoolDomain,
} from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';
import { OIDC_SCOPES, type OidcConsoleAuth } from '../../shared/schemas/console-config';

/** Where the managed login sends the person back with a code, on the console's origin. */
export const WEB_CALLBACK_PATH = '/auth/callback';
export const WEB_SCOPES = OIDC_SCOPES;
export const WEB_CLIENT_NAME = 'incident-console';

const ACCESS_TOKEN = Duration.hours(1);
const ID_TOKEN = Duration.hours(1);
/** A shift: after 12 hours the person signs in again. */
const REFRESH_TOKEN = Duration.hours(12);

export interface WebSignInProps {
  readonly userPool: UserPool;
  /** The managed login's domain: `https://<prefix>.auth.<region>.amazoncognito.com`. */
  readonly domainPrefix: string;
  readonly readAttributes: ClientAttributes;
  readonly writeAttributes: ClientAttributes;
  /** The console's origins known when the pool is made (a custom domain); CloudFront's is added by the web stack. */
  readonly origins: readonly string[];
}

export class WebSignIn extends Construct {
  public readonly client: UserPoolClient;
  public readonly domain: UserPoolDomain;
  /** The managed login's base URL: the origin the console talks to in order to sign in. */
  public readonly authority: string;
  readonly #userPoolId: string;
  readonly #readAttributes: readonly string[];
  readonly #writeAttributes: readonly string[];

  constructor(scope: Construct, id: string, props: WebSignInProps) {
    super(scope, id);
    // Cognito wants a callback from the start; until the web stack sets the real one, a local one.
    const origins = props.origins.length > 0 ? props.origins : ['https://localhost'];
    this.client = props.userPool.addClient('WebClient', {
      userPoolClientName: WEB_CLIENT_NAME,
      // A browser app: a secret shipped inside it is no secret. PKCE protects the code instead.
      generateSecret: false,
      oAuth: {
        flows: { authorizationCodeGrant: true },
        scopes: [OAuthScope.OPENID, OAuthScope.PROFILE],
        callbackUrls: origins.map((origin) => `${origin}${WEB_CALLBACK_PATH}`),
        logoutUrls: origins.map((origin) => `${origin}/`),
      },
      supportedIdentityProviders: [UserPoolClientIdentityProvider.COGNITO],
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
      accessTokenValidity: ACCESS_TOKEN,
      idTokenValidity: ID_TOKEN,
      refreshTokenValidity: REFRESH_TOKEN,
      readAttributes: props.readAttributes,
      writeAttributes: props.writeAttributes,
    });
    // Nothing but the refresh of tokens the managed login issued (CDK leaves Cognito's defaults
    // — SRP and custom flows too — when no flow is named).
    (this.client.node.defaultChild as CfnUserPoolClient).explicitAuthFlows = ['ALLOW_REFRESH_TOKEN_AUTH'];
    this.domain = props.userPool.addDomain('ManagedLogin', {
      cognitoDomain: { domainPrefix: props.domainPrefix },
      managedLoginVersion: ManagedLoginVersion.NEWER_MANAGED_LOGIN,
    });
    // The newer managed login shows nothing until the client has a style; Cognito's own will do.
    const branding = new CfnManagedLoginBranding(this, 'Branding', {
      userPoolId: props.userPool.userPoolId,
      clientId: this.client.userPoolClientId,
      useCognitoProvidedValues: true,
    });
    branding.node.addDependency(this.domain);
    this.authority = this.domain.baseUrl();
    this.#userPoolId = props.userPool.userPoolId;
    this.#readAttributes = props.readAttributes.attributes();
    this.#writeAttributes = props.writeAttributes.attributes();
  }

  /** The managed login's endpoints, as the console's `config.json` names them. */
  consoleAuth(): OidcConsoleAuth {
    return {
      kind: 'oidc',
      authorizationEndpoint: `${this.authority}/oauth2/authorize`,
      tokenEndpoint: `${this.authority}/oauth2/token`,
      endSessionEndpoint: `${this.authority}/logout`,
      clientId: this.client.userPoolClientId,
      scopes: [...WEB_SCOPES],
    };
  }

  /**
   * The `UpdateUserPoolClient` call that gives the client these origins. Cognito replaces every
   * setting an update leaves out, so the call states them all, exactly as the client above.
   */
  webClientUpdate(origins: readonly string[]): Record<string, unknown> {
    return {
      UserPoolId: this.#userPoolId,
      ClientId: this.client.userPoolClientId,
      ClientName: WEB_CLIENT_NAME,
      ExplicitAuthFlows: ['ALLOW_REFRESH_TOKEN_AUTH'],
      AllowedOAuthFlows: ['code'],
      AllowedOAuthScopes: [...WEB_SCOPES],
      AllowedOAuthFlowsUserPoolClient: true,
      SupportedIdentityProviders: ['COGNITO'],
      CallbackURLs: origins.map((origin) => `${origin}${WEB_CALLBACK_PATH}`),
      LogoutURLs: origins.map((origin) => `${origin}/`),
      PreventUserExistenceErrors: 'ENABLED',
      EnableTokenRevocation: true,
      AccessTokenValidity: ACCESS_TOKEN.toMinutes(),
      IdTokenValidity: ID_TOKEN.toMinutes(),
      RefreshTokenValidity: REFRESH_TOKEN.toMinutes(),
      TokenValidityUnits: { AccessToken: 'minutes', IdToken: 'minutes', RefreshToken: 'minutes' },
      ReadAttributes: [...this.#readAttributes],
      WriteAttributes: [...this.#writeAttributes],
    };
  }
}
