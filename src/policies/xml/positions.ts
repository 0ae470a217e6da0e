import type { PolicyValue, SourcePosition, ValueAnchor } from './types.js';

/** Offset → line/column for one text, in O(log lines) per lookup after one linear pass. */
export class LineIndex {
  private readonly lineStarts: number[] = [0];

  constructor(text: string) {
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      // `\r\n` is one break: only its `\n` starts the next line.
      if (c === 10 || (c === 13 && text.charCodeAt(i + 1) !== 10)) this.lineStarts.push(i + 1);
    }
  }

  positionAt(offset: number): SourcePosition {
    let low = 0;
    let high = this.lineStarts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (this.lineStarts[mid] <= offset) low = mid;
      else high = mid - 1;
    }
    return { line: low + 1, column: offset - this.lineStarts[low] + 1, offset };
  }
}

/**
 * Document positions for indexes of one value. Walks forward from the nearest anchor, which is
 * exact because between anchors the value is the document text verbatim; asked for increasing
 * indexes it resumes where it stopped, so locating every placeholder of a value stays linear.
 */
export class ValueLocator {
  private anchor = 0;
  private index = 0;
  private position: SourcePosition;

  constructor(
    private readonly value: string,
    private readonly sourceMap: readonly ValueAnchor[],
  ) {
    this.position = sourceMap[0];
  }

  at(index: number): SourcePosition {
    const target = Math.max(0, Math.min(index, this.value.length));
    if (target < this.index) this.restart();
    while (this.anchor + 1 < this.sourceMap.length && this.sourceMap[this.anchor + 1].index <= target) {
      this.anchor++;
      const { line, column, offset } = this.sourceMap[this.anchor];
      this.index = this.sourceMap[this.anchor].index;
      this.position = { line, column, offset };
    }
    let { line, column, offset } = this.position;
    for (let i = this.index; i < target; i++) {
      const c = this.value.charCodeAt(i);
      offset++;
      if (c === 10 || (c === 13 && this.value.charCodeAt(i + 1) !== 10)) {
        line++;
        column = 1;
      } else {
        column++;
      }
    }
    this.index = target;
    this.position = { line, column, offset };
    return this.position;
  }

  private restart(): void {
    const { line, column, offset } = this.sourceMap[0];
    this.anchor = 0;
    this.index = this.sourceMap[0].index;
    this.position = { line, column, offset };
  }
}

/** Where `value[index]` sits in the document. */
export function locateInValue(value: string, sourceMap: readonly ValueAnchor[], index: number): SourcePosition {
  return new ValueLocator(value, sourceMap).at(index);
}

/**
 * The document position of `node.value[index]` — how the expression compiler turns a position
 * inside an expression's source into the line and column of the policy document.
 */
export function positionInValue(node: PolicyValue, index: number): SourcePosition {
  return locateInValue(node.value, node.sourceMap, index);
}
