/**
 * Picks the mocked body from an operation's documented responses (APIM ResponseContract):
 * the response with the requested status, the representation with the requested content
 * type (else the first), its first example; without one, a sample built from the type the
 * representation names (schemaId + typeName) in the API's schemas, for JSON content types.
 * Without either, the body is empty.
 */
import { sampleFromSchema } from './schema-sample.js';

/** The named types of an API schema, or undefined when the API has no such schema. */
export type SchemaTypes = (schemaId: string) => Readonly<Record<string, unknown>> | undefined;

export interface MockedResponse {
  readonly contentType: string | undefined;
  readonly body: Buffer;
}

interface Representation {
  readonly contentType?: unknown;
  readonly examples?: Readonly<Record<string, { readonly value?: unknown }>>;
  readonly sample?: unknown;
  readonly schemaId?: unknown;
  readonly typeName?: unknown;
}

interface ResponseContract {
  readonly statusCode?: unknown;
  readonly representations?: readonly Representation[];
}

export function mockedResponse(
  responses: readonly unknown[],
  statusCode: number,
  contentType: string | undefined,
  schemaTypes: SchemaTypes = () => undefined,
): MockedResponse {
  const contract = (responses as ResponseContract[]).find((r) => r !== null && typeof r === 'object' && r.statusCode === statusCode);
  const representations = contract?.representations ?? [];
  const wanted = contentType?.toLowerCase();
  const representation =
    (wanted === undefined ? undefined : representations.find((r) => typeof r.contentType === 'string' && r.contentType.toLowerCase() === wanted)) ?? representations[0];
  const type = contentType ?? (typeof representation?.contentType === 'string' ? representation.contentType : undefined);
  const example = firstExample(representation) ?? schemaSample(representation, type, schemaTypes);
  if (example === undefined) return { contentType: type, body: Buffer.alloc(0) };
  const text = typeof example === 'string' ? example : JSON.stringify(example, null, 2);
  return { contentType: type, body: Buffer.from(text) };
}

function firstExample(representation: Representation | undefined): unknown {
  if (representation === undefined) return undefined;
  for (const example of Object.values(representation.examples ?? {})) {
    if (example !== null && typeof example === 'object' && example.value !== undefined) return example.value;
  }
  return representation.sample;
}

function schemaSample(representation: Representation | undefined, contentType: string | undefined, schemaTypes: SchemaTypes): unknown {
  if (representation === undefined || typeof representation.schemaId !== 'string' || typeof representation.typeName !== 'string') return undefined;
  // Only JSON can be made from a JSON schema; an XML representation stays empty.
  if (contentType !== undefined && !/[/+]json\b/i.test(contentType)) return undefined;
  const types = schemaTypes(representation.schemaId);
  if (types === undefined || types[representation.typeName] === undefined) return undefined;
  return sampleFromSchema(types[representation.typeName], types);
}
