import { describe, expect, it } from 'vitest';
import { referencedFragmentIds } from './fragment-references.js';

describe('referencedFragmentIds', () => {
  it('finds every included fragment once, in either quote style and with spaces around =', () => {
    const document = `<policies><inbound>
      <include-fragment fragment-id="check-caller" />
      <choose><when condition="@(true)"><include-fragment fragment-id = 'tag.v2' /></when></choose>
      <include-fragment fragment-id=" check-caller "/>
    </inbound></policies>`;
    expect(referencedFragmentIds(document)).toEqual(['check-caller', 'tag.v2']);
  });

  it('takes whole ids only', () => {
    expect(referencedFragmentIds('<fragment><include-fragment fragment-id="auth-strict" /></fragment>')).toEqual(['auth-strict']);
  });

  it('finds nothing in a document without includes, and ignores empty ids', () => {
    expect(referencedFragmentIds('<policies><inbound><base /></inbound></policies>')).toEqual([]);
    expect(referencedFragmentIds('<include-fragment fragment-id="" />')).toEqual([]);
  });
});
