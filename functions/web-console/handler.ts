/**
 * The web console on the HTTP API's own domain, where there is no CloudFront (the AWS China regions,
 * whose CloudFront needs an ICP-filed domain for every distribution): the HTTP API's default route,
 * which every path that is not an API route reaches, answers with the built console shipped beside
 * this bundle (`console/`), as the local runtime does beside its API. `/config.json` names the
 * identity provider's endpoints (`CONSOLE_AUTH`) and the national policy's unit limits.
 */
import { join } from 'node:path';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import * as z from 'zod';
import { makeConsoleFiles } from '../../shared/adapters/http/console-files';
import { builtInPolicies } from '../../shared/adapters/policy-source';
import { readEnv } from '../../shared/config/env';
import { claimNamesSchema } from '../../shared/schemas/claims';
import { unitLimitsOf } from '../../shared/schemas/console-config';

const env = readEnv(z.object({ CONSOLE_AUTH: z.string().min(1), ATTACHMENT_ORIGIN: z.url() }));
const auth = z
  .object({
    kind: z.literal('oidc'),
    authorizationEndpoint: z.url(),
    tokenEndpoint: z.url(),
    endSessionEndpoint: z.url().optional(),
    clientId: z.string().min(1),
    scopes: z.array(z.string()),
    claimNames: claimNamesSchema.optional(),
  })
  .parse(JSON.parse(env.CONSOLE_AUTH));

const files = makeConsoleFiles({
  dist: join(import.meta.dirname, 'console'),
  config: { auth, unitLimits: unitLimitsOf(builtInPolicies.national) },
  // Served over HTTPS only (API Gateway has no plain-HTTP endpoint): browsers may insist on it.
  extraHeaders: { 'strict-transport-security': 'max-age=31536000; includeSubDomains' },
  attachmentOrigin: env.ATTACHMENT_ORIGIN,
});

export const handler = async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => {
  const answer = files({
    method: event.requestContext.http.method,
    path: event.rawPath,
    acceptsGzip: /\bgzip\b/.test(event.headers['accept-encoding'] ?? ''),
  });
  if (!answer) return { statusCode: 404, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: 'not found' };
  return {
    statusCode: answer.status,
    headers: { ...answer.headers },
    body: answer.body.toString('base64'),
    isBase64Encoded: true,
  };
};
