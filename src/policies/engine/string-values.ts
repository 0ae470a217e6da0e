/** StringValuesMap implementations over the gateway's header objects and raw query strings. */
import type { StringValuesMap } from '../../expressions/index.js';
import { parseQuery } from '../http/query.js';

export const EMPTY_VALUES: StringValuesMap = {
  get: () => undefined,
  names: () => [],
};

type HeaderRecord = Readonly<Record<string, string | string[] | number | undefined>>;

/** Header lookups are case-insensitive (the records hold lower-case names). */
export function headerValues(headers: () => HeaderRecord, host?: () => string): StringValuesMap {
  return {
    get(name: string): readonly string[] | undefined {
      const lower = name.toLowerCase();
      if (host !== undefined && lower === 'host') {
        const value = host();
        return value === '' ? undefined : [value];
      }
      const value = headers()[lower];
      if (value === undefined) return undefined;
      if (Array.isArray(value)) return value;
      return [String(value)];
    },
    names(): Iterable<string> {
      const names = Object.keys(headers()).filter((name) => headers()[name] !== undefined);
      if (host !== undefined && host() !== '') names.unshift('host');
      return names;
    },
  };
}

/** Query parameters by exact name (APIM's query dictionary is case-sensitive). */
export function queryValues(rawQuery: string): StringValuesMap {
  const parsed = parseQuery(rawQuery);
  const byName = new Map<string, string[]>();
  for (const [name, value] of parsed) {
    const values = byName.get(name);
    if (values === undefined) byName.set(name, [value]);
    else values.push(value);
  }
  return {
    get: (name) => byName.get(name),
    names: () => byName.keys(),
  };
}
