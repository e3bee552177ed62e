import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  LOCAL_STATE_MACHINE_ARN,
  type LocalStepFunctions,
  startLocalStepFunctions,
} from '../../infra/local/step-functions';

// The local twin answers the SFN JSON protocol; a refused operation must get its error answer at once
// (an SDK client waiting on a response that never ends would stall a timer for good).
const call = async (endpoint: string, operation: string, body: unknown) => {
  const response = await fetch(endpoint, {
    method: 'POST',
    headers: { 'x-amz-target': `AWSStepFunctions.${operation}`, 'content-type': 'application/x-amz-json-1.0' },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(5_000),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
};

describe('local Step Functions endpoint', () => {
  let sfn: LocalStepFunctions;
  beforeAll(async () => {
    sfn = await startLocalStepFunctions();
  });
  afterAll(() => sfn.stop());

  it('answers a refused StartExecution with the service error, not a hang', async () => {
    const answer = await call(sfn.endpoint, 'StartExecution', {
      stateMachineArn: 'arn:aws:states:x:1:stateMachine:other',
    });
    expect(answer).toEqual({ status: 400, body: expect.objectContaining({ __type: 'StateMachineDoesNotExist' }) });
  });

  it('refuses to start before a handler is bound to the Task states', async () => {
    const answer = await call(sfn.endpoint, 'StartExecution', { stateMachineArn: LOCAL_STATE_MACHINE_ARN, name: 'a' });
    expect(answer).toEqual({ status: 400, body: expect.objectContaining({ __type: 'InvalidDefinition' }) });
  });

  it('answers an operation it does not support with a service error', async () => {
    const answer = await call(sfn.endpoint, 'ListExecutions', {});
    expect(answer).toEqual({ status: 400, body: expect.objectContaining({ __type: 'UnknownOperationException' }) });
  });
});
