/**
 * The composition the functions that append to an incident's log share (acknowledge, forward,
 * record a finding, the deadline task and sweeper, officer notifications): the incident store, the
 * time-limit policy in force, the clock, and the appendEvents use case built on them, once per
 * process from the environment. Each handler file stays its own composition root and builds its
 * own use case on these; this only saves six of them the same four constructors.
 */
import type * as z from 'zod';
import { incidentTablesEnv, makeIncidentStore } from '../shared/adapters/dynamodb';
import { loadPolicy, policyEnv } from '../shared/adapters/policy-source';
import { systemClock } from '../shared/adapters/system';
import { makeAppendEvents } from '../shared/application/append-events';
import { readEnv } from '../shared/config/env';

export const appendEventsEnv = incidentTablesEnv.extend(policyEnv.shape);

export const composeAppendEvents = async (env: z.output<typeof appendEventsEnv> = readEnv(appendEventsEnv)) => {
  const incidents = makeIncidentStore(env);
  const policy = await loadPolicy(env.POLICY);
  const clock = systemClock;
  return { incidents, policy, clock, appendEvents: makeAppendEvents({ incidents, clock, policy }) };
};
