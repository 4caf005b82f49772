// The pattern sandbox keeps a catastrophic regular expression from stalling message handling.
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../logger.js';
import { createPatternSandbox, type PatternSandbox } from './pattern-sandbox.js';

let sandbox: PatternSandbox | undefined;
afterEach(() => sandbox?.close());

describe('pattern sandbox', () => {
  it('answers each pattern with flags iu', async () => {
    sandbox = createPatternSandbox(createLogger('silent'));
    const results = await sandbox.test(['refund', '^hello', 'caf\\u00e9', 'nope'], 'Hello, I want a REFUND at the café');
    expect(Object.fromEntries(results)).toEqual({ refund: true, '^hello': true, 'caf\\u00e9': true, nope: false });
  });

  it('stops a pattern that overruns its budget, counts it as not matching, and still answers the others', async () => {
    sandbox = createPatternSandbox(createLogger('silent'), { budgetMs: 200 });
    const text = `${'a'.repeat(5000)}!`;
    // `a*a*b` on 5,000 a's takes over a minute in-line (past this test's timeout); here, one budget.
    const results = await sandbox.test(['^a', 'a*a*b', 'a!$'], text);
    expect(Object.fromEntries(results)).toEqual({ '^a': true, 'a*a*b': false, 'a!$': true });
    // Quarantined for a while: even a text it would match quickly does not run it.
    expect(Object.fromEntries(await sandbox.test(['a*a*b', 'b'], 'ab'))).toEqual({ 'a*a*b': false, b: true });
  });
});
