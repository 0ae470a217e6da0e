/**
 * String conversion as C# does it in `+` concatenation and `$"…"` interpolation: null is
 * empty, bool prints `True`, doubles print .NET-style, and types with their own ToString()
 * (URLs, JSON, dates) use it. Format clauses (`{x:0.00}`) go to the value's ToString(format).
 */
import type { InterpolationHole } from '../syntax/ast.js';
import type { ClrType, MethodDef } from '../types/model.js';
import { asInvoker, isPrimitive } from '../types/model.js';
import { isStringType, T } from '../types/well-known.js';
import { clrToString } from '../runtime/object.js';
import { formatDoubleDefault, formatNumber } from '../runtime/number-format.js';
import { align, runtimeFormat } from '../runtime/composite-format.js';
import type { Bound, Compiler } from './compiler.js';
import { compileExpr } from './expressions.js';
import { findInstanceMethods } from './members.js';
import type { Eval } from './frame.js';

function ownToString(t: ClrType, withFormat: boolean): MethodDef | undefined {
  const methods = findInstanceMethods(t, 'ToString');
  return methods.find(({ method }) => {
    if (method.declaringType.name === 'Object') return false;
    if (withFormat) return method.params.length === 1 && isStringType(method.params[0].type);
    return method.params.length === 0;
  })?.method;
}

function invokerOf(m: MethodDef, receiverType: ClrType): (self: unknown, ...args: unknown[]) => unknown {
  return m.bind ? asInvoker(m.bind({ typeArgs: [], receiverType, argTypes: [], returnType: T.string() })) : asInvoker(m.impl!);
}

/** A function turning a value of static type `t` into its C# string form ('' for null). */
export function stringifier(t: ClrType): (v: unknown) => string {
  if (isStringType(t)) return (v) => (v as string | null) ?? '';
  if (t.kind === 'primitive') {
    switch (t.name) {
      case 'bool':
        return (v) => (v ? 'True' : 'False');
      case 'char':
        return (v) => v as string;
      case 'float':
        return (v) => formatDoubleDefault(v as number, true);
      case 'double':
      case 'decimal':
        return (v) => formatDoubleDefault(v as number);
      default:
        return (v) => String(v);
    }
  }
  if (t.kind === 'nullable') {
    const inner = stringifier(t.underlying);
    return (v) => (v === null || v === undefined ? '' : inner(v));
  }
  if (t.kind === 'named' && !t.def.isEnum) {
    const own = ownToString(t, false);
    if (own) {
      const fn = invokerOf(own, t);
      return (v) => (v === null || v === undefined ? '' : String(fn(v)));
    }
  }
  if (t.kind === 'named' && t.def.isEnum) {
    const names = new Map([...t.def.enumValues].map(([k, n]) => [n, k]));
    return (v) => names.get(v as number) ?? String(v);
  }
  return clrToString;
}

function formatter(t: ClrType): (v: unknown, format: string) => string {
  const base = t.kind === 'nullable' ? t.underlying : t;
  if (isPrimitive(base) && base.name !== 'bool' && base.name !== 'char') {
    const kind = base.name === 'float' ? 'float' : base.name === 'double' || base.name === 'decimal' ? 'double' : base.name === 'long' || base.name === 'ulong' ? 'long' : 'int';
    return (v, format) => formatNumber(v as number | bigint, kind, format);
  }
  const own = ownToString(base, true);
  if (own) {
    const fn = invokerOf(own, base);
    return (v, format) => String(fn(v, format));
  }
  return (v, format) => runtimeFormat(v, format);
}

export function compileInterpolation(c: Compiler, parts: readonly (string | InterpolationHole)[]): Bound {
  const pieces: Eval[] = parts.map((p) => {
    if (typeof p === 'string') return () => p;
    const b = compileExpr(c, p.expr);
    if (b.type.kind === 'void') c.fail('Type', 'A void expression cannot be interpolated.', p.expr.pos);
    const ev = b.eval;
    let piece: Eval;
    if (p.format !== undefined) {
      const fmt = formatter(b.type);
      const format = p.format;
      piece = (f) => {
        const v = ev(f);
        return v === null || v === undefined ? '' : fmt(v, format);
      };
    } else {
      const str = stringifier(b.type);
      piece = (f) => str(ev(f));
    }
    if (p.alignment) {
      const a = compileExpr(c, p.alignment);
      if (!a.constant || typeof a.constant.value !== 'number') c.fail('Type', 'An interpolation alignment must be a constant integer.', p.alignment.pos);
      const width = a.constant.value;
      const inner = piece;
      piece = (f) => align(inner(f) as string, width);
    }
    return piece;
  });
  if (pieces.length === 1) {
    const only = pieces[0];
    return { type: T.string(), eval: (f) => only(f) };
  }
  return {
    type: T.string(),
    eval: (f) => {
      let s = '';
      for (const p of pieces) s += p(f) as string;
      return s;
    },
  };
}

