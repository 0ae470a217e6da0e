import { Type, type Static } from '@sinclair/typebox';
import { StrictObject, StringEnum } from './schema-helpers.js';

export const BACKEND_PROTOCOLS = ['http', 'soap'] as const;
export const BACKEND_TYPES = ['Single', 'Pool'] as const;

/** ISO 8601 duration (TimeSpan in APIM's JSON), e.g. 'PT1M'. */
const Duration = (description: string) =>
  Type.String({ pattern: '^-?P(?=\\d|T\\d)(\\d+Y)?(\\d+M)?(\\d+[DW])?(T(\\d+H)?(\\d+M)?(\\d+(\\.\\d+)?S)?)?$', description });

const StatusCodeRangeSchema = StrictObject(
  {
    min: Type.Integer({ minimum: 200, maximum: 599, description: 'Lowest HTTP status code of the range.' }),
    max: Type.Integer({ minimum: 200, maximum: 599, description: 'Highest HTTP status code of the range.' }),
  },
  { description: 'A range of HTTP status codes counted as failures.' },
);

const CircuitBreakerRuleSchema = StrictObject(
  {
    name: Type.Optional(Type.String({ description: 'Rule name.' })),
    failureCondition: Type.Optional(
      StrictObject(
        {
          count: Type.Optional(Type.Integer({ minimum: 1, description: 'Failures within the interval that trip the breaker.' })),
          percentage: Type.Optional(
            Type.Integer({ minimum: 1, maximum: 100, description: 'Failure percentage within the interval that trips the breaker.' }),
          ),
          interval: Type.Optional(Duration('Window in which failures are counted (ISO 8601 duration).')),
          statusCodeRanges: Type.Optional(
            Type.Array(StatusCodeRangeSchema, { maxItems: 10, description: 'Status codes counted as failures.' }),
          ),
          errorReasons: Type.Optional(
            Type.Array(Type.String(), { maxItems: 10, description: 'Gateway error reasons counted as failures.' }),
          ),
        },
        { description: 'When the breaker trips.' },
      ),
    ),
    tripDuration: Type.Optional(Duration('How long the breaker stays open (ISO 8601 duration).')),
    acceptRetryAfter: Type.Optional(Type.Boolean({ description: "Whether to honour the backend's Retry-After for the trip duration." })),
  },
  { description: 'One circuit breaker rule.' },
);

const CredentialsSchema = StrictObject(
  {
    certificateIds: Type.Optional(
      Type.Array(Type.String(), {
        maxItems: 32,
        description: "Client certificate resources ('/certificates/{id}' or the id) presented to the backend; the first is used.",
      }),
    ),
    certificate: Type.Optional(Type.Array(Type.String(), { maxItems: 32, description: 'Client certificate thumbprints (deprecated).' })),
    query: Type.Optional(
      Type.Record(Type.String(), Type.Array(Type.String()), { description: 'Query parameters added to every backend request.' }),
    ),
    header: Type.Optional(
      Type.Record(Type.String(), Type.Array(Type.String()), { description: 'Headers added to every backend request.' }),
    ),
    authorization: Type.Optional(
      StrictObject(
        {
          scheme: Type.String({ minLength: 1, maxLength: 100, description: 'Authentication scheme name.' }),
          parameter: Type.String({ minLength: 1, maxLength: 300, description: 'Authentication parameter value.' }),
        },
        { description: 'Authorization header sent to the backend.' },
      ),
    ),
  },
  { description: 'Credentials the gateway presents to the backend.' },
);

export const BackendPropertiesSchema = StrictObject(
  {
    url: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 2000,
        description: "Runtime URL of the backend: http(s)://host[:port][/path] or k8s://service.namespace:port (required unless type is 'Pool').",
      }),
    ),
    protocol: Type.Optional(StringEnum(BACKEND_PROTOCOLS, { default: 'http', description: 'Backend communication protocol.' })),
    title: Type.Optional(Type.String({ minLength: 1, maxLength: 300, description: 'Backend title.' })),
    description: Type.Optional(Type.String({ minLength: 1, maxLength: 2000, description: 'Backend description.' })),
    resourceId: Type.Optional(Type.String({ minLength: 1, maxLength: 2000, description: 'Management URI of the backend resource (informational).' })),
    properties: Type.Optional(
      Type.Record(Type.String(), Type.Unknown(), { description: 'Backend-type-specific properties (Service Fabric; accepted, unused).' }),
    ),
    credentials: Type.Optional(CredentialsSchema),
    proxy: Type.Optional(
      StrictObject(
        {
          url: Type.String({ minLength: 1, maxLength: 2000, description: 'Proxy server URL.' }),
          username: Type.Optional(Type.String({ description: 'Username for the proxy server.' })),
          password: Type.Optional(Type.String({ description: 'Password for the proxy server.' })),
        },
        { description: 'Web proxy used for backend calls.' },
      ),
    ),
    tls: Type.Optional(
      StrictObject(
        {
          validateCertificateChain: Type.Optional(
            Type.Boolean({ default: true, description: 'Whether to validate the backend certificate chain.' }),
          ),
          validateCertificateName: Type.Optional(
            Type.Boolean({ default: true, description: 'Whether to validate the backend certificate host name.' }),
          ),
          caCertificateIds: Type.Optional(
            Type.Array(Type.String({ minLength: 1 }), {
              maxItems: 32,
              description:
                "Portico extension: certificate resources ('/certificates/{id}' or the id) trusted as certificate authorities for this backend, in addition to the public roots.",
            }),
          ),
        },
        { default: {}, description: 'TLS validation settings for the backend.' },
      ),
    ),
    circuitBreaker: Type.Optional(
      StrictObject(
        { rules: Type.Optional(Type.Array(CircuitBreakerRuleSchema, { maxItems: 15, description: 'Circuit breaker rules.' })) },
        { description: 'Circuit breaker configuration (state is per gateway instance).' },
      ),
    ),
    pool: Type.Optional(
      StrictObject(
        {
          services: Type.Array(
            StrictObject(
              {
                id: Type.String({ minLength: 1, description: "Member backend ('/backends/{id}' or the bare id)." }),
                priority: Type.Optional(Type.Integer({ minimum: 0, maximum: 100, description: 'Priority group; lower is preferred.' })),
                weight: Type.Optional(Type.Integer({ minimum: 0, maximum: 100, description: 'Relative weight within its priority group.' })),
              },
              { description: 'One member of a backend pool.' },
            ),
            { minItems: 1, description: 'Backends in the pool.' },
          ),
        },
        { description: "Members of a load-balanced pool (type 'Pool')." },
      ),
    ),
    type: Type.Optional(StringEnum(BACKEND_TYPES, { default: 'Single', description: "'Single' backend or load-balanced 'Pool'." })),
  },
  { description: 'Properties of a backend (APIM BackendContractProperties).' },
);

export type BackendProperties = Static<typeof BackendPropertiesSchema>;
