import { ConflictError } from '../../model/errors.js';
import type { ApiVersionSetProperties } from '../../model/resources/index.js';
import { invalidField, listAll } from './references.js';
import type { KindRules } from './types.js';

export const apiVersionSetRules: KindRules = {
  async prepare(input, ctx) {
    const properties = input as ApiVersionSetProperties;
    if (properties.versioningScheme === 'Header' && properties.versionHeaderName === undefined) {
      throw invalidField(`${ctx.target}.versionHeaderName`, 'RequiredField', "'versionHeaderName' is required for the 'Header' scheme.");
    }
    if (properties.versioningScheme === 'Query' && properties.versionQueryName === undefined) {
      throw invalidField(`${ctx.target}.versionQueryName`, 'RequiredField', "'versionQueryName' is required for the 'Query' scheme.");
    }
    return { properties };
  },

  async beforeDelete({ tx, key }) {
    const members = (await listAll(tx, 'api')).filter((api) => api.properties.apiVersionSetId === `/apiVersionSets/${key.id}`);
    if (members.length > 0) {
      throw new ConflictError(`API version set '${key.id}' is still used by ${members.map((a) => `API '${a.id}'`).join(', ')}.`, [
        { code: 'VersionSetInUse', target: 'apiVersionSetId', message: `Used by ${members.length} API(s).` },
      ]);
    }
  },
};
