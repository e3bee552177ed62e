/**
 * The local twin follows `infra/workers.ts` whole: the source of every worker has a driver in the
 * twin (the Step Functions service, a stream or queue poller, an interval), or is declared as one
 * that never fires on its own, so a worker added to the description runs locally as it runs on AWS,
 * or says who invokes it.
 */
import { describe, expect, it } from 'vitest';
import { localDrivers } from '../../infra/local/local-workers';
import { entriesOf } from '../../infra/stacks/records';
import { type WorkerDef, type WorkerName, workerFunctions } from '../../infra/workers';

const workers = entriesOf<WorkerName, WorkerDef>(workerFunctions);

/** The names of the workers whose kind of source has no entry in `drivers`. */
function withoutDriver(
  described: readonly (readonly [string, { readonly source: { readonly kind: string } }])[],
  drivers: object,
): string[] {
  return described.filter(([, def]) => !Object.hasOwn(drivers, def.source.kind)).map(([name]) => name);
}

describe('the local twin’s drivers', () => {
  it('cover the source of every worker of infra/workers.ts', () => {
    expect(withoutDriver(workers, localDrivers)).toEqual([]);
  });

  it('are checked for real: a worker fed by a kind of source without a driver is named (canary)', () => {
    const pigeonPost = ['pigeonPost', { source: { kind: 'carrier-pigeon' } }] as const;

    expect(withoutDriver([...workers, pigeonPost], localDrivers)).toEqual(['pigeonPost']);
  });

  it('leave undriven only what an operator invokes, and say how to run it locally', () => {
    // PREPARE
    const undrivenKinds = entriesOf(localDrivers)
      .filter(([, driver]) => 'notDriven' in driver)
      .map(([kind]) => kind);
    const undriven = workers.filter(([, def]) => undrivenKinds.includes(def.source.kind)).map(([name]) => name);

    // ASSESS
    expect(undrivenKinds).toEqual(['on-demand']);
    expect(undriven.sort()).toEqual(['importOfficers', 'migrateHeads', 'reconcile']);
    expect(localDrivers['on-demand']).toEqual({
      notDriven: expect.stringMatching(/npm run reconcile.*npm run migrate-heads.*npm run officers/),
    });
  });
});
