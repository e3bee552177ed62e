/**
 * `node --import tsx infra/tools/write-generated-file.ts GENERATOR FILE`: what the function construct
 * runs after bundling for each of a function's generated files (`generated-files.ts`).
 */
import { writeGeneratedFile } from './generated-files';

const [generator, file] = process.argv.slice(2);
if (!generator || !file) {
  console.error('usage: node --import tsx infra/tools/write-generated-file.ts GENERATOR FILE');
  process.exit(2);
}
await writeGeneratedFile(generator, file);
