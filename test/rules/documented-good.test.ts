/** AWS's and the providers' documented trust policies: no rule may fire on them, in any format. */
import { describe, expect, it } from 'vitest';
import { FORMATS, lint, located, wrap } from '../harness.js';
import { DOCUMENTED_GOOD } from './policies.js';

describe('documented good trust policies raise nothing', () => {
  for (const [name, policy] of DOCUMENTED_GOOD) {
    for (const format of FORMATS) {
      it(`${name} [${format}]`, () => {
        const w = wrap(policy, format);
        expect(lint(w.path, w.text).map((d) => ({ ...located(d), message: d.message }))).toEqual([]);
      });
    }
  }
});
