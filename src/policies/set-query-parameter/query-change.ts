/** exists-action applied to one parameter of a raw query string; untouched parameters keep their bytes. */
import type { ExistsAction } from '../http/headers.js';
import { encodeQueryPair, joinQuery, splitQuery, type QueryParameter } from '../http/query.js';

export function changeQuery(rawQuery: string, name: string, values: readonly string[], action: ExistsAction): string {
  const parts = splitQuery(rawQuery);
  const present = parts.some((p) => p.name === name);
  const added: QueryParameter[] = values.map((value) => ({ name, raw: encodeQueryPair(name, value) }));
  switch (action) {
    case 'delete':
      return present ? joinQuery(parts.filter((p) => p.name !== name)) : rawQuery;
    case 'skip':
      return present ? rawQuery : joinQuery([...parts, ...added]);
    case 'append':
      return joinQuery([...parts, ...added]);
    case 'override': {
      // The new values take the place of the first old one, so parameter order stays stable.
      const result: QueryParameter[] = [];
      let placed = false;
      for (const part of parts) {
        if (part.name !== name) result.push(part);
        else if (!placed) {
          result.push(...added);
          placed = true;
        }
      }
      if (!placed) result.push(...added);
      return joinQuery(result);
    }
  }
}
