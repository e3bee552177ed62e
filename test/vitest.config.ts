import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

const root = fileURLToPath(new URL('..', import.meta.url));

/**
 * The files that wait longest on real clocks (deadlines of seconds, redeliveries, runtimes started
 * with their own Java, the console's polls in Chromium), longest first. The three that stop or kill
 * `npm start`'s runtime and start it again (each start a new Java) and `npm start`'s own test are
 * spread out among the deadline waits, no more than two starting at once: each start is seconds
 * of CPU, and `npm start` must answer within its 30 s. The browser files are spread out too, so
 * that seldom more than one Chromium computes at a time.
 */
const LONGEST_WAITS = [
  'integration/restart',
  'browser/desk',
  'integration/crash-restart',
  'integration/escalation-http',
  'integration/rollup',
  'browser/desk-records',
  'integration/backup-restore',
  'integration/audit-http',
  'browser/reporting',
  'integration/npm-start',
  'integration/verify-audit-heads',
  'browser/offline',
  'browser/evidence',
  'browser/drills',
  // Then the runtime files that wait longest (15-33 s under the full suite's load): without a
  // timing cache Vitest starts the largest files first, and these small ones started last and
  // ended the run seconds after everything else.
  'integration/verify-audit-digest',
  'integration/regrade-http',
  'integration/sms-delivery',
  'integration/drills-dynamodb',
  'integration/verify-audit',
  'integration/exact-numbers-dynamodb',
].map((name) => `/test/${name}.test.ts`);

/**
 * Starts the longest waits first, so they overlap the other files instead of ending the run; then
 * Vitest's own order (the longest in the last run first). On a first run there are no timings yet
 * and Vitest starts the largest files first, which would leave a short file that waits long last.
 */
class LongestWaitsFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const rank = (file: TestSpecification): number => {
      const index = LONGEST_WAITS.findIndex((path) => file.moduleId.endsWith(path));
      return index === -1 ? LONGEST_WAITS.length : index;
    };
    return (await super.sort(files)).sort((a, b) => rank(a) - rank(b));
  }
}

// Five suites with different needs: fast pure tests, adapters and handlers over mocked clients,
// CDK synthesis (seconds per stack), integration tests that share one DynamoDB Local and one fauxqs
// started by the global setup, and the web console in a real browser.
// Vitest runs the projects of one `groupOrder` together, in one pool of `maxWorkers`, and the
// groups one after another.
export default defineConfig({
  root,
  test: {
    env: {
      POWERTOOLS_LOG_LEVEL: 'SILENT',
      POWERTOOLS_METRICS_DISABLED: 'true',
    },
    sequence: { sequencer: LongestWaitsFirst },
    projects: [
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          globalSetup: ['test/integration/global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 90_000,
          // Integration files spend most of their time waiting (on deadlines, redeliveries, Java
          // starting) and keep apart by random resource prefix and port, so several run at once
          // whatever the number of cores. The browser files share the pool (the same group).
          maxWorkers: 5,
          sequence: { groupOrder: 1 },
        },
      },
      {
        extends: true,
        test: {
          name: 'infra',
          include: ['test/infra/**/*.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          // One worker, not isolated, so the files share one synthesis of the app
          // (test/infra/synthesised.ts). First: `npm test` type-checks beside Vitest, and the
          // type-checker takes the core this suite leaves free.
          isolate: false,
          maxWorkers: 1,
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          // Computing, not waiting: no more files at once than there are cores. Apart from the
          // integration files, whose load would stretch the property tests past their timeout.
          maxWorkers: '100%',
          // Pure code over fakes, with no module state a file leaves behind: the files of a worker
          // share their imports instead of loading the domain again each (most of their time).
          isolate: false,
          sequence: { groupOrder: 2 },
        },
      },
      {
        extends: true,
        test: {
          // Adapters and handlers, beside the unit files: isolated, because they mock the AWS SDK's
          // client classes and import handlers afresh under stubbed environments.
          name: 'adapters',
          include: ['test/adapters/**/*.test.ts', 'test/handlers/**/*.test.ts'],
          maxWorkers: '100%',
          sequence: { groupOrder: 2 },
        },
      },
      {
        extends: true,
        test: {
          // The web console in Debian's Chromium against real local runtimes; the global setup
          // builds the console if it is stale and starts the engines the runtimes share.
          name: 'browser',
          include: ['test/browser/**/*.test.ts'],
          globalSetup: ['test/browser/global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 90_000,
          // Beside the integration files, in their pool: a browser file too mostly waits, on the
          // console's polls and the runtime's deadlines. The sequencer spreads them out.
          maxWorkers: 5,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
