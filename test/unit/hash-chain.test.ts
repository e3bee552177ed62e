import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson, type Json } from '../../shared/domain/canonical';
import {
  type Chained,
  type ChainVerdict,
  GENESIS_HASH,
  hashOf,
  seal,
  verifyChain,
} from '../../shared/domain/hash-chain';

/** An event as the store holds it: plain JSON data, sealed into the chain. */
type StoredEvent = { readonly [key: string]: Json | undefined } & Chained;

/** JSON that a test may edit in place (stored events are deep-copied before any tampering). */
type Editable = string | number | boolean | null | Editable[] | { [key: string]: Editable };
type Path = readonly (string | number)[];

const INCIDENT = 'INC-20261122-7K3F9Q2M';

const eventBody = (seq: number, type: string, data: Json) => ({
  v: 1,
  incidentId: INCIDENT,
  seq,
  type,
  at: `2026-11-22T01:0${seq % 10}:00.000Z`,
  actor: { sub: 'u-1', role: 'reporter', region: '110101', unit: 'U-1' },
  data,
});

/** Seals bodies one after another, each naming the hash of the one before it. */
const chainOf = (bodies: readonly { readonly [key: string]: Json }[]): StoredEvent[] => {
  const chain: StoredEvent[] = [];
  let previous = GENESIS_HASH;
  for (const body of bodies) {
    const event = seal(body, previous) as unknown as StoredEvent;
    chain.push(event);
    previous = event.hash;
  }
  return chain;
};

const brokenAt = (verdict: ChainVerdict): { seq: number; reason: string } | 'intact' =>
  verdict.intact ? 'intact' : { seq: verdict.brokenAtSeq, reason: verdict.reason };

const editable = (event: StoredEvent): { [key: string]: Editable } =>
  structuredClone(event) as unknown as { [key: string]: Editable };

const asStored = (event: { [key: string]: Editable }): StoredEvent => event as unknown as StoredEvent;

describe('canonicalJson', () => {
  it('gives the same text whatever order the keys were written in', () => {
    // PREPARE
    const one = { summary: 'flooding', dead: 2, category: 'accident' };
    const other = { category: 'accident', dead: 2, summary: 'flooding' };

    // ACT
    const texts = [canonicalJson(one), canonicalJson(other)];

    // ASSESS
    expect(texts).toEqual([
      '{"category":"accident","dead":2,"summary":"flooding"}',
      '{"category":"accident","dead":2,"summary":"flooding"}',
    ]);
  });

  it('sorts the keys of nested objects, including objects inside arrays, and keeps array order', () => {
    // PREPARE
    const nested = { z: { y: 1, x: [{ b: 2, a: 1 }, 3, [2, 1]] }, a: null, m: { k: true, c: 'c' } };

    // ACT
    const text = canonicalJson(nested);

    // ASSESS
    expect(text).toBe('{"a":null,"m":{"c":"c","k":true},"z":{"x":[{"a":1,"b":2},3,[2,1]],"y":1}}');
  });

  it('drops members whose value is undefined, at every depth', () => {
    // PREPARE
    const withHoles = { grade: undefined, dead: 1, location: { lat: undefined, address: '东城区' } };

    // ACT
    const text = canonicalJson(withHoles);

    // ASSESS
    expect(text).toBe('{"dead":1,"location":{"address":"东城区"}}');
  });

  it('writes strings, numbers and literals as JSON does, with no whitespace', () => {
    // ACT
    const text = canonicalJson(['矿井透水 "A"\n', 0.1, 1e21, -0, 12, true, false, null]);

    // ASSESS
    expect(text).toBe('["矿井透水 \\"A\\"\\n",0.1,1e+21,0,12,true,false,null]');
  });

  it('sorts keys by UTF-16 code units, as RFC 8785 (JCS) does', () => {
    // PREPARE: U+1F600 is stored as the surrogate pair D83D DE00, which sorts before U+FF01
    const keys = { '\uFF01': 1, '\u{1F600}': 2, a: 3, B: 4 };

    // ACT
    const text = canonicalJson(keys);

    // ASSESS
    expect(text).toBe('{"B":4,"a":3,"\u{1F600}":2,"\uFF01":1}');
  });

  it.each([
    ['NaN', Number.NaN],
    ['Infinity', Number.POSITIVE_INFINITY],
    ['-Infinity', Number.NEGATIVE_INFINITY],
  ])('rejects %s, which has no JSON form', (_name, value) => {
    // ACT + ASSESS
    expect(() => canonicalJson(value)).toThrow(TypeError);
    expect(() => canonicalJson({ figures: { directLossYuan: value } })).toThrow(TypeError);
    expect(() => canonicalJson([1, [value]])).toThrow(TypeError);
  });

  it('rejects undefined at the top', () => {
    // ACT + ASSESS
    expect(() => canonicalJson(undefined)).toThrow('undefined has no canonical form');
  });
});

describe('seal and verifyChain', () => {
  const bodies = [
    eventBody(1, 'ReportSubmitted', { reportId: `${INCIDENT}-R1`, figures: { dead: 2, missing: 1 } }),
    eventBody(2, 'ObligationOpened', { obligation: { office: '110101', dueAt: '2026-11-22T03:00:00.000Z' } }),
    eventBody(3, 'GradeAssessed', { from: 'IV', to: 'III', basis: 'assessed' }),
  ];

  it('links each event to the one before it, the first to the genesis hash', () => {
    // ACT
    const chain = chainOf(bodies);

    // ASSESS
    expect(chain.map((event) => event.prevHash)).toEqual([GENESIS_HASH, chain[0]?.hash, chain[1]?.hash]);
    for (const event of chain) expect(event.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(new Set(chain.map((event) => event.hash)).size).toBe(3);
  });

  it('hashes every field but the hash itself, in canonical form', () => {
    // PREPARE
    const [first] = chainOf(bodies);
    if (!first) throw new Error('the chain has no first event');

    // ACT
    const recomputed = hashOf({ ...first, hash: 'whatever is stored' });

    // ASSESS
    expect(recomputed).toBe(first.hash);
    expect(hashOf({ ...bodies[0], prevHash: GENESIS_HASH })).toBe(first.hash);
  });

  it('finds a built chain intact and reports its head', () => {
    // PREPARE
    const chain = chainOf(bodies);

    // ACT
    const verdict = verifyChain(chain);

    // ASSESS
    expect(verdict).toEqual({ intact: true, events: 3, headHash: chain[2]?.hash });
  });

  it('finds an empty log intact, with the genesis hash as its head', () => {
    // ACT + ASSESS
    expect(verifyChain([])).toEqual({ intact: true, events: 0, headHash: GENESIS_HASH });
  });

  it('still verifies after a round trip through JSON, as it is stored', () => {
    // PREPARE
    const stored = JSON.parse(JSON.stringify(chainOf(bodies))) as StoredEvent[];

    // ACT + ASSESS
    expect(verifyChain(stored).intact).toBe(true);
  });

  it('points at a changed figure with a hash mismatch', () => {
    // PREPARE
    const chain = chainOf(bodies);
    const tampered = editable(chain[0] as StoredEvent);
    tampered.data = { reportId: `${INCIDENT}-R1`, figures: { dead: 0, missing: 1 } };

    // ACT
    const verdict = verifyChain([asStored(tampered), ...chain.slice(1)]);

    // ASSESS
    expect(verdict).toMatchObject({ intact: false, events: 3, brokenAtSeq: 1, reason: 'hash-mismatch' });
  });

  it('points past a changed event that was re-sealed, at the event that names the old hash', () => {
    // PREPARE: whoever changed event 2 also recomputed its hash
    const chain = chainOf(bodies);
    const changed = seal(
      eventBody(2, 'ObligationOpened', { obligation: { office: '110101', dueAt: '2026-11-22T09:00:00.000Z' } }),
      chain[0]?.hash ?? '',
    ) as unknown as StoredEvent;

    // ACT
    const verdict = verifyChain([chain[0] as StoredEvent, changed, chain[2] as StoredEvent]);

    // ASSESS
    expect(verdict).toMatchObject({ intact: false, brokenAtSeq: 3, reason: 'prev-hash-mismatch' });
  });

  it('points at a reordering with a sequence gap', () => {
    // PREPARE
    const [first, second, third] = chainOf(bodies);
    if (!first || !second || !third) throw new Error('the chain is short');

    // ACT
    const verdict = verifyChain([first, third, second]);

    // ASSESS
    expect(verdict).toMatchObject({
      intact: false,
      brokenAtSeq: 2,
      reason: 'sequence-gap',
      detail: 'expected event 2, found 3',
    });
  });

  // The links alone cannot show that the newest event was removed: the log is checked against the
  // head's version and last hash, so a trailing DeadlineMissed cannot be deleted unnoticed.
  it('notices that the newest event was removed (truncation of the log), given the head', () => {
    // PREPARE
    const chain = chainOf(bodies);
    const last = chain.at(-1) as StoredEvent;

    // ACT
    const verdict = verifyChain(chain.slice(0, -1), { seq: last.seq, hash: last.hash });

    // ASSESS
    expect(verdict).toMatchObject({ intact: false, reason: 'missing-events', brokenAtSeq: last.seq });
  });

  it('notices a last event changed and re-sealed, given the head', () => {
    // PREPARE
    const chain = chainOf(bodies);
    const last = chain.at(-1) as StoredEvent;
    const resealed = seal({ ...editable(last), hash: undefined, note: 'rewritten' }, last.prevHash);

    // ACT
    const verdict = verifyChain([...chain.slice(0, -1), asStored(resealed)], { seq: last.seq, hash: last.hash });

    // ASSESS
    expect(verdict).toMatchObject({ intact: false, reason: 'head-mismatch', brokenAtSeq: last.seq });
  });

  // Regression: the verdict's `detail` interpolates the stored seq, prevHash
  // and hash into a template string. A tampered event whose field is a JSON object with a
  // `toString` member that is not a function makes that interpolation throw a TypeError, so the
  // inspector gets a crash instead of the position of the tampering.
  it.each([
    ['seq', 'sequence-gap'],
    ['prevHash', 'prev-hash-mismatch'],
    ['hash', 'hash-mismatch'],
  ])('reports a %s replaced by {"toString":1} as a broken chain instead of throwing', (field, reason) => {
    // PREPARE
    const chain = chainOf(bodies);
    const tampered = { ...editable(chain[1] as StoredEvent), [field]: JSON.parse('{"toString":1}') as Editable };

    // ACT
    const verify = () => verifyChain([chain[0] as StoredEvent, asStored(tampered), chain[2] as StoredEvent]);

    // ASSESS
    expect(verify).not.toThrow();
    expect(brokenAt(verify())).toEqual({ seq: 2, reason });
  });
});

// ---------------------------------------------------------------------------------------------
// Property: any single change to any stored event is found, and found where it was made.

const SAFE_KEY = fc.string({ unit: 'grapheme', maxLength: 8 }).filter((key) => key !== '__proto__');

const leafArbitrary: fc.Arbitrary<Editable> = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 12 }),
  fc.string({ unit: 'binary', maxLength: 6 }),
  fc.integer(),
  fc.maxSafeInteger(),
  // -0 and 0 are one number in JSON, so the stored event cannot tell them apart.
  fc.double({ noNaN: true, noDefaultInfinity: true }).map((n) => (Object.is(n, -0) ? 0 : n)),
  fc.boolean(),
  fc.constant(null),
);

const { json: jsonArbitrary } = fc.letrec<{ json: Editable }>((tie) => ({
  json: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leafArbitrary,
    fc.array(tie('json'), { maxLength: 4 }),
    // Stored events come back from JSON, whose objects have Object.prototype.
    fc.dictionary(SAFE_KEY, tie('json'), { maxKeys: 4, noNullPrototype: true }),
  ),
}));

const EVENT_TYPES = ['ReportSubmitted', 'GradeAssessed', 'ObligationOpened', 'UnitReportLate', 'IncidentClosed'];

const chainArbitrary = fc
  .array(fc.record({ type: fc.constantFrom(...EVENT_TYPES), data: jsonArbitrary }), { minLength: 1, maxLength: 15 })
  .map((payloads) => chainOf(payloads.map((payload, index) => eventBody(index + 1, payload.type, payload.data))));

interface Node {
  readonly path: Path;
  readonly value: Editable;
}

/** Every value inside an event (not the event itself), with its path. */
const nodesOf = (value: Editable, prefix: Path = []): Node[] => {
  if (value === null || typeof value !== 'object') return [];
  const entries: [string | number, Editable][] = Array.isArray(value)
    ? value.map((item, index): [number, Editable] => [index, item])
    : Object.entries(value);
  return entries.flatMap(([key, item]) => [
    { path: [...prefix, key], value: item },
    ...nodesOf(item, [...prefix, key]),
  ]);
};

const containerAt = (root: Editable, path: Path): Editable[] | { [key: string]: Editable } => {
  let current: Editable = root;
  for (const key of path) {
    if (current === null || typeof current !== 'object') throw new Error(`no container at ${path.join('.')}`);
    const next: Editable | undefined = Array.isArray(current) ? current[Number(key)] : current[String(key)];
    if (next === undefined) throw new Error(`nothing at ${path.join('.')}`);
    current = next;
  }
  if (current === null || typeof current !== 'object') throw new Error(`${path.join('.')} is not a container`);
  return current;
};

const setAt = (root: Editable, path: Path, value: Editable): void => {
  const parent = containerAt(root, path.slice(0, -1));
  const key = path[path.length - 1];
  if (key === undefined) throw new Error('cannot replace the event itself');
  if (Array.isArray(parent)) parent[Number(key)] = value;
  else parent[String(key)] = value;
};

const removeAt = (root: Editable, path: Path): void => {
  const parent = containerAt(root, path.slice(0, -1));
  const key = path[path.length - 1];
  if (key === undefined) throw new Error('cannot remove the event itself');
  if (Array.isArray(parent)) parent.splice(Number(key), 1);
  else delete parent[String(key)];
};

/** The same value as another JSON type: 1 → "1", "x" → 1, true → "true", {a:1} → [1], [1] → {"0":1}. */
const retyped = (value: Editable): Editable => {
  if (value === null) return 'null';
  if (Array.isArray(value)) return Object.fromEntries(value.map((item, index) => [String(index), item]));
  switch (typeof value) {
    case 'number':
    case 'boolean':
      return String(value);
    case 'string':
      return value.length;
    default:
      return Object.values(value);
  }
};

const sameJson = (a: Editable, b: Editable): boolean => canonicalJson(a) === canonicalJson(b);

type Tamper =
  | { readonly kind: 'replace-value'; readonly at: number; readonly node: number; readonly value: Editable }
  | { readonly kind: 'retype-value'; readonly at: number; readonly node: number }
  | { readonly kind: 'delete-field'; readonly at: number; readonly node: number }
  | {
      readonly kind: 'add-field';
      readonly at: number;
      readonly node: number;
      readonly key: string;
      readonly value: Editable;
    }
  | { readonly kind: 'change-seq'; readonly at: number; readonly by: number }
  | { readonly kind: 'change-prev-hash'; readonly at: number; readonly hash: string }
  | { readonly kind: 'change-hash'; readonly at: number; readonly hash: string }
  | { readonly kind: 'replace-and-reseal'; readonly at: number; readonly node: number; readonly value: Editable }
  | { readonly kind: 'swap'; readonly at: number; readonly with: number }
  | { readonly kind: 'drop'; readonly at: number };

const hex64 = fc.stringMatching(/^[0-9a-f]{64}$/);
const index = fc.nat({ max: 1_000 });

const tamperArbitrary: fc.Arbitrary<Tamper> = fc.oneof(
  fc.record({ kind: fc.constant('replace-value' as const), at: index, node: index, value: jsonArbitrary }),
  fc.record({ kind: fc.constant('retype-value' as const), at: index, node: index }),
  fc.record({ kind: fc.constant('delete-field' as const), at: index, node: index }),
  fc.record({ kind: fc.constant('add-field' as const), at: index, node: index, key: SAFE_KEY, value: jsonArbitrary }),
  fc.record({
    kind: fc.constant('change-seq' as const),
    at: index,
    by: fc.integer({ min: -20, max: 20 }).filter((by) => by !== 0),
  }),
  fc.record({ kind: fc.constant('change-prev-hash' as const), at: index, hash: hex64 }),
  fc.record({ kind: fc.constant('change-hash' as const), at: index, hash: hex64 }),
  fc.record({ kind: fc.constant('replace-and-reseal' as const), at: index, node: index, value: jsonArbitrary }),
  fc.record({ kind: fc.constant('swap' as const), at: index, with: index }),
  fc.record({ kind: fc.constant('drop' as const), at: index }),
);

/**
 * Applies one change to a copy of the chain. Returns the tampered log and the sequence number
 * verifyChain must report, or undefined when the drawn change would not change the stored JSON
 * (e.g. replacing 3 by 3), which the property then skips.
 */
const tamper = (
  chain: readonly StoredEvent[],
  change: Tamper,
): { log: StoredEvent[]; expectedSeq: number; description: string } | undefined => {
  const log = [...chain];
  const at = change.at % chain.length;
  const original = chain[at];
  if (!original) throw new Error('no event to tamper with');
  const event = editable(original);
  const expectedSeq = at + 1;
  const describeNode = (path: Path) => `event ${expectedSeq} at ${path.join('.')}`;
  switch (change.kind) {
    case 'replace-value':
    case 'retype-value':
    case 'delete-field': {
      const nodes = nodesOf(event);
      const node = nodes[change.node % nodes.length];
      if (!node) throw new Error('an event always has fields');
      if (change.kind === 'delete-field') {
        removeAt(event, node.path);
      } else {
        const value = change.kind === 'replace-value' ? change.value : retyped(node.value);
        if (sameJson(value, node.value)) return undefined;
        setAt(event, node.path, value);
      }
      log[at] = asStored(event);
      return { log, expectedSeq, description: `${change.kind} ${describeNode(node.path)}` };
    }
    case 'add-field': {
      const containers = [{ path: [] as Path, value: event as Editable }, ...nodesOf(event)].filter(
        (node) => node.value !== null && typeof node.value === 'object',
      );
      const target = containers[change.node % containers.length];
      if (!target) throw new Error('an event is itself a container');
      const container = containerAt(event, target.path);
      if (Array.isArray(container)) {
        container.splice(change.key.length % (container.length + 1), 0, change.value);
      } else {
        let key = change.key;
        while (Object.hasOwn(container, key)) key += '_';
        container[key] = change.value;
      }
      log[at] = asStored(event);
      return { log, expectedSeq, description: `add-field ${describeNode(target.path)}` };
    }
    case 'change-seq':
      event.seq = original.seq + change.by;
      log[at] = asStored(event);
      return { log, expectedSeq, description: `seq of event ${expectedSeq} to ${original.seq + change.by}` };
    case 'change-prev-hash':
    case 'change-hash': {
      const field = change.kind === 'change-hash' ? 'hash' : 'prevHash';
      if (event[field] === change.hash) return undefined;
      event[field] = change.hash;
      log[at] = asStored(event);
      return { log, expectedSeq, description: `${field} of event ${expectedSeq}` };
    }
    case 'replace-and-reseal': {
      // Whoever changed a data value also recomputed the event's hash: the next event, which still
      // names the old hash, is where the chain breaks; for the newest event, the head shows it.
      const resealed = change.at % chain.length;
      const target = editable(chain[resealed] as StoredEvent);
      const nodes = nodesOf(target).filter((node) => node.path[0] === 'data');
      const node = nodes[change.node % Math.max(nodes.length, 1)];
      const path: Path = node ? node.path : ['data'];
      const before = node ? node.value : target.data;
      if (before === undefined || sameJson(change.value, before)) return undefined;
      setAt(target, path, change.value);
      const { hash: _stale, ...content } = target;
      log[resealed] = asStored({ ...content, hash: hashOf(content) });
      const expectedSeq = resealed === chain.length - 1 ? resealed + 1 : resealed + 2;
      return { log, expectedSeq, description: `re-sealed event ${resealed + 1} at ${path.join('.')}` };
    }
    case 'swap': {
      if (chain.length < 2) return undefined;
      const other = (at + 1 + (change.with % (chain.length - 1))) % chain.length;
      const otherEvent = chain[other];
      if (!otherEvent) throw new Error('no event to swap with');
      log[at] = otherEvent;
      log[other] = original;
      return { log, expectedSeq: Math.min(at, other) + 1, description: `swap ${at + 1} and ${other + 1}` };
    }
    case 'drop': {
      // Dropping the newest event shows only against the head, which the verification is given.
      const dropped = change.at % chain.length;
      log.splice(dropped, 1);
      return { log, expectedSeq: dropped + 1, description: `drop event ${dropped + 1}` };
    }
  }
};

describe('verifyChain over random logs (property)', () => {
  it('finds every untouched chain intact, before and after a JSON round trip', () => {
    fc.assert(
      fc.property(chainArbitrary, (chain) => {
        // ACT
        const verdicts = [verifyChain(chain), verifyChain(JSON.parse(JSON.stringify(chain)) as StoredEvent[])];

        // ASSESS
        const head = chain[chain.length - 1]?.hash;
        for (const verdict of verdicts) expect(verdict).toEqual({ intact: true, events: chain.length, headHash: head });
      }),
      { numRuns: 200 },
    );
  });

  it('detects any single change to any field of any event, at the event changed', () => {
    fc.assert(
      fc.property(chainArbitrary, tamperArbitrary, (chain, change) => {
        // PREPARE
        const tampered = tamper(chain, change);
        fc.pre(tampered !== undefined);
        if (!tampered) return;

        // ACT: the tampered log as the store would hand it back, checked against the head
        const newest = chain[chain.length - 1];
        const head = newest ? { seq: newest.seq, hash: newest.hash } : undefined;
        const verdict = verifyChain(JSON.parse(JSON.stringify(tampered.log)) as StoredEvent[], head);

        // ASSESS
        expect({ change: tampered.description, at: brokenAt(verdict) }).toMatchObject({
          change: tampered.description,
          at: { seq: tampered.expectedSeq },
        });
      }),
      { numRuns: 1_000 },
    );
  });
});
