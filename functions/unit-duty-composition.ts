/**
 * The composition the routes over reporting units' daily duties share (a unit files its daily
 * report, a unit reads its own, a desk reads a period's grid): the zero-report store, the unit
 * registry and the clock, once per process from the environment, and the access log their refusals
 * go to. Each handler stays its own composition root and builds its own use case on these.
 */
import type * as z from 'zod';
import {
  accessLogEnv,
  makeAccessLog,
  makeUnitRegistry,
  makeZeroReportStore,
  officersEnv,
  zeroReportsEnv,
} from '../shared/adapters/dynamodb';
import { systemClock } from '../shared/adapters/system';
import { readEnv } from '../shared/config/env';

export const unitDutyEnv = accessLogEnv.extend(zeroReportsEnv.shape).extend(officersEnv.shape);

export const composeUnitDuties = (env: z.output<typeof unitDutyEnv> = readEnv(unitDutyEnv)) => ({
  deps: { store: makeZeroReportStore(env), registry: makeUnitRegistry(env), clock: systemClock },
  accessLog: makeAccessLog(env),
});
