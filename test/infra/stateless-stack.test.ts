import { beforeAll, describe, expect, it } from 'vitest';
import {
  type ApiFunctionName,
  apiFunctions,
  apiThrottle,
  type FunctionDef,
  type RouteDef,
  routes,
} from '../../infra/api';
import { buildApp, type PipelineApp } from '../../infra/bin/build-app';
import { entriesOf } from '../../infra/stacks/records';
import { workerFunctions } from '../../infra/workers';
import { logicalIdOf } from './logical-ids';
import { fastSynth, globalParts, type Json, synthesisedPipeline } from './synthesised';
import { actionsOnTable, expectTableAccess, tableIdsOf } from './table-grants';

const servedRoutes = routes;
const publicRouteKeys = ['GET /health', 'GET /v1/openapi.json'];

let pipeline: PipelineApp;
let stateless: Json;
let stateful: Json;

beforeAll(() => {
  // The shared build serves the routes of `infra/api.ts`, which are `servedRoutes`.
  ({ pipeline, stateful, stateless } = synthesisedPipeline());
});

function resourcesOfType(template: Json, type: string): [string, Json][] {
  return Object.entries<Json>(template.Resources).filter(([, resource]) => resource.Type === type);
}

function only(template: Json, type: string): [string, Json] {
  const found = resourcesOfType(template, type);
  expect(found).toHaveLength(1);
  return found[0] as [string, Json];
}

/** What an `Fn::ImportValue` in the stateless stack reads: the value the stateful stack exports under that name. */
function exported(importValue: Json): Json {
  const name = importValue['Fn::ImportValue'];
  const output = Object.values<Json>(stateful.Outputs).find((candidate) => candidate.Export?.Name === name);
  return output?.Value;
}

function logicalIdOfType(template: Json, type: string): string {
  return only(template, type)[0];
}

describe('stateless stack', () => {
  describe('HTTP API', () => {
    it('authorizes with JWTs issued by the user pool to the app client and the web console’s client', () => {
      // PREPARE
      const [, authorizer] = only(stateless, 'AWS::ApiGatewayV2::Authorizer');
      const { Issuer: issuer, Audience: audience } = authorizer.Properties.JwtConfiguration;
      const [, [scheme, , host, poolId]] = issuer['Fn::Join'];

      // ASSESS
      expect(authorizer.Properties.AuthorizerType).toBe('JWT');
      expect(authorizer.Properties.IdentitySource).toEqual(['$request.header.Authorization']);
      // The apps' client and the web console's.
      expect(audience.map(exported)).toEqual([
        { Ref: logicalIdOf(globalParts(pipeline).accounts.userPoolClient) },
        { Ref: logicalIdOf(globalParts(pipeline).accounts.webSignIn.client) },
      ]);
      expect([scheme, host]).toEqual(['https://cognito-idp.', '.amazonaws.com/']);
      expect(exported(poolId)).toEqual({ Ref: logicalIdOfType(stateful, 'AWS::Cognito::UserPool') });
    });

    it('serves exactly the described routes', () => {
      const routeKeys = resourcesOfType(stateless, 'AWS::ApiGatewayV2::Route').map(
        ([, route]) => route.Properties.RouteKey,
      );

      expect(routeKeys.sort()).toEqual(servedRoutes.map((route) => `${route.method} ${route.path}`).sort());
    });

    it('guards every route but the public health check with the JWT authorizer', () => {
      const authorizerId = logicalIdOfType(stateless, 'AWS::ApiGatewayV2::Authorizer');

      for (const [, route] of resourcesOfType(stateless, 'AWS::ApiGatewayV2::Route')) {
        const { RouteKey, AuthorizationType, AuthorizerId } = route.Properties;
        if (publicRouteKeys.includes(RouteKey)) {
          expect(AuthorizationType, RouteKey).toBe('NONE');
        } else {
          expect({ RouteKey, AuthorizationType, AuthorizerId }).toEqual({
            RouteKey,
            AuthorizationType: 'JWT',
            AuthorizerId: { Ref: authorizerId },
          });
        }
      }
    });

    it('serves the roll-up summaries from GetSummaryFunction, behind the JWT authorizer', () => {
      // PREPARE
      const authorizerId = logicalIdOfType(stateless, 'AWS::ApiGatewayV2::Authorizer');
      const route = resourcesOfType(stateless, 'AWS::ApiGatewayV2::Route').find(
        ([, candidate]) => candidate.Properties.RouteKey === 'GET /v1/summaries/{region}',
      )?.[1];
      const [prefix, integrationRef] = route?.Properties.Target['Fn::Join'][1] ?? [];
      const integration = stateless.Resources[integrationRef?.Ref];

      // ASSESS
      expect(route?.Properties).toMatchObject({ AuthorizationType: 'JWT', AuthorizerId: { Ref: authorizerId } });
      expect(prefix).toBe('integrations/');
      expect(integration?.Properties).toMatchObject({
        IntegrationType: 'AWS_PROXY',
        IntegrationUri: { 'Fn::GetAtt': [logicalIdOf(pipeline.stateless.apiFunctions.getSummary), 'Arn'] },
      });
    });

    it('refuses to make a route public unless it is on the reviewed list', () => {
      const exposed: RouteDef = { method: 'GET', path: '/v1/audit/late', fn: 'health', auth: false };

      expect(() => buildApp({ context: fastSynth, nag: false, routes: [...routes, exposed] })).toThrow(
        /GET \/v1\/audit\/late is marked auth: false/,
      );
    });

    it('logs every request as JSON to a log group kept for a year, and throttles by default', () => {
      // PREPARE
      const [, stage] = only(stateless, 'AWS::ApiGatewayV2::Stage');
      const { DestinationArn, Format } = stage.Properties.AccessLogSettings;
      const logGroup = stateless.Resources[DestinationArn['Fn::GetAtt'][0]];

      // ASSESS
      expect(stage.Properties.StageName).toBe('$default');
      expect(JSON.parse(Format)).toMatchObject({
        requestId: '$context.requestId',
        sub: '$context.authorizer.claims.sub',
      });
      expect(logGroup).toMatchObject({ Type: 'AWS::Logs::LogGroup', Properties: { RetentionInDays: 365 } });
      // The local twin throttles with the same figures (infra/local/http-server.ts).
      expect(stage.Properties.DefaultRouteSettings).toEqual({
        ThrottlingRateLimit: apiThrottle.rateLimit,
        ThrottlingBurstLimit: apiThrottle.burstLimit,
      });
    });
  });

  describe('functions', () => {
    it('has one function per described API function and worker', () => {
      expect(resourcesOfType(stateless, 'AWS::Lambda::Function')).toHaveLength(
        Object.keys(apiFunctions).length + Object.keys(workerFunctions).length,
      );
    });

    it('runs every function on Node 24, arm64, traced, and without source maps', () => {
      for (const [, fn] of resourcesOfType(stateless, 'AWS::Lambda::Function')) {
        expect(fn.Properties).toMatchObject({
          Runtime: 'nodejs24.x',
          Architectures: ['arm64'],
          TracingConfig: { Mode: 'Active' },
          MemorySize: 512,
          Environment: { Variables: { POWERTOOLS_SERVICE_NAME: expect.any(String) } },
        });
        // No map ships, so nothing may make Node look for one at every cold start.
        expect(fn.Properties.Environment.Variables).not.toHaveProperty('NODE_OPTIONS');
      }
    });

    it("keeps every function's logs for a year in its own log group", () => {
      for (const [, fn] of resourcesOfType(stateless, 'AWS::Lambda::Function')) {
        const logGroup = stateless.Resources[fn.Properties.LoggingConfig.LogGroup.Ref];

        expect(logGroup).toMatchObject({ Type: 'AWS::Logs::LogGroup', Properties: { RetentionInDays: 365 } });
        expect(logGroup.DeletionPolicy).toBe('Retain');
      }
    });

    it.each(entriesOf<ApiFunctionName, FunctionDef>(apiFunctions))(
      '%s reads and writes exactly the tables its description gives it',
      (name, def) => {
        expectTableAccess(
          { stateless, stateful },
          logicalIdOf(pipeline.stateless.apiFunctions[name].executionRole),
          tableIdsOf(pipeline.stateful.tables),
          def.tables ?? {},
        );
      },
    );

    it('gives the list of refusals the access log alone: it reads no incident', () => {
      const fn = pipeline.stateless.apiFunctions.accessDenied;
      const variables = stateless.Resources[logicalIdOf(fn)].Properties.Environment.Variables;

      expect(variables).toHaveProperty('ACCESS_LOG_TABLE');
      expect(variables).not.toHaveProperty('INCIDENTS_TABLE');
      expectTableAccess({ stateless, stateful }, logicalIdOf(fn.executionRole), tableIdsOf(pipeline.stateful.tables), {
        accessLog: 'append',
      });
    });

    it('lets only the drill routes write the Drills table, and the report intake read it', () => {
      const drillsTable = tableIdsOf(pipeline.stateful.tables).drills;
      const writers = entriesOf<ApiFunctionName, FunctionDef>(apiFunctions)
        .filter(([name]) =>
          actionsOnTable(
            { stateless, stateful },
            logicalIdOf(pipeline.stateless.apiFunctions[name].executionRole),
            drillsTable,
          ).includes('dynamodb:PutItem'),
        )
        .map(([name]) => name)
        .sort();
      expect(writers).toEqual(['endDrill', 'startDrill']);
      const intake = pipeline.stateless.apiFunctions.submitReport;
      expect(stateless.Resources[logicalIdOf(intake)].Properties.Environment.Variables).toHaveProperty('DRILLS_TABLE');
      expect(actionsOnTable({ stateless, stateful }, logicalIdOf(intake.executionRole), drillsTable)).toEqual(
        expect.arrayContaining(['dynamodb:GetItem', 'dynamodb:Query']),
      );
    });

    it('gives functions roles without AWS managed policies', () => {
      for (const [, role] of resourcesOfType(stateless, 'AWS::IAM::Role')) {
        expect(role.Properties.ManagedPolicyArns).toBeUndefined();
      }
    });
  });
});
