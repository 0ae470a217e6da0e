/**
 * Finds where a policy expression ends. It is a lexer, not a parser: it knows C#'s literal and
 * comment forms well enough that brackets, quotes and `<` inside them never end the expression,
 * and it balances `( [ {`. Everything else (generics, `<<`, `&&`, lambdas) is just characters.
 * Checking that the C# is valid is the expression compiler's job.
 *
 * Iterative with an explicit stack, so deeply nested input cannot overflow the call stack.
 */
import type { PolicyParseErrorReason } from './errors.js';

export type ScanResult =
  | { readonly ok: true; /** Index just past the closing `)` or `}`. */ readonly end: number }
  | { readonly ok: false; readonly index: number; readonly reason: PolicyParseErrorReason; readonly message: string };

/** True when an expression (`@(` or `@{`) starts at `index`. */
export function startsExpression(text: string, index: number): boolean {
  return text.charCodeAt(index) === AT && (text.charCodeAt(index + 1) === OPEN_PAREN || text.charCodeAt(index + 1) === OPEN_BRACE);
}

const AT = 0x40;
const OPEN_PAREN = 0x28;
const OPEN_BRACE = 0x7b;

type Frame =
  /** Code inside a bracket pair. */
  | { readonly kind: 'code'; readonly closer: ')' | ']' | '}'; readonly open: number }
  /** Code inside an interpolation hole `{…}` of an interpolated string. */
  | { readonly kind: 'hole'; readonly open: number }
  /** The literal part of an interpolated string (`$"…"`, or `$@"…"` / `@$"…"` when verbatim). */
  | { readonly kind: 'interpolated'; readonly verbatim: boolean; readonly open: number };

const CLOSER: Readonly<Record<string, ')' | ']' | '}'>> = { '(': ')', '[': ']', '{': '}' };

/**
 * Scans the expression starting at `start` (which must satisfy `startsExpression`) and stops at
 * its matching closing bracket; never reads at or beyond `limit`.
 */
export function scanExpression(text: string, start: number, limit: number = text.length): ScanResult {
  const frames: Frame[] = [{ kind: 'code', closer: CLOSER[text[start + 1]], open: start + 1 }];
  let i = start + 2;
  while (i < limit) {
    const top = frames[frames.length - 1];
    if (top.kind === 'interpolated') {
      const step = interpolatedTextStep(text, i, limit, top, frames);
      if (typeof step !== 'number') return step;
      i = step;
      continue;
    }
    const c = text[i];
    const next = text[i + 1];
    switch (c) {
      case '"':
      case "'": {
        const end = skipQuoted(text, i, limit, c);
        if (typeof end !== 'number') return end;
        i = end;
        break;
      }
      case '@':
        if (next === '"') {
          const end = skipVerbatim(text, i, limit);
          if (typeof end !== 'number') return end;
          i = end;
        } else if (next === '$' && text[i + 2] === '"') {
          frames.push({ kind: 'interpolated', verbatim: true, open: i });
          i += 3;
        } else {
          i++; // a verbatim identifier such as @class
        }
        break;
      case '$':
        if (next === '"') {
          frames.push({ kind: 'interpolated', verbatim: false, open: i });
          i += 2;
        } else if (next === '@' && text[i + 2] === '"') {
          frames.push({ kind: 'interpolated', verbatim: true, open: i });
          i += 3;
        } else {
          i++;
        }
        break;
      case '/':
        if (next === '/') {
          i = skipLineComment(text, i, limit);
        } else if (next === '*') {
          const close = text.indexOf('*/', i + 2);
          if (close === -1 || close + 2 > limit) {
            return { ok: false, index: i, reason: 'UnterminatedComment', message: "Unterminated '/*' comment in expression" };
          }
          i = close + 2;
        } else {
          i++;
        }
        break;
      case '(':
      case '[':
      case '{':
        frames.push({ kind: 'code', closer: CLOSER[c], open: i });
        i++;
        break;
      case ')':
      case ']':
      case '}': {
        const expected = top.kind === 'hole' ? '}' : top.closer;
        if (c !== expected) {
          return { ok: false, index: i, reason: 'MismatchedBracket', message: `Unexpected '${c}' in expression; expected '${expected}'` };
        }
        frames.pop();
        i++;
        if (frames.length === 0) return { ok: true, end: i };
        break;
      }
      case ':':
        // At the top level of a hole `:` starts the format clause ({x:yyyy-MM-dd}), which runs
        // to the closing `}`. C# makes authors parenthesise `?:` inside holes for this reason.
        if (top.kind === 'hole') {
          const close = skipFormatClause(text, i + 1, limit, frames);
          if (typeof close !== 'number') return close;
          i = close;
        } else {
          i++;
        }
        break;
      default:
        i++;
    }
  }
  return unterminated(frames, start);
}

/** One step through the literal text of an interpolated string; returns the next index. */
function interpolatedTextStep(
  text: string,
  i: number,
  limit: number,
  frame: Frame & { kind: 'interpolated' },
  frames: Frame[],
): number | ScanResult {
  const c = text[i];
  const next = text[i + 1];
  if (c === '{') {
    if (next === '{') return i + 2; // escaped brace, also how a {{named-value}} reads here
    frames.push({ kind: 'hole', open: i });
    return i + 1;
  }
  if (c === '}') return next === '}' ? i + 2 : i + 1;
  if (c === '"') {
    if (frame.verbatim && next === '"') return i + 2;
    frames.pop();
    return i + 1;
  }
  if (!frame.verbatim) {
    if (c === '\\') return isLineBreak(next) || i + 1 >= limit ? unterminatedInterpolated(frame) : i + 2;
    if (isLineBreak(c)) return unterminatedInterpolated(frame);
  }
  return i + 1;
}

/** A regular string or char literal starting at `open`; returns the index past its closing quote. */
function skipQuoted(text: string, open: number, limit: number, quote: '"' | "'"): number | ScanResult {
  for (let i = open + 1; i < limit; i++) {
    const c = text[i];
    if (c === quote) return i + 1;
    if (c === '\\') {
      if (isLineBreak(text[i + 1])) break;
      i++;
    } else if (isLineBreak(c)) {
      break;
    }
  }
  return quote === '"'
    ? unterminatedString(open)
    : { ok: false, index: open, reason: 'UnterminatedString', message: 'Unterminated character literal in expression' };
}

/** A verbatim string `@"…"` (`""` is an escaped quote; line breaks allowed). */
function skipVerbatim(text: string, at: number, limit: number): number | ScanResult {
  for (let i = at + 2; i < limit; i++) {
    if (text[i] === '"') {
      if (text[i + 1] === '"' && i + 1 < limit) i++;
      else return i + 1;
    }
  }
  return { ok: false, index: at, reason: 'UnterminatedString', message: 'Unterminated verbatim string literal in expression' };
}

function skipLineComment(text: string, at: number, limit: number): number {
  let i = at + 2;
  while (i < limit && !isLineBreak(text[i])) i++;
  return i;
}

/** Skips a hole's format clause; returns the index of the `}` that closes the hole. */
function skipFormatClause(text: string, from: number, limit: number, frames: Frame[]): number | ScanResult {
  const owner = frames[frames.length - 2];
  const verbatim = owner?.kind === 'interpolated' && owner.verbatim;
  for (let i = from; i < limit; i++) {
    const c = text[i];
    if (c === '}') return i;
    if (!verbatim && (c === '"' || isLineBreak(c))) break;
  }
  return owner?.kind === 'interpolated' ? unterminatedInterpolated(owner) : unterminatedString(from);
}

function unterminated(frames: Frame[], start: number): ScanResult {
  const innermost = frames[frames.length - 1];
  if (innermost.kind === 'interpolated') return unterminatedInterpolated(innermost);
  const outer = frames[0].kind === 'code' ? frames[0].closer : '}';
  return {
    ok: false,
    index: start,
    reason: 'UnterminatedExpression',
    message: `Unterminated expression: no '${outer}' closes '@${outer === ')' ? '(' : '{'}'`,
  };
}

function unterminatedInterpolated(frame: Frame & { kind: 'interpolated' }): ScanResult {
  return {
    ok: false,
    index: frame.open,
    reason: 'UnterminatedString',
    message: `Unterminated ${frame.verbatim ? 'verbatim ' : ''}interpolated string in expression`,
  };
}

function unterminatedString(open: number): ScanResult {
  return { ok: false, index: open, reason: 'UnterminatedString', message: 'Unterminated string literal in expression' };
}

function isLineBreak(c: string | undefined): boolean {
  return c === '\n' || c === '\r';
}
