/**
 * GET /health: liveness, no authentication. Answers without touching any dependency so that a
 * slow table never makes the API look dead to a load balancer or a person checking it.
 */
import middy from '@middy/core';
import type { APIGatewayProxyResultV2 } from 'aws-lambda';
import { observeApi } from '../../shared/observability';

export const handler = middy()
  .use(observeApi())
  .handler(
    async (): Promise<APIGatewayProxyResultV2> => ({
      statusCode: 200,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ status: 'ok' }),
    }),
  );
