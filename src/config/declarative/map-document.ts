import type { ResourceKind } from '../../model/kinds.js';
import { resolveCertificateEntry } from './certificate-files.js';
import type { DeclarativeIssue } from './issues.js';
import { resolvePolicyReference } from './policy-reference.js';
import { formatPath, type DocumentPath } from './resource-path.js';
import type { SourceDocument } from './source-document.js';
import type { DeclaredResource } from './types.js';

/** Top-level sections that are a map of id → APIM properties, with nothing Portico-specific inside. */
const PLAIN_SECTIONS: Readonly<Record<string, ResourceKind>> = {
  apiVersionSets: 'apiVersionSet',
  tags: 'tag',
  backends: 'backend',
  namedValues: 'namedValue',
  users: 'user',
  groups: 'group',
  subscriptions: 'subscription',
};

const TOP_LEVEL_KEYS = [...Object.keys(PLAIN_SECTIONS), 'certificates', 'apis', 'products', 'policyFragments', 'policy'];

// Characters that would break (kind, parent, id) addressing or APIM's URL paths.
const FORBIDDEN_ID_CHARACTERS = /[/\\?#%*&+:<>\s\u0000-\u001f]/;
const MAX_ID_LENGTH = 256;

export interface MapContext {
  file: string;
  /** Folder that relative `policy:` and fragment `value:` paths are resolved against. */
  baseDir: string;
}

export interface MappedDocument {
  resources: DeclaredResource[];
  issues: DeclarativeIssue[];
}

type PlainObject = Record<string, unknown>;

/**
 * Turns the parsed file into DeclaredResource[] in dependency order (what a resource
 * points at comes before it), collecting every structural problem instead of stopping at
 * the first. Property-level checks are left to the model's validators.
 */
export function mapDocument(source: SourceDocument, context: MapContext): MappedDocument {
  return new DocumentMapper(source, context).run();
}

class DocumentMapper {
  private readonly resources: DeclaredResource[] = [];
  private readonly issues: DeclarativeIssue[] = [];

  constructor(
    private readonly source: SourceDocument,
    private readonly context: MapContext,
  ) {}

  run(): MappedDocument {
    const root = this.source.data;
    if (root === undefined || root === null) return { resources: [], issues: [] };
    if (!isPlainObject(root)) {
      this.issue('WrongType', [], 'the file must be a map of sections (backends, apis, products, …)');
      return this.result();
    }
    for (const key of Object.keys(root)) {
      if (!TOP_LEVEL_KEYS.includes(key)) {
        this.issue('UnknownField', [key], `unknown top-level key; expected one of ${TOP_LEVEL_KEYS.join(', ')}`);
      }
    }
    this.certificates(root);
    for (const section of ['apiVersionSets', 'tags', 'backends', 'namedValues', 'users', 'groups']) {
      this.plainSection(root, section);
    }
    this.policyFragments(root);
    this.apis(root);
    this.products(root);
    this.plainSection(root, 'subscriptions');
    if (root.policy !== undefined) this.policy(root.policy, ['policy'], '');
    return this.result();
  }

  private result(): MappedDocument {
    return { resources: this.resources, issues: this.issues };
  }

  private plainSection(root: PlainObject, section: string): void {
    for (const [id, properties, path] of this.entries(root, section)) {
      this.add(PLAIN_SECTIONS[section], '', id, properties, path);
    }
  }

  private apis(root: PlainObject): void {
    for (const [apiId, value, apiPath] of this.entries(root, 'apis')) {
      const { operations: _operations, schemas: _schemas, policy, ...properties } = value;
      this.add('api', '', apiId, properties, apiPath);
      const apiParent = `apis/${apiId}`;
      for (const [operationId, operationValue, operationPath] of this.entries(value, 'operations', apiPath)) {
        const { policy: operationPolicy, ...operationProperties } = operationValue;
        this.add('operation', apiParent, operationId, operationProperties, operationPath);
        if (operationPolicy !== undefined) {
          this.policy(operationPolicy, [...operationPath, 'policy'], `${apiParent}/operations/${operationId}`);
        }
      }
      for (const [schemaId, schemaValue, schemaPath] of this.entries(value, 'schemas', apiPath)) {
        this.add('apiSchema', apiParent, schemaId, schemaValue, schemaPath);
      }
      if (policy !== undefined) this.policy(policy, [...apiPath, 'policy'], apiParent);
    }
  }

  private products(root: PlainObject): void {
    for (const [productId, value, productPath] of this.entries(root, 'products')) {
      const { apis, policy, ...properties } = value;
      this.add('product', '', productId, properties, productPath);
      const productParent = `products/${productId}`;
      if (apis !== undefined) {
        if (!Array.isArray(apis) || !apis.every((apiId) => typeof apiId === 'string')) {
          this.issue('WrongType', [...productPath, 'apis'], 'must be a list of API ids, e.g. [orders, payments]');
        } else {
          apis.forEach((apiId: string, index) => {
            this.add('productApi', productParent, apiId, {}, [...productPath, 'apis', index]);
          });
        }
      }
      if (policy !== undefined) this.policy(policy, [...productPath, 'policy'], productParent);
    }
  }

  /** `certificates: { id: { data, password } | { certificateFile, keyFile?, password? } }` (see certificate-files.ts). */
  private certificates(root: PlainObject): void {
    for (const [id, value, path] of this.entries(root, 'certificates')) {
      const resolution = resolveCertificateEntry(value, this.context.baseDir);
      if (resolution.ok) this.add('certificate', '', id, resolution.properties, path);
      else this.issue('CertificateNotFound', [...path, resolution.field], resolution.message);
    }
  }

  /** `policyFragments: { id: { value: ./file.xml | <fragment>…, description?, format? } }`; a file is read like `policy:`. */
  private policyFragments(root: PlainObject): void {
    for (const [id, value, path] of this.entries(root, 'policyFragments')) {
      const properties: PlainObject = { format: 'rawxml', ...value };
      if (typeof value.value === 'string') {
        const resolution = resolvePolicyReference(value.value, this.context.baseDir);
        if (!resolution.ok) {
          this.issue('PolicyNotFound', [...path, 'value'], resolution.message);
          continue;
        }
        properties.value = resolution.xml;
      }
      this.add('policyFragment', '', id, properties, path);
    }
  }

  private policy(value: unknown, path: DocumentPath, parent: string): void {
    if (typeof value !== 'string') {
      this.issue('WrongType', path, 'must be inline XML (<policies>…</policies>) or the path of a policy file');
      return;
    }
    const resolution = resolvePolicyReference(value, this.context.baseDir);
    if (!resolution.ok) {
      this.issue('PolicyNotFound', path, resolution.message);
      return;
    }
    this.add('policy', parent, 'policy', { format: 'rawxml', value: resolution.xml }, path);
  }

  /** Yields the id → properties entries of `container[key]`, reporting entries of the wrong shape. */
  private *entries(
    container: PlainObject,
    key: string,
    containerPath: DocumentPath = [],
  ): Generator<[string, PlainObject, DocumentPath]> {
    const section = container[key];
    const sectionPath = [...containerPath, key];
    if (section === undefined || section === null) return;
    if (!isPlainObject(section)) {
      this.issue('WrongType', sectionPath, 'must be a map of id → properties');
      return;
    }
    for (const [id, value] of Object.entries(section)) {
      const path = [...sectionPath, id];
      const idProblem = checkId(id);
      if (idProblem) {
        this.issue('InvalidId', path, idProblem);
        continue;
      }
      // `orders:` with nothing after it is an empty map in intent; let property validation say what is missing.
      if (value === null) {
        yield [id, {}, path];
      } else if (!isPlainObject(value)) {
        this.issue('WrongType', path, 'must be a map of properties');
      } else {
        yield [id, value, path];
      }
    }
  }

  private add(kind: ResourceKind, parent: string, id: string, properties: PlainObject, path: DocumentPath): void {
    const position = this.source.locate(path);
    this.resources.push({
      kind,
      parent,
      id,
      properties,
      source: { file: this.context.file, path: formatPath(path), line: position?.line, column: position?.column },
    });
  }

  private issue(code: string, path: DocumentPath, message: string): void {
    const position = this.source.locate(path);
    this.issues.push({ code, path: formatPath(path), message, line: position?.line, column: position?.column });
  }
}

function checkId(id: string): string | undefined {
  if (id.length === 0) return 'an id may not be empty';
  if (id.length > MAX_ID_LENGTH) return `an id may be at most ${MAX_ID_LENGTH} characters`;
  if (FORBIDDEN_ID_CHARACTERS.test(id)) return `id "${id}" contains a character not allowed in an id (/ \\ ? # % * & + : < > or whitespace)`;
  return undefined;
}

function isPlainObject(value: unknown): value is PlainObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
