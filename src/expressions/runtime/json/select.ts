/**
 * SelectToken / SelectTokens: the JSONPath subset policies use — `$`, `.name`, `['name']`,
 * `[0]`, `[*]`/`.*`, `..name` and simple filters `[?(@.a == 'x')]` (==, !=, <, <=, >, >=, existence).
 */
import { ClrException } from '../exceptions.js';
import { JArray, JObject, JProperty, JToken, JValue } from './model.js';
import { parseJson } from './read.js';

type Step =
  | { kind: 'name'; name: string }
  | { kind: 'index'; index: number }
  | { kind: 'wildcard' }
  | { kind: 'recursive'; name: string | null }
  | { kind: 'filter'; path: string[]; op?: string; value?: JToken };

function pathError(path: string, message: string): ClrException {
  return new ClrException('Newtonsoft.Json.JsonException', `${message} Path: ${path}`);
}

function parsePath(path: string): Step[] {
  const steps: Step[] = [];
  let i = path.startsWith('$') ? 1 : 0;
  const name = (): string => {
    const m = /^[^.[\]\s()]+/.exec(path.slice(i));
    if (!m) throw pathError(path, 'Unexpected character while parsing path.');
    i += m[0].length;
    return m[0];
  };
  if (i === 0 && path.length && path[0] !== '.' && path[0] !== '[') steps.push({ kind: 'name', name: name() });
  while (i < path.length) {
    const ch = path[i];
    if (path.startsWith('..', i)) {
      i += 2;
      if (path[i] === '*') {
        i++;
        steps.push({ kind: 'recursive', name: null });
      } else steps.push({ kind: 'recursive', name: name() });
    } else if (ch === '.') {
      i++;
      if (path[i] === '*') {
        i++;
        steps.push({ kind: 'wildcard' });
      } else steps.push({ kind: 'name', name: name() });
    } else if (ch === '[') {
      const end = findClose(path, i);
      const inner = path.slice(i + 1, end).trim();
      i = end + 1;
      if (inner === '*') steps.push({ kind: 'wildcard' });
      else if (/^-?\d+$/.test(inner)) steps.push({ kind: 'index', index: Number(inner) });
      else if (/^'.*'$|^".*"$/s.test(inner)) steps.push({ kind: 'name', name: inner.slice(1, -1).replace(/\\'/g, "'") });
      else if (inner.startsWith('?(') && inner.endsWith(')')) steps.push(parseFilter(path, inner.slice(2, -1).trim()));
      else throw pathError(path, `Unexpected character while parsing path indexer: ${inner[0] ?? ''}`);
    } else throw pathError(path, `Unexpected character while parsing path: ${ch}`);
  }
  return steps;
}

function findClose(path: string, open: number): number {
  let quote: string | null = null;
  let depth = 0;
  for (let i = open; i < path.length; i++) {
    const c = path[i];
    if (quote) {
      if (c === quote) quote = null;
    } else if (c === "'" || c === '"') quote = c;
    else if (c === '[' || c === '(') depth++;
    else if (c === ']' || c === ')') {
      depth--;
      if (depth === 0 && c === ']') return i;
    }
  }
  throw pathError(path, 'Path ended with an open indexer.');
}

function parseFilter(path: string, expr: string): Step {
  const m = /^@((?:\.[A-Za-z_$][\w$-]*|\['[^']*'\])*)\s*(?:(==|!=|<=|>=|<|>)\s*(.+))?$/.exec(expr);
  if (!m) throw pathError(path, `Unsupported filter expression: ${expr}`);
  const parts = [...m[1].matchAll(/\.([A-Za-z_$][\w$-]*)|\['([^']*)'\]/g)].map((x) => x[1] ?? x[2]);
  if (!m[2]) return { kind: 'filter', path: parts };
  let literal = m[3].trim();
  if (/^'.*'$/.test(literal)) literal = JSON.stringify(literal.slice(1, -1));
  return { kind: 'filter', path: parts, op: m[2], value: parseJson(literal) };
}

function children(t: JToken): JToken[] {
  if (t instanceof JObject) return [...t.props.values()].map((p) => p.value);
  if (t instanceof JArray) return t.items;
  return [];
}

function descendants(t: JToken): JToken[] {
  const out: JToken[] = [];
  const walk = (x: JToken): void => {
    for (const c of children(x)) {
      out.push(c);
      walk(c);
    }
  };
  walk(t);
  return out;
}

function compare(a: JToken, op: string, b: JToken): boolean {
  if (!(a instanceof JValue) || !(b instanceof JValue)) return op === '!=' ? a !== b : false;
  const x = a.value as number | string | boolean | null;
  const y = b.value as number | string | boolean | null;
  switch (op) {
    case '==':
      return a.equals(b);
    case '!=':
      return !a.equals(b);
    case '<':
      return x !== null && y !== null && x < y;
    case '<=':
      return x !== null && y !== null && x <= y;
    case '>':
      return x !== null && y !== null && x > y;
    default:
      return x !== null && y !== null && x >= y;
  }
}

function apply(step: Step, current: JToken[]): JToken[] {
  const out: JToken[] = [];
  for (const t of current) {
    switch (step.kind) {
      case 'name':
        if (t instanceof JObject) {
          const v = t.get(step.name);
          if (v) out.push(v);
        }
        break;
      case 'index':
        if (t instanceof JArray) {
          const i = step.index < 0 ? t.count + step.index : step.index;
          if (i >= 0 && i < t.count) out.push(t.items[i]);
        }
        break;
      case 'wildcard':
        out.push(...children(t));
        break;
      case 'recursive':
        for (const d of [t, ...descendants(t)]) {
          if (step.name === null) {
            if (d !== t) out.push(d);
          } else if (d instanceof JObject) {
            const v = d.get(step.name);
            if (v) out.push(v);
          }
        }
        break;
      case 'filter':
        for (const c of children(t)) {
          let target: JToken | null = c;
          for (const p of step.path) target = target instanceof JObject ? target.get(p) : null;
          if (target === null) continue;
          if (!step.op || compare(target, step.op, step.value!)) out.push(c);
        }
        break;
    }
  }
  return out;
}

export function selectTokens(root: JToken, path: string): JToken[] {
  let current: JToken[] = [root];
  for (const step of parsePath(path)) current = apply(step, current);
  return current.map((t) => (t instanceof JProperty ? t.value : t));
}

export function selectToken(root: JToken, path: string, errorWhenNoMatch: boolean): JToken | null {
  const all = selectTokens(root, path);
  if (all.length > 1) throw new ClrException('Newtonsoft.Json.JsonException', 'Path returned multiple tokens.');
  if (all.length === 0 && errorWhenNoMatch) throw new ClrException('Newtonsoft.Json.JsonException', `Path '${path}' does not exist.`);
  return all[0] ?? null;
}
