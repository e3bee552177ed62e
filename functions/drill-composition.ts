/** What the drill routes share: the drill store, the access log and the clock, wired once per function. */
import { accessLogEnv, drillsEnv, makeAccessLog, makeDrillStore } from '../shared/adapters/dynamodb';
import { systemClock } from '../shared/adapters/system';
import { readEnv } from '../shared/config/env';

export const composeDrills = () => {
  const env = readEnv(accessLogEnv.extend(drillsEnv.shape));
  return { deps: { drills: makeDrillStore(env), clock: systemClock }, accessLog: makeAccessLog(env) };
};
