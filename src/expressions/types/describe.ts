/**
 * Renders the type registry as Markdown for docs/expressions.md, so the documented subset
 * is exactly what the compiler accepts (docs.test.ts keeps the two in step).
 */
import type { ClrType, MethodDef, ParamDef, PropertyDef, TypeDef } from './model.js';
import { typeName } from './model.js';
import { allTypeDefs, sealRegistry } from './registry.js';

function paramText(p: ParamDef): string {
  const mod = p.modifier && p.modifier !== 'this' ? `${p.modifier} ` : '';
  const dflt = p.defaultValue ? ' = …' : '';
  return `${mod}${typeName(p.type)} ${p.name}${dflt}`;
}

function methodText(m: MethodDef): string {
  const params = m.isExtension ? m.params.slice(1) : m.params;
  const generic = m.typeParams.length ? `<${m.typeParams.join(', ')}>` : '';
  return `${m.name}${generic}(${params.map(paramText).join(', ')}) → ${typeName(m.returns)}`;
}

function propertyText(p: PropertyDef): string {
  return `${p.name}: ${typeName(p.type)}${p.set ? ' (settable)' : ''}`;
}

function displayName(def: TypeDef): string {
  const generic = def.typeParams.length ? `<${def.typeParams.join(', ')}>` : '';
  return `${def.namespace}.${def.name}${generic}${def.keyword ? ` (\`${def.keyword}\`)` : ''}`;
}

function list(title: string, items: string[]): string[] {
  return items.length ? [`- ${title}: ${items.map((i) => `\`${i}\``).join(', ')}`] : [];
}

function section(def: TypeDef): string[] {
  const out = [`#### ${displayName(def)}`, ''];
  if (def.isEnum) {
    out.push(`- values: ${[...def.enumValues.keys()].map((k) => `\`${k}\``).join(', ')}`);
    return [...out, ''];
  }
  const bases = def.baseTypes.map((b: ClrType) => typeName(b));
  if (bases.length) out.push(`- base types: ${bases.map((b) => `\`${b}\``).join(', ')}`);
  out.push(...list('constructors', def.constructors.map((c) => `new(${c.params.map(paramText).join(', ')})`)));
  const statics = [...def.staticMembers.values()].flat();
  out.push(...list('static properties', statics.filter((m): m is PropertyDef => m.kind === 'property').map(propertyText)));
  out.push(...list('static methods', statics.filter((m): m is MethodDef => m.kind === 'method' && !m.isExtension && !m.name.startsWith('op_')).map(methodText)));
  out.push(...list('extension methods', statics.filter((m): m is MethodDef => m.kind === 'method' && m.isExtension).map((m) => `${typeName(m.params[0].type)}.${methodText(m)}`)));
  out.push(...list('operators', statics.filter((m): m is MethodDef => m.kind === 'method' && m.name.startsWith('op_')).map(methodText)));
  const instance = [...def.instanceMembers.values()].flat();
  out.push(...list('properties', instance.filter((m): m is PropertyDef => m.kind === 'property').map(propertyText)));
  out.push(...list('indexers', def.indexers.map((ix) => `this[${ix.params.map(paramText).join(', ')}] → ${typeName(ix.type)}${ix.set ? ' (settable)' : ''}`)));
  out.push(...list('methods', instance.filter((m): m is MethodDef => m.kind === 'method').map(methodText)));
  out.push(...list('conversions', def.conversions.map((c) => `${c.implicit ? 'implicit' : 'explicit'} ${typeName(c.from)} → ${typeName(c.to)}`)));
  return [...out, ''];
}

/** Markdown reference of every registered type, grouped by namespace. */
export function describeRegistry(): string {
  sealRegistry();
  const defs = allTypeDefs()
    .filter((d) => d.namespace !== 'Portico.Internal')
    .sort((a, b) => `${a.namespace}.${a.name}${a.typeParams.length}`.localeCompare(`${b.namespace}.${b.name}${b.typeParams.length}`));
  const lines: string[] = [];
  let ns = '';
  for (const d of defs) {
    if (d.namespace !== ns) {
      ns = d.namespace;
      lines.push(`### ${ns}`, '');
    }
    lines.push(...section(d));
  }
  return lines.join('\n').trimEnd() + '\n';
}
