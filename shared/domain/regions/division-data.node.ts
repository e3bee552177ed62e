/**
 * The division data on Node: `divisions.json` read from the folder of this module when first asked
 * for, rather than compiled into the code. From the sources that is this folder; in a function's
 * bundle it is the bundle's own folder, where the function construct ships the file with every
 * bundle that reads it (`infra/tools/bundle-data-files.ts`). A function that never looks a region up
 * neither compiles nor loads 140 KB of data, and one that does parses JSON, which is much cheaper
 * than compiling the same data as a JavaScript literal.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Divisions } from './division-data';

export const loadDivisions = (): Divisions =>
  JSON.parse(readFileSync(join(import.meta.dirname, 'divisions.json'), 'utf8')) as Divisions;
