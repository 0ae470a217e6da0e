import { PorticoError } from '../../model/errors.js';
import type { OperationParameter, OperationProperties } from '../../model/resources/index.js';
import { parseUrlTemplate, type UrlTemplate } from '../../model/url-template.js';
import { invalidField, listAll, requireExisting } from './references.js';
import type { KindRules, PreparedWrite, WriteContext } from './types.js';

/** RFC 9110 method token. */
const METHOD_TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

export const operationRules: KindRules = {
  async prepare(input, ctx: WriteContext): Promise<PreparedWrite> {
    const properties = input as OperationProperties;
    const { tx, target } = ctx;
    if (!METHOD_TOKEN.test(properties.method)) {
      throw invalidField(`${target}.method`, 'InvalidMethod', `'${properties.method}' is not a valid HTTP method token.`);
    }
    const template = parseTemplate(properties.urlTemplate, `${target}.urlTemplate`);
    properties.templateParameters = reconcileTemplateParameters(template, properties.templateParameters ?? [], target);
    if (properties.backendId !== undefined) {
      await requireExisting(tx, { kind: 'backend', parent: '', id: properties.backendId }, `${target}.backendId`);
    }
    await refuseDuplicateRoute(properties, template, ctx);
    return { properties };
  },
};

function parseTemplate(urlTemplate: string, target: string): UrlTemplate {
  try {
    return parseUrlTemplate(urlTemplate);
  } catch (error) {
    if (!(error instanceof PorticoError)) throw error;
    // Same message and column, but aimed at this resource's field rather than a bare 'urlTemplate'.
    const retargeted = invalidField(target, 'InvalidUrlTemplate', error.message);
    const column = error.details[0]?.column;
    if (column !== undefined) retargeted.details[0].column = column;
    throw retargeted;
  }
}

/**
 * APIM refuses a template whose parameters are not declared in templateParameters.
 * Portico declares the missing ones (string, required) so a short declarative entry
 * works, and still refuses a declared parameter the template does not have.
 */
function reconcileTemplateParameters(template: UrlTemplate, declared: OperationParameter[], target: string): OperationParameter[] {
  const inTemplate = new Set(template.parameterNames);
  declared.forEach((parameter, index) => {
    if (!inTemplate.has(parameter.name)) {
      throw invalidField(
        `${target}.templateParameters[${index}].name`,
        'UnknownTemplateParameter',
        `The URL template has no parameter '${parameter.name}'.`,
      );
    }
  });
  const declaredNames = new Set(declared.map((p) => p.name));
  const added = template.parameterNames
    .filter((name) => !declaredNames.has(name))
    .map((name): OperationParameter => ({ name, type: 'string', required: true, values: [] }));
  return [...declared, ...added];
}

/** Two operations of one API with the same method and the same route shape could never both be reached. */
async function refuseDuplicateRoute(properties: OperationProperties, template: UrlTemplate, ctx: WriteContext): Promise<void> {
  const shape = routeShape(template);
  const method = properties.method.toUpperCase();
  for (const sibling of await listAll(ctx.tx, 'operation', ctx.key.parent)) {
    if (sibling.id === ctx.key.id) continue;
    const theirs = sibling.properties as OperationProperties;
    if (theirs.method.toUpperCase() !== method) continue;
    let theirShape: string;
    try {
      theirShape = routeShape(parseUrlTemplate(theirs.urlTemplate));
    } catch {
      continue;
    }
    if (theirShape === shape) {
      throw invalidField(
        `${ctx.target}.urlTemplate`,
        'DuplicateOperation',
        `Operation '${sibling.id}' already handles ${theirs.method} ${theirs.urlTemplate}.`,
      );
    }
  }
}

/** The template with parameter names erased: '/orders/{id}' and '/orders/{orderId}' are one route. */
function routeShape(template: UrlTemplate): string {
  const path = template.segments
    .map((segment) => {
      if (segment.kind === 'literal') return segment.value;
      if (segment.kind === 'param') return '{}';
      return segment.parts.map((part) => (part.kind === 'literal' ? part.value : '{}')).join('');
    })
    .join('/');
  const wildcard = template.wildcard ? '/*' : '';
  const query = template.query
    .map((part) => `${part.name}=${part.param !== null ? '{}' : (part.value ?? '')}`)
    .sort()
    .join('&');
  return `/${path}${wildcard}?${query}`;
}
