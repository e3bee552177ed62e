/** GET /v1/openapi.json: the API's OpenAPI 3.1 document, public like /health. */
import middy from '@middy/core';
import type { APIGatewayProxyResultV2 } from 'aws-lambda';
import { observeApi } from '../../shared/observability';
import { buildOpenApiDocument } from '../../shared/schemas/openapi';

// Built once per container: the schemas do not change while it runs.
const document = JSON.stringify(buildOpenApiDocument());

export const handler = middy()
  .use(observeApi())
  .handler(
    async (): Promise<APIGatewayProxyResultV2> => ({
      statusCode: 200,
      headers: { 'content-type': 'application/json', 'cache-control': 'public, max-age=300' },
      body: document,
    }),
  );
