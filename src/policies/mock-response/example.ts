/**
 * Picks the mocked body from an operation's documented responses (APIM ResponseContract):
 * the response with the requested status, the representation with the requested content
 * type (else the first), its first example. Without one, the body is empty.
 */
export interface MockedResponse {
  readonly contentType: string | undefined;
  readonly body: Buffer;
}

interface Representation {
  readonly contentType?: unknown;
  readonly examples?: Readonly<Record<string, { readonly value?: unknown }>>;
  readonly sample?: unknown;
}

interface ResponseContract {
  readonly statusCode?: unknown;
  readonly representations?: readonly Representation[];
}

export function mockedResponse(responses: readonly unknown[], statusCode: number, contentType: string | undefined): MockedResponse {
  const contract = (responses as ResponseContract[]).find((r) => r !== null && typeof r === 'object' && r.statusCode === statusCode);
  const representations = contract?.representations ?? [];
  const wanted = contentType?.toLowerCase();
  const representation =
    (wanted === undefined ? undefined : representations.find((r) => typeof r.contentType === 'string' && r.contentType.toLowerCase() === wanted)) ?? representations[0];
  const type = contentType ?? (typeof representation?.contentType === 'string' ? representation.contentType : undefined);
  const example = firstExample(representation);
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
