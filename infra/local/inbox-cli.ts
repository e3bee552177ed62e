/**
 * `npm run inbox -- --office 110100`: the notifications the local pipeline sent to an office's
 * officers, oldest first, from the inbox `npm start` keeps in DATA_DIR.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { commandLine } from './command-line';

const { values, fail } = commandLine('usage: npm run inbox -- --office CODE   (a six-digit region code, e.g. 110100)', {
  options: { office: { type: 'string' } },
});
if (!values.office || !/^\d{6}$/.test(values.office)) fail('give the office’s six-digit region code with --office');
const file = join(resolve(process.env.DATA_DIR ?? '.data'), 'inbox.jsonl');
const lines = existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : [];
const mine = lines
  .map(
    (line) =>
      JSON.parse(line) as {
        receivedAt: string;
        office: string;
        personId: string;
        role: string;
        kind: string;
        text: string;
      },
  )
  .filter((n) => n.office === values.office);
if (mine.length === 0) console.log(`no notifications for office ${values.office}`);
for (const n of mine) console.log(`${n.receivedAt}  ${n.kind}  to ${n.personId} (${n.role})\n  ${n.text}`);
