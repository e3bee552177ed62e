/**
 * The adapters the escalation functions share, built once per process from the environment.
 * Every handler file stays its own composition root; this only saves each from repeating the
 * same five constructors.
 */
import { SFNClient } from '@aws-sdk/client-sfn';
import { z } from 'zod';
import { makeAppendEvents } from '../application/append-events';
import { readEnv } from '../config/env';
import { tracer } from '../observability';
import { incidentTablesEnv, makeIncidentStore } from './dynamodb';
import { loadPolicy } from './policy-source';
import { makeStepFunctionsTimerScheduler } from './sfn/timer-scheduler';
import { systemClock } from './system';

export const escalationEnv = incidentTablesEnv.extend({ POLICY: z.string().min(1).default('national') });

export const makeEscalationAdapters = async (env: z.output<typeof escalationEnv> = readEnv(escalationEnv)) => {
  const incidents = makeIncidentStore(env);
  const policy = await loadPolicy(env.POLICY);
  const clock = systemClock;
  return { incidents, policy, clock, appendEvents: makeAppendEvents({ incidents, clock, policy }) };
};

export const timerSchedulerFromEnv = () => {
  const { ESCALATION_STATE_MACHINE_ARN } = readEnv(z.object({ ESCALATION_STATE_MACHINE_ARN: z.string().min(1) }));
  return makeStepFunctionsTimerScheduler({
    client: tracer.captureAWSv3Client(new SFNClient({})),
    stateMachineArn: ESCALATION_STATE_MACHINE_ARN,
  });
};
