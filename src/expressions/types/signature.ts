/**
 * A tiny parser for the member-signature strings used by the runtime's member tables
 * (`'<T> IEnumerable<T>(IEnumerable<T> source, Func<T, bool> predicate)'`). Writing the
 * hundreds of BCL members as C# signatures keeps each table readable next to its
 * implementation and reviewable against the .NET docs.
 */
import type { ClrType, ParamDef } from './model.js';
import { arrayOf, nullableOf } from './model.js';

/** A `default` parameter default whose value depends on the parameter's (possibly generic) type. */
export const DEFAULT_OF_TYPE: unique symbol = Symbol('default(T)');

export interface ParsedSignature {
  readonly typeParams: string[];
  readonly returns: ClrType;
  readonly params: ParamDef[];
}

/** Resolves a (simple or dotted) type name with its type arguments; `scope` holds type parameters. */
export type TypeNameResolver = (name: string, args: ClrType[], scope: ReadonlySet<string>) => ClrType;

class Cursor {
  private pos = 0;
  private readonly tokens: string[];
  constructor(readonly text: string) {
    this.tokens = text.match(/"(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?|[A-Za-z_][\w.]*|[<>,()[\]?=]/g) ?? [];
  }
  peek(): string | undefined {
    return this.tokens[this.pos];
  }
  next(): string {
    const t = this.tokens[this.pos++];
    if (t === undefined) throw new Error(`Signature '${this.text}': unexpected end`);
    return t;
  }
  expect(tok: string): void {
    const t = this.next();
    if (t !== tok) throw new Error(`Signature '${this.text}': expected '${tok}' but found '${t}'`);
  }
  accept(tok: string): boolean {
    if (this.peek() === tok) {
      this.pos++;
      return true;
    }
    return false;
  }
  done(): boolean {
    return this.pos >= this.tokens.length;
  }
}

function parseType(c: Cursor, resolve: TypeNameResolver, scope: ReadonlySet<string>): ClrType {
  const name = c.next();
  const args: ClrType[] = [];
  if (c.accept('<')) {
    do args.push(parseType(c, resolve, scope));
    while (c.accept(','));
    c.expect('>');
  }
  let t = resolve(name, args, scope);
  for (;;) {
    if (c.accept('[')) {
      c.expect(']');
      t = arrayOf(t);
    } else if (c.accept('?')) {
      t = nullableOf(t);
    } else {
      return t;
    }
  }
}

function parseDefault(tok: string): unknown {
  if (tok === 'null') return null;
  if (tok === 'true') return true;
  if (tok === 'false') return false;
  if (tok === 'default') return DEFAULT_OF_TYPE;
  if (tok.startsWith('"')) return JSON.parse(tok) as string;
  if (/^-?\d/.test(tok)) return Number(tok);
  throw new Error(`Unsupported default value '${tok}'`);
}

function parseTypeParams(c: Cursor): string[] {
  const names: string[] = [];
  if (c.accept('<')) {
    do names.push(c.next());
    while (c.accept(','));
    c.expect('>');
  }
  return names;
}

export function parseTypeString(text: string, resolve: TypeNameResolver, scope: ReadonlySet<string>): ClrType {
  const c = new Cursor(text);
  const t = parseType(c, resolve, scope);
  if (!c.done()) throw new Error(`Type '${text}': trailing input`);
  return t;
}

/** `[<T,…>] Return(Type name [= default], params Type[] name, out Type name, this Type name)` */
export function parseMethodSignature(
  text: string,
  resolve: TypeNameResolver,
  outerScope: ReadonlySet<string>,
): ParsedSignature {
  const c = new Cursor(text);
  const typeParams = parseTypeParams(c);
  const scope = new Set([...outerScope, ...typeParams]);
  const returns = parseType(c, resolve, scope);
  c.expect('(');
  const params: ParamDef[] = [];
  if (!c.accept(')')) {
    do {
      let modifier: ParamDef['modifier'];
      const head = c.peek();
      if (head === 'out' || head === 'ref' || head === 'params' || head === 'this') {
        modifier = head;
        c.next();
      }
      const type = parseType(c, resolve, scope);
      const name = c.next();
      const param: ParamDef = c.accept('=')
        ? { name, type, modifier, defaultValue: { value: parseDefault(c.next()) } }
        : { name, type, modifier };
      params.push(param);
    } while (c.accept(','));
    c.expect(')');
  }
  if (!c.done()) throw new Error(`Signature '${text}': trailing input`);
  return { typeParams, returns, params };
}
