/**
 * The web console on AWS: its files in a private S3 bucket, served through CloudFront with origin
 * access control, and the HTTP API on the same distribution under `/v1/*` — one origin for the
 * console and the API, so no CORS. Every answer carries the console's security headers (a
 * Content-Security-Policy without inline script, HSTS, no framing). `config.json` is written at
 * deployment: the identity provider's sign-in endpoints and the web client, and the unit's time limits.
 *
 * The global partition only: in the China regions the console is served from the API's own
 * domain instead (`StatelessStack`'s console, docs/operations.md#the-web-console-in-the-china-regions).
 * Reaching a global distribution from mainland China reliably needs a domain with an ICP filing:
 * pass it as `domain` with its certificate.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { CfnOutput, DefaultStackSynthesizer, Duration, Stack, type StackProps, Token } from 'aws-cdk-lib';
import type { IHttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import { Certificate } from 'aws-cdk-lib/aws-certificatemanager';
import {
  AllowedMethods,
  CachePolicy,
  Function as CloudFrontFunction,
  Distribution,
  FunctionCode,
  FunctionEventType,
  FunctionRuntime,
  HeadersFrameOption,
  HeadersReferrerPolicy,
  HttpVersion,
  OriginProtocolPolicy,
  OriginRequestPolicy,
  OriginSslPolicy,
  ResponseHeadersPolicy,
  SecurityPolicyProtocol,
  ViewerProtocolPolicy,
} from 'aws-cdk-lib/aws-cloudfront';
import { HttpOrigin, S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import {
  BlockPublicAccess,
  Bucket,
  BucketEncryption,
  type CfnBucket,
  type IBucket,
  ObjectOwnership,
} from 'aws-cdk-lib/aws-s3';
import { BucketDeployment, CacheControl, Source } from 'aws-cdk-lib/aws-s3-deployment';
import { AwsCustomResource, AwsCustomResourcePolicy, PhysicalResourceId } from 'aws-cdk-lib/custom-resources';
import type { Construct } from 'constructs';
import { consoleContentSecurityPolicy, PERMISSIONS_POLICY } from '../../shared/adapters/http/web-security';
import { builtInPolicies } from '../../shared/adapters/policy-source';
import type { Policy } from '../../shared/domain/policy/policy';
import { type ConsoleConfig, type OidcConsoleAuth, unitLimitsOf } from '../../shared/schemas/console-config';
import { acknowledgeNag } from '../constructs/nag';
import type { CognitoAccounts } from './stateful-stack';

export interface WebStackProps extends StackProps {
  /** The HTTP API, served under `/v1/*`. */
  readonly httpApi: IHttpApi;
  /** How the console signs people in: the user pool's managed login, or an external issuer's endpoints. */
  readonly signIn: ConsoleSignIn;
  /** The attachments bucket: the console uploads photos to it and shows them from it, through presigned URLs. */
  readonly attachments: IBucket;
  /** The built console (`web/dist`). */
  readonly webDist: string;
  /** The policy whose unit limits the console counts down. @default the built-in national policy */
  readonly policy?: Policy;
  /** The console's own domain (in mainland China: ICP-filed) and its ACM certificate, in us-east-1. @default CloudFront's domain */
  readonly domain?: { readonly name: string; readonly certificateArn: string };
}

export type ConsoleSignIn =
  | { readonly kind: 'cognito'; readonly accounts: CognitoAccounts }
  | { readonly kind: 'external'; readonly auth: OidcConsoleAuth };

/** Client-side routes (`/report/new`, `/incidents/…`) are the app shell; files are themselves. */
const SPA_ROUTING = `function handler(event) {
  var request = event.request;
  var last = request.uri.split('/').pop();
  if (last.indexOf('.') === -1) request.uri = '/index.html';
  return request;
}`;

const YEAR = Duration.days(365);

export class WebStack extends Stack {
  public readonly bucket: Bucket;
  public readonly distribution: Distribution;
  /** The console's address. */
  public readonly url: string;
  /** What `/config.json` says on AWS. */
  public readonly consoleConfig: ConsoleConfig;

  constructor(scope: Construct, id: string, props: WebStackProps) {
    super(scope, id, props);
    if (!existsSync(join(props.webDist, 'index.html'))) {
      throw new Error(`the web console is not built (${props.webDist} has no index.html): run npm run build:web`);
    }

    const logs = new Bucket(this, 'AccessLogs', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      // CloudFront's standard logs are delivered with ACLs.
      objectOwnership: ObjectOwnership.BUCKET_OWNER_PREFERRED,
      lifecycleRules: [{ expiration: YEAR }],
    });
    acknowledgeNag(
      logs,
      'S1',
      'This is the access-log bucket of the distribution; logging its own access would recurse.',
    );

    this.bucket = new Bucket(this, 'Console', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      versioned: true,
    });
    acknowledgeNag(
      this.bucket,
      'S1',
      'Every read of the console goes through the distribution, whose access logs record it; the bucket is written only by the deployment, which CloudTrail records.',
    );

    const auth = props.signIn.kind === 'cognito' ? props.signIn.accounts.webSignIn.consoleAuth() : props.signIn.auth;
    // The console talks to its own origin and, to exchange a sign-in code, to the provider's.
    const signInOrigin =
      props.signIn.kind === 'cognito' ? props.signIn.accounts.webSignIn.authority : new URL(auth.tokenEndpoint).origin;

    const securityHeaders = new ResponseHeadersPolicy(this, 'SecurityHeaders', {
      comment: 'The web console: CSP without inline script, HSTS, no framing',
      securityHeadersBehavior: {
        contentSecurityPolicy: {
          contentSecurityPolicy: consoleContentSecurityPolicy(
            [signInOrigin],
            [`https://${props.attachments.bucketRegionalDomainName}`],
          ),
          override: true,
        },
        strictTransportSecurity: { accessControlMaxAge: YEAR, includeSubdomains: true, override: true },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: HeadersFrameOption.DENY, override: true },
        referrerPolicy: { referrerPolicy: HeadersReferrerPolicy.NO_REFERRER, override: true },
      },
      customHeadersBehavior: {
        customHeaders: [
          { header: 'Permissions-Policy', value: PERMISSIONS_POLICY, override: true },
          { header: 'Cross-Origin-Opener-Policy', value: 'same-origin', override: true },
        ],
      },
    });

    const spaRouting = new CloudFrontFunction(this, 'SpaRouting', {
      code: FunctionCode.fromInline(SPA_ROUTING),
      runtime: FunctionRuntime.JS_2_0,
      comment: 'Client-side routes of the web console are its app shell',
    });

    const api = new HttpOrigin(`${props.httpApi.apiId}.execute-api.${this.region}.${this.urlSuffix}`, {
      protocolPolicy: OriginProtocolPolicy.HTTPS_ONLY,
      originSslProtocols: [OriginSslPolicy.TLS_V1_2],
    });

    this.distribution = new Distribution(this, 'Distribution', {
      comment: 'Incident reporting: web console and API',
      defaultRootObject: 'index.html',
      httpVersion: HttpVersion.HTTP2_AND_3,
      enableLogging: true,
      logBucket: logs,
      logFilePrefix: 'cloudfront/',
      ...(props.domain
        ? {
            domainNames: [props.domain.name],
            certificate: Certificate.fromCertificateArn(this, 'Certificate', props.domain.certificateArn),
            minimumProtocolVersion: SecurityPolicyProtocol.TLS_V1_2_2021,
          }
        : {}),
      defaultBehavior: {
        origin: S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        cachePolicy: CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: securityHeaders,
        functionAssociations: [{ function: spaRouting, eventType: FunctionEventType.VIEWER_REQUEST }],
      },
      additionalBehaviors: {
        '/v1/*': {
          origin: api,
          viewerProtocolPolicy: ViewerProtocolPolicy.HTTPS_ONLY,
          allowedMethods: AllowedMethods.ALLOW_ALL,
          // Every answer is someone's own: never cached, the Authorization header passed through.
          cachePolicy: CachePolicy.CACHING_DISABLED,
          originRequestPolicy: OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
          responseHeadersPolicy: securityHeaders,
        },
      },
    });
    const domainName = props.domain?.name ?? this.distribution.distributionDomainName;
    this.url = `https://${domainName}`;
    const origins = [
      `https://${this.distribution.distributionDomainName}`,
      ...(props.domain ? [`https://${props.domain.name}`] : []),
    ];

    acknowledgeNag(
      this.distribution,
      'CFR1',
      'Reporting units, offices and inspectors travel (and report from wherever they are); the API authorises every request by token and jurisdiction, so no country is blocked.',
    );
    acknowledgeNag(
      this.distribution,
      'CFR2',
      'The API behind /v1/* is throttled at its stage and every route but health is authorised by JWT; the static console has nothing to protect with a WAF that a private bucket behind OAC does not.',
    );
    if (!props.domain) {
      acknowledgeNag(
        this.distribution,
        'CFR4',
        'Without a custom domain CloudFront serves its default certificate, whose minimum protocol CloudFront sets; with the domain and certificate given, TLS 1.2 (2021) is the minimum.',
      );
    }

    this.consoleConfig = {
      auth,
      unitLimits: unitLimitsOf(props.policy ?? builtInPolicies.national),
    };

    // Hashed files first and kept for a year; then the shell, the worker and config.json, never
    // cached stale: a new shell never names a file not yet uploaded, and an old one still finds its own.
    const assets = new BucketDeployment(this, 'DeployAssets', {
      sources: [Source.asset(join(props.webDist, 'assets'))],
      destinationBucket: this.bucket,
      destinationKeyPrefix: 'assets/',
      prune: false,
      cacheControl: [CacheControl.fromString('public, max-age=31536000, immutable')],
    });
    const shell = new BucketDeployment(this, 'DeployShell', {
      sources: [
        Source.asset(props.webDist, { exclude: ['assets', 'assets/*', '.build-stamp', 'config.json'] }),
        Source.jsonData('config.json', this.consoleConfig),
      ],
      destinationBucket: this.bucket,
      prune: false,
      cacheControl: [CacheControl.noCache()],
      distribution: this.distribution,
      distributionPaths: ['/*'],
    });
    shell.node.addDependency(assets);

    if (props.signIn.kind === 'cognito') {
      // The web client's callback is this distribution, known only now (see WebSignIn). An external
      // issuer's client is registered there by its administrators (docs/operations.md#identity-provider).
      const { webSignIn, userPool } = props.signIn.accounts;
      new AwsCustomResource(this, 'WebClientCallbacks', {
        onUpdate: {
          service: 'CognitoIdentityProvider',
          action: 'updateUserPoolClient',
          parameters: webSignIn.webClientUpdate(origins),
          physicalResourceId: PhysicalResourceId.of('web-client-callbacks'),
        },
        policy: AwsCustomResourcePolicy.fromSdkCalls({ resources: [userPool.userPoolArn] }),
        installLatestAwsSdk: false,
      });
    }

    this.acknowledgeDeploymentHelpers();
    new CfnOutput(this, 'ConsoleUrl', { value: this.url });
  }

  /** The CDK asset bucket's objects as cdk-nag names them: concrete where the environment is known. */
  private assetBucketObjects(): string {
    const named = (value: string, pseudo: string) => (Token.isUnresolved(value) ? `<AWS::${pseudo}>` : value);
    const qualifier =
      (this.node.tryGetContext('@aws-cdk/core:bootstrapQualifier') as string | undefined) ??
      DefaultStackSynthesizer.DEFAULT_QUALIFIER;
    return `arn:${named(this.partition, 'Partition')}:s3:::cdk-${qualifier}-assets-${named(this.account, 'AccountId')}-${named(this.region, 'Region')}/*`;
  }

  /**
   * The Lambda functions CDK itself provides to copy the console into the bucket and to update the
   * web client: deployment-time helpers, run only by CloudFormation. Their grants are CDK's, scoped
   * to this stack's bucket, the CDK asset bucket and the user pool; each finding is acknowledged by name.
   */
  private acknowledgeDeploymentHelpers(): void {
    const basicExecution =
      'IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]';
    const helper = (what: string) =>
      `${what} is CDK's own deployment-time helper, run only by CloudFormation while deploying`;
    for (const child of this.node.children) {
      const id = child.node.id;
      if (id.startsWith('Custom::CDKBucketDeployment')) {
        const why = helper('The bucket deployment function');
        acknowledgeNag(child, basicExecution, `${why}; it writes only CloudWatch logs with this policy.`);
        acknowledgeNag(child, 'L1', `${why}; CDK pins its runtime to the one its bundled AWS CLI layer supports.`);
        for (const action of ['s3:GetObject*', 's3:GetBucket*', 's3:List*', 's3:DeleteObject*', 's3:Abort*']) {
          acknowledgeNag(
            child,
            `IAM5[Action::${action}]`,
            `${why}; CDK grants it this action group on the CDK asset bucket and the console bucket only, to copy the built console.`,
          );
        }
        acknowledgeNag(
          child,
          `IAM5[Resource::${this.assetBucketObjects()}]`,
          `${why}; it reads the console's zipped files from the CDK asset bucket's objects.`,
        );
        acknowledgeNag(
          child,
          `IAM5[Resource::<${this.getLogicalId(this.bucket.node.defaultChild as CfnBucket)}.Arn>/*]`,
          `${why}; it writes the console's files, which are every object of the console bucket.`,
        );
        acknowledgeNag(
          child,
          'IAM5[Resource::*]',
          `${why}; CloudFront invalidations cannot be scoped to a distribution in IAM, so CreateInvalidation/GetInvalidation are granted on *.`,
        );
      }
      if (id.startsWith('AWS679f53fac002430cb0da5b7982bd2287')) {
        acknowledgeNag(
          child,
          basicExecution,
          `${helper('The web client update function')}; it writes only CloudWatch logs with this policy.`,
        );
      }
    }
  }
}
