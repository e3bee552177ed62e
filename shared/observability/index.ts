/**
 * Logger, metrics and tracer, created once per process and shared by every handler in it, and
 * the middleware that applies them to a handler. The service name comes from
 * POWERTOOLS_SERVICE_NAME, set by the function construct on AWS and by the local runtime.
 */

import { getXrayTraceDataFromEnv } from '@aws-lambda-powertools/commons/utils/env';
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { MiddlewareObj } from '@middy/core';
import { METRICS_NAMESPACE, SERVICE_NAME } from './metric-names';
import { makePipelineMetrics } from './pipeline-metrics';
import { makeXRayTracer } from './xray';

const serviceName = process.env.POWERTOOLS_SERVICE_NAME ?? SERVICE_NAME;

export const logger = new Logger({ serviceName });
export const metrics = new Metrics({ serviceName, namespace: METRICS_NAMESPACE });
// Locally there is no X-Ray daemon: the tracer is a no-op unless running in Lambda.
export const tracer = makeXRayTracer({
  serviceName,
  enabled: Boolean(process.env.AWS_LAMBDA_FUNCTION_NAME),
  // The invocation's trace header, where Powertools' logger also reads it.
  traceHeader: () => {
    const data = getXrayTraceDataFromEnv();
    return data?.Root && data.Parent ? `Root=${data.Root};Parent=${data.Parent};Sampled=${data.Sampled}` : undefined;
  },
});

/** The pipeline's business and technical metrics, recorded from use cases' outcomes (`./pipeline-metrics.ts`). */
export const pipelineMetrics = makePipelineMetrics(metrics);

// biome-ignore lint/suspicious/noExplicitAny: each middleware fits every handler's event and result
type AnyMiddleware = MiddlewareObj<any, any>;

/**
 * The cold-start metric before the handler, and after it (or its error) whatever it recorded, as
 * one EMF line. Not Powertools' `logMetrics`, which also writes a warning line for every
 * invocation that recorded nothing: every read of the API, every idle queue poll.
 */
const publishMetrics = (): AnyMiddleware => {
  const flush = (): void => {
    if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
  };
  return {
    before: (request) => {
      metrics.captureColdStartMetric(request.context.functionName);
    },
    after: flush,
    onError: flush,
  };
};

/**
 * The tracer's segment around the handler. The response is not recorded: answers carry reporters'
 * and officers' names and numbers, which have no place in traces kept outside the tables' access
 * controls.
 */
const traceHandler = (): AnyMiddleware => tracer.handlerMiddleware();

/**
 * As {@link traceHandler}, for the HTTP edge, where the error middleware (registered after this
 * one, so its `onError` runs first) has already answered every error: an answer below 500 is a
 * refusal the contract foresees, and closes the segment as a success; only a 500, or an error
 * nobody answered, is recorded as the fault it is.
 */
const traceAnswers = (): AnyMiddleware =>
  tracer.handlerMiddleware((request) => {
    const status = (request.response as { statusCode?: number } | undefined)?.statusCode;
    return status === undefined || status >= 500;
  });

/**
 * Logger context, tracing and metrics for a worker's handler: `middy().use(observe())`. Put it
 * first, so that it sees the whole invocation.
 */
export const observe = (): AnyMiddleware[] => [
  injectLambdaContext(logger, { resetKeys: true }) as AnyMiddleware,
  traceHandler(),
  publishMetrics(),
];

/** The same for an API handler; its error middleware must come after it (see `traceAnswers`). */
export const observeApi = (): AnyMiddleware[] => [
  injectLambdaContext(logger, { resetKeys: true }) as AnyMiddleware,
  traceAnswers(),
  publishMetrics(),
];
