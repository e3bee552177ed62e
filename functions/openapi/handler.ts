/**
 * GET /v1/openapi.json: the API's OpenAPI 3.1 document, public like /health.
 *
 * The document is generated from the schemas (`shared/schemas/openapi.ts`) when the function is
 * bundled, into `openapi.json` beside the bundle (`generatedFiles` in `infra/api.ts`); the local
 * runtime generates it beside this file when it starts. The function itself carries no schema.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import middy from '@middy/core';
import type { APIGatewayProxyResultV2 } from 'aws-lambda';
import { observeApi } from '../../shared/observability';

// Read once per container: the document does not change while it runs.
const document = readFileSync(join(import.meta.dirname, 'openapi.json'), 'utf8');

export const handler = middy()
  .use(observeApi())
  .handler(
    async (): Promise<APIGatewayProxyResultV2> => ({
      statusCode: 200,
      headers: { 'content-type': 'application/json', 'cache-control': 'public, max-age=300' },
      body: document,
    }),
  );
