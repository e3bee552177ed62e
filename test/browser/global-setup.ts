/**
 * The browser suite's setup: the web console built (as `npm start` builds it, only when stale),
 * then one DynamoDB Local and one fauxqs for the suite's runtimes, exactly as the integration suite's.
 */
import type { TestProject } from 'vitest/node';
import { ensureWebBuild } from '../../infra/local/web-build';
import startEngines from '../integration/global-setup';

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  ensureWebBuild();
  return startEngines(project);
}
