import { describe, expect, it } from 'vitest';
import { LineIndex, ValueLocator } from './positions.js';
import type { ValueAnchor } from './types.js';

describe('LineIndex', () => {
  it('treats \\n, \\r\\n and a lone \\r each as one line break', () => {
    const lines = new LineIndex('a\nb\r\nc\rd');
    expect(lines.positionAt(0)).toEqual({ line: 1, column: 1, offset: 0 });
    expect(lines.positionAt(2)).toEqual({ line: 2, column: 1, offset: 2 });
    expect(lines.positionAt(4)).toEqual({ line: 2, column: 3, offset: 4 }); // the \n of \r\n
    expect(lines.positionAt(5)).toEqual({ line: 3, column: 1, offset: 5 });
    expect(lines.positionAt(7)).toEqual({ line: 4, column: 1, offset: 7 });
    expect(lines.positionAt(8)).toEqual({ line: 4, column: 2, offset: 8 }); // end of text
  });
});

describe('ValueLocator', () => {
  // The value `a"b\nc` decoded from the document text `a&quot;b\nc` starting at offset 10, line 3.
  const value = 'a"b\nc';
  const sourceMap: ValueAnchor[] = [
    { index: 0, line: 3, column: 5, offset: 10 },
    { index: 1, line: 3, column: 6, offset: 11 },
    { index: 2, line: 3, column: 12, offset: 17 },
  ];

  it('jumps to anchors and walks between them', () => {
    const locator = new ValueLocator(value, sourceMap);
    expect(locator.at(1)).toEqual({ line: 3, column: 6, offset: 11 });
    expect(locator.at(2)).toEqual({ line: 3, column: 12, offset: 17 });
    expect(locator.at(4)).toEqual({ line: 4, column: 1, offset: 19 });
  });

  it('gives the same answers when asked out of order, and clamps', () => {
    const locator = new ValueLocator(value, sourceMap);
    expect(locator.at(4)).toEqual({ line: 4, column: 1, offset: 19 });
    expect(locator.at(0)).toEqual({ line: 3, column: 5, offset: 10 });
    expect(locator.at(3)).toEqual({ line: 3, column: 13, offset: 18 });
    expect(locator.at(99)).toEqual({ line: 4, column: 2, offset: 20 });
  });
});
