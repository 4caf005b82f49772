// The bad input the property suites send (issue 14 item 2): JSON of every type, deep nesting, bytes that
// are not UTF-8, and a tally of the cases each property ran.
import fc from 'fast-check';

const roundTrip = (value: unknown) => JSON.parse(JSON.stringify(value)) as unknown;

/** JSON values of every type, numbers far out of every range included (as they travel: through JSON). */
export const anyJson = fc
  .oneof(
    fc.jsonValue({ maxDepth: 3 }),
    fc.integer({ min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER }),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.string({ unit: 'grapheme', maxLength: 40 }),
    fc.constantFrom(-1, 0, 0.5, 201, 1e21, -(2 ** 31), 2 ** 63, true, false, null, [], {}, '', ' '),
  )
  .map(roundTrip);

/** `depth` levels of arrays or of objects, as JSON text. */
export const deeplyNested = (depth: number, kind: 'array' | 'object') =>
  kind === 'array' ? `${'['.repeat(depth)}${']'.repeat(depth)}` : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;

/** `{"<field>":<json>, …rest}` as text: `json` need not be something JSON.stringify can make (deep nesting). */
export function withRawField(input: Record<string, unknown>, field: string, json: string): string {
  const { [field]: _replaced, ...rest } = input;
  const restJson = JSON.stringify(rest);
  return `{${JSON.stringify(field)}:${json}${restJson === '{}' ? '}' : `,${restJson.slice(1)}`}`;
}

/** Byte sequences that are not UTF-8: stray, truncated, overlong, surrogates. */
export const notUtf8 = fc.constantFrom([0xff], [0xc3, 0x28], [0xe2, 0x82], [0xf0, 0x9f, 0x98], [0xed, 0xa0, 0x80], [0xc0, 0xaf], [0x80]);

/** `input` as JSON bytes with the text of `field` broken by `bytes` in its middle. */
export function withBytesInField(input: Record<string, unknown>, field: string, bytes: readonly number[]): Buffer {
  const [before, after] = JSON.stringify({ ...input, [field]: 'Hi\u0000there' }).split('\\u0000');
  return Buffer.concat([Buffer.from(before!), Buffer.from(bytes), Buffer.from(after!)]);
}

/** Counts the cases each property ran, for the one-line summaries and the totals. */
export function caseTally() {
  const cases: Record<string, number> = {};
  return {
    cases,
    count: (property: string) => (cases[property] = (cases[property] ?? 0) + 1),
    total: () => Object.values(cases).reduce((sum, n) => sum + n, 0),
  };
}

interface Checkable {
  safeParse(value: unknown): { success: boolean };
}

/** `[field, value]`: one of `fields` and a JSON value its schema refuses (wrong type, out of range, wrong format). */
export const refusedFieldValue = (fields: Record<string, Checkable>) =>
  fc.constantFrom(...Object.keys(fields)).chain((field) => fc.tuple(fc.constant(field), anyJson.filter((value) => !fields[field]!.safeParse(value).success)));

/** One to five fields none of which is in `known`, with JSON values. */
export const unknownFields = (known: ReadonlySet<string>) =>
  fc.dictionary(fc.string({ minLength: 1, maxLength: 20 }).filter((key) => !known.has(key)), anyJson, { minKeys: 1, maxKeys: 5 });
