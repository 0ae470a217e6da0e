/**
 * A sample value made from a JSON schema (OpenAPI 3 / Swagger 2 type definitions), for
 * mock-response when an operation documents a type but no example. Deterministic: the
 * schema's own example, default, const or first enum value wins; otherwise a fixed
 * placeholder per type and format. `$ref`s resolve against the API schema's named types;
 * a cycle or a very deep or large schema stops with null rather than running away.
 */
const MAX_DEPTH = 12;
const MAX_NODES = 5_000;

type Schema = Readonly<Record<string, unknown>>;

const FORMAT_SAMPLES: Readonly<Record<string, string>> = {
  'date-time': '2024-01-01T00:00:00Z',
  date: '2024-01-01',
  time: '00:00:00',
  uuid: '00000000-0000-0000-0000-000000000000',
  email: 'user@example.com',
  uri: 'https://example.com/',
  url: 'https://example.com/',
  hostname: 'example.com',
  ipv4: '192.0.2.1',
  ipv6: '2001:db8::1',
  byte: 'c3RyaW5n',
};

export function sampleFromSchema(schema: unknown, types: Readonly<Record<string, unknown>>): unknown {
  const state = { nodes: 0 };
  return sample(schema, types, [], state);
}

function sample(schema: unknown, types: Readonly<Record<string, unknown>>, refs: readonly string[], state: { nodes: number }): unknown {
  if (schema === null || typeof schema !== 'object' || Array.isArray(schema)) return null;
  if (++state.nodes > MAX_NODES || refs.length > MAX_DEPTH) return null;
  const s = schema as Schema;

  if (typeof s.$ref === 'string') {
    const name = refName(s.$ref);
    if (name === undefined || refs.includes(name)) return null;
    return sample(types[name], types, [...refs, name], state);
  }
  if (s.example !== undefined) return s.example;
  if (Array.isArray(s.examples) && s.examples.length > 0) return s.examples[0] as unknown;
  if (s.default !== undefined) return s.default;
  if (s.const !== undefined) return s.const;
  if (Array.isArray(s.enum) && s.enum.length > 0) return s.enum[0] as unknown;

  if (Array.isArray(s.allOf)) {
    const merged: Record<string, unknown> = {};
    for (const part of s.allOf) {
      const value = sample(part, types, refs, state);
      if (value !== null && typeof value === 'object' && !Array.isArray(value)) Object.assign(merged, value);
    }
    return merged;
  }
  for (const choice of ['oneOf', 'anyOf'] as const) {
    const options = s[choice];
    if (Array.isArray(options) && options.length > 0) return sample(options[0], types, refs, state);
  }

  switch (typeOf(s)) {
    case 'object': {
      const result: Record<string, unknown> = {};
      const properties = (s.properties ?? {}) as Record<string, unknown>;
      for (const [name, property] of Object.entries(properties)) result[name] = sample(property, types, refs, state);
      return result;
    }
    case 'array':
      return s.items === undefined ? [] : [sample(s.items, types, refs, state)];
    case 'integer':
    case 'number':
      return typeof s.minimum === 'number' ? s.minimum : 0;
    case 'boolean':
      return true;
    case 'string':
      return typeof s.format === 'string' && FORMAT_SAMPLES[s.format] !== undefined ? FORMAT_SAMPLES[s.format] : 'string';
    default:
      return null;
  }
}

/** 'Pet' from '#/components/schemas/Pet' or '#/definitions/Pet' (APIM also stores bare names). */
function refName(ref: string): string | undefined {
  const match = /^#\/(?:components\/schemas|definitions)\/(.+)$/.exec(ref);
  if (match !== null) return decodeURIComponent(match[1].replaceAll('~1', '/').replaceAll('~0', '~'));
  return ref.startsWith('#') ? undefined : ref;
}

function typeOf(s: Schema): string | undefined {
  const type = Array.isArray(s.type) ? (s.type as unknown[]).find((t) => t !== 'null') : s.type;
  if (typeof type === 'string') return type;
  if (s.properties !== undefined) return 'object';
  if (s.items !== undefined) return 'array';
  return undefined;
}
