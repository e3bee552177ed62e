/**
 * The compute in front of the data: the HTTP API, its JWT authorizer and one function per entry
 * of `apiFunctions` in `infra/api.ts`, one route per entry of `routes`. It holds nothing that
 * cannot be redeployed from scratch; the resources it uses arrive from the stateful stack through
 * typed props.
 */
import { CfnOutput, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  HttpApi,
  HttpMethod,
  HttpNoneAuthorizer,
  type HttpStage,
  type IHttpRouteAuthorizer,
  LogGroupLogDestination,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { IUserPool, IUserPoolClient } from 'aws-cdk-lib/aws-cognito';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { type ApiFunctionName, apiFunctions, type FunctionDef, type RouteDef, routes } from '../api';
import { acknowledgeNag } from '../constructs/nag';
import { PipelineFunction } from '../constructs/pipeline-function';
import { type QueueName, type TableName, type TopicName, tables, topics } from '../resources';
import { entriesOf, mapRecord } from './records';

/**
 * The routes anyone may call without a token, each with the reason that makes it safe. A route
 * marked `auth: false` in `infra/api.ts` but missing here fails synthesis, so opening a route to
 * the public is always a deliberate, reviewed change.
 */
const publicRoutes: Readonly<Record<string, string>> = {
  'GET /health':
    'Liveness probe for load balancers and people checking the API: it answers a constant and reads no data.',
  'GET /v1/openapi.json': 'The published API contract, generated from the schemas: it contains no data.',
};

/** What the stateless stack needs from the stateful one. */
export interface StatelessStackProps extends StackProps {
  /** The tables of `infra/resources.ts`, by name. */
  readonly tables: Readonly<Record<TableName, ITable>>;
  /** The topics of `infra/resources.ts`, by name. */
  readonly topics: Readonly<Record<TopicName, ITopic>>;
  /** The queues of `infra/resources.ts`, by name, for the functions that consume them. */
  readonly queues: Readonly<Record<QueueName, IQueue>>;
  /** The pool whose tokens the API accepts. */
  readonly userPool: IUserPool;
  /** The app client tokens must be issued to (the JWT audience). */
  readonly userPoolClient: IUserPoolClient;
  /** The routes to serve; tests pass their own to exercise routes not yet written. @default - `routes` of `infra/api.ts` */
  readonly routes?: readonly RouteDef[];
}

/** The HTTP API and the functions behind it. */
export class StatelessStack extends Stack {
  /** The HTTP API. */
  public readonly httpApi: HttpApi;
  /** Its only stage, `$default`, with access logs and throttling. */
  public readonly stage: HttpStage;
  /** One function per entry of `apiFunctions`. */
  public readonly apiFunctions: Readonly<Record<ApiFunctionName, PipelineFunction>>;

  constructor(scope: Construct, id: string, props: StatelessStackProps) {
    super(scope, id, props);

    const definitions: Readonly<Record<ApiFunctionName, FunctionDef>> = apiFunctions;
    this.apiFunctions = mapRecord(definitions, (def) => this.apiFunction(def, props));

    this.httpApi = new HttpApi(this, 'HttpApi', {
      description: 'Emergency incident reporting API',
      // The stage is made below so that it can carry access logging and throttling.
      createDefaultStage: false,
    });
    this.stage = this.httpApi.addStage('DefaultStage', {
      stageName: '$default',
      autoDeploy: true,
      // A ceiling against a runaway client, far above what reporting units and offices send even
      // during a large disaster; raise it with evidence, not by guess.
      throttle: { rateLimit: 100, burstLimit: 200 },
      accessLogSettings: { destination: new LogGroupLogDestination(this.accessLogs()), format: accessLogFormat() },
    });

    // Tokens are Cognito's, issued to our app client; the handler reads role and jurisdiction
    // from the verified claims.
    const issuer = `https://cognito-idp.${this.region}.amazonaws.com/${props.userPool.userPoolId}`;
    const jwtAuthorizer = new HttpJwtAuthorizer('JwtAuthorizer', issuer, {
      jwtAudience: [props.userPoolClient.userPoolClientId],
    });

    const integrations = mapRecord(
      this.apiFunctions,
      (fn, name) => new HttpLambdaIntegration(`${definitions[name].id}Integration`, fn),
    );
    for (const route of props.routes ?? routes) {
      this.route(route, integrations[route.fn], route.auth ? jwtAuthorizer : publicAuthorizer(route));
    }

    new CfnOutput(this, 'ApiUrl', { value: this.stage.url });
  }

  private apiFunction(def: FunctionDef, props: StatelessStackProps): PipelineFunction {
    const fn = new PipelineFunction(this, def.id, { entry: def.entry });
    for (const [name, access] of entriesOf(def.tables ?? {})) {
      fn.bindTable(props.tables[name], tables[name].env, access);
    }
    for (const name of def.publishes ?? []) {
      fn.bindTopic(props.topics[name], topics[name].env);
    }
    return fn;
  }

  private route(route: RouteDef, integration: HttpLambdaIntegration, authorizer: IHttpRouteAuthorizer): void {
    const [httpRoute] = this.httpApi.addRoutes({
      path: route.path,
      methods: [HttpMethod[route.method]],
      integration,
      authorizer,
    });
    const reason = publicRoutes[routeKey(route)];
    if (!route.auth && httpRoute && reason) {
      acknowledgeNag(httpRoute, 'APIG4', reason);
    }
  }

  private accessLogs(): LogGroup {
    return new LogGroup(this, 'ApiAccessLogs', {
      // Who called what, and when, is part of the accountability record.
      retention: RetentionDays.ONE_YEAR,
      removalPolicy: RemovalPolicy.RETAIN,
    });
  }
}

function routeKey(route: RouteDef): string {
  return `${route.method} ${route.path}`;
}

function publicAuthorizer(route: RouteDef): HttpNoneAuthorizer {
  if (publicRoutes[routeKey(route)] === undefined) {
    throw new Error(
      `${routeKey(route)} is marked auth: false, but only these routes may be public: ` +
        `${Object.keys(publicRoutes).join(', ')}. Add it to publicRoutes with the reason it is safe.`,
    );
  }
  return new HttpNoneAuthorizer();
}

/** One JSON line per request; `sub` ties every call to the account that made it. */
function accessLogFormat(): AccessLogFormat {
  return AccessLogFormat.custom(
    JSON.stringify({
      requestId: '$context.requestId',
      requestTime: '$context.requestTime',
      ip: '$context.identity.sourceIp',
      userAgent: '$context.identity.userAgent',
      routeKey: '$context.routeKey',
      status: '$context.status',
      protocol: '$context.protocol',
      responseLength: '$context.responseLength',
      latencyMs: '$context.responseLatency',
      sub: '$context.authorizer.claims.sub',
      authorizerError: '$context.authorizer.error',
      integrationError: '$context.integrationErrorMessage',
    }),
  );
}
