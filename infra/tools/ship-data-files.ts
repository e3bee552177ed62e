/**
 * `node --import tsx infra/tools/ship-data-files.ts BUNDLE_DIRECTORY`: what the function construct
 * runs after bundling, to put beside the bundle the data files it reads (`bundle-data-files.ts`).
 */
import { shipDataFiles } from './bundle-data-files';

const [bundleDirectory] = process.argv.slice(2);
if (!bundleDirectory) {
  console.error('usage: node --import tsx infra/tools/ship-data-files.ts BUNDLE_DIRECTORY');
  process.exit(2);
}
shipDataFiles(bundleDirectory);
