import { Type, type Static } from '@sinclair/typebox';
import { StrictObject, StringEnum } from './schema-helpers.js';

export const API_TYPES = ['http', 'soap', 'websocket', 'graphql', 'odata', 'grpc'] as const;
export const API_PROTOCOLS = ['http', 'https', 'ws', 'wss'] as const;

export const DEFAULT_SUBSCRIPTION_KEY_HEADER = 'Ocp-Apim-Subscription-Key';
export const DEFAULT_SUBSCRIPTION_KEY_QUERY = 'subscription-key';

export const SubscriptionKeyParameterNamesSchema = StrictObject(
  {
    header: Type.Optional(Type.String({
      minLength: 1,
      maxLength: 256,
      pattern: "^[!#$%&'*+.^_`|~0-9A-Za-z-]+$",
      default: DEFAULT_SUBSCRIPTION_KEY_HEADER,
      description: 'Request header that carries the subscription key.',
    })),
    query: Type.Optional(Type.String({
      minLength: 1,
      maxLength: 256,
      default: DEFAULT_SUBSCRIPTION_KEY_QUERY,
      description: 'Query parameter that carries the subscription key when the header is absent.',
    })),
  },
  { default: {}, description: 'Names of the header and query parameter the gateway reads the subscription key from.' },
);

const ApiContactSchema = StrictObject(
  {
    name: Type.Optional(Type.String({ description: 'Name of the contact person or organisation.' })),
    url: Type.Optional(Type.String({ description: 'URL pointing to the contact information.' })),
    email: Type.Optional(Type.String({ description: 'Email address of the contact person or organisation.' })),
  },
  { description: 'Contact information for the API.' },
);

const ApiLicenseSchema = StrictObject(
  {
    name: Type.Optional(Type.String({ description: 'License name used for the API.' })),
    url: Type.Optional(Type.String({ description: 'URL to the license used for the API.' })),
  },
  { description: 'License information for the API.' },
);

const AuthenticationSettingsSchema = StrictObject(
  {
    oAuth2: Type.Optional(
      StrictObject(
        {
          authorizationServerId: Type.Optional(Type.String({ description: 'OAuth authorization server identifier.' })),
          scope: Type.Optional(Type.String({ description: 'Operations scope.' })),
        },
        { description: 'OAuth2 authentication settings.' },
      ),
    ),
    openid: Type.Optional(
      StrictObject(
        {
          openidProviderId: Type.Optional(Type.String({ description: 'OpenID Connect provider identifier.' })),
          bearerTokenSendingMethods: Type.Optional(
            Type.Array(StringEnum(['authorizationHeader', 'query'] as const), {
              description: 'How to send the token to the server.',
            }),
          ),
        },
        { description: 'OpenID Connect authentication settings.' },
      ),
    ),
    oAuth2AuthenticationSettings: Type.Optional(
      Type.Array(Type.Record(Type.String(), Type.Unknown()), { description: 'Collection of OAuth2 authentication settings.' }),
    ),
    openidAuthenticationSettings: Type.Optional(
      Type.Array(Type.Record(Type.String(), Type.Unknown()), { description: 'Collection of OpenID Connect authentication settings.' }),
    ),
  },
  { description: 'Authentication settings documented for the API (informational; not enforced by the gateway).' },
);

/** The API's version set as APIM expands it in responses; accepted on input and ignored. */
const ApiVersionSetDetailsSchema = Type.Record(Type.String(), Type.Unknown(), {
  description: 'Expanded version set (read-only echo; set apiVersionSetId instead).',
});

export const ApiPropertiesSchema = StrictObject(
  {
    displayName: Type.Optional(
      Type.String({ minLength: 1, maxLength: 300, description: 'API name shown in the portal; defaults to the API id.' }),
    ),
    description: Type.Optional(Type.String({ description: 'Description of the API; may include HTML.' })),
    path: Type.String({
      maxLength: 400,
      description: 'Relative URL that, appended to the gateway base URL, uniquely identifies this API.',
    }),
    protocols: Type.Optional(
      Type.Array(StringEnum(API_PROTOCOLS), {
        minItems: 1,
        uniqueItems: true,
        default: ['https'],
        description: 'Protocols over which the API is made available.',
      }),
    ),
    serviceUrl: Type.Optional(
      Type.String({ maxLength: 2000, description: 'Absolute URL of the backend service implementing this API.' }),
    ),
    backendId: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 256,
        description: 'Portico extension: id of the backend that serves this API (shorthand for set-backend-service backend-id).',
      }),
    ),
    type: Type.Optional(StringEnum(API_TYPES, { description: "Type of API; defaults to apiType, else 'http'." })),
    apiType: Type.Optional(StringEnum(API_TYPES, { description: 'Type of API to create (create-time alias of type).' })),
    apiRevision: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 100,
        default: '1',
        description: 'Revision of the API; a revision is created when this differs from the current one.',
      }),
    ),
    apiRevisionDescription: Type.Optional(Type.String({ maxLength: 256, description: 'Description of the API revision.' })),
    apiVersion: Type.Optional(Type.String({ maxLength: 100, description: 'Version identifier of the API if it is versioned.' })),
    apiVersionDescription: Type.Optional(Type.String({ maxLength: 256, description: 'Description of the API version.' })),
    apiVersionSetId: Type.Optional(Type.String({ description: 'Resource id of the related version set (/apiVersionSets/{id}).' })),
    apiVersionSet: Type.Optional(ApiVersionSetDetailsSchema),
    isCurrent: Type.Optional(
      Type.Boolean({ default: true, description: 'Whether this revision is the current one, served without ;rev=.' }),
    ),
    subscriptionRequired: Type.Optional(
      Type.Boolean({ default: true, description: 'Whether a subscription key is required to call this API.' }),
    ),
    subscriptionKeyParameterNames: Type.Optional(SubscriptionKeyParameterNamesSchema),
    termsOfServiceUrl: Type.Optional(Type.String({ description: 'URL to the terms of service for the API.' })),
    contact: Type.Optional(ApiContactSchema),
    license: Type.Optional(ApiLicenseSchema),
    authenticationSettings: Type.Optional(AuthenticationSettingsSchema),
    sourceApiId: Type.Optional(Type.String({ description: 'API identifier of the source API (for clones and revisions).' })),
    format: Type.Optional(
      Type.String({ description: 'Format of an API definition to import with value (not supported: use `portico import`).' }),
    ),
    value: Type.Optional(Type.String({ description: 'API definition content to import (not supported: use `portico import`).' })),
    wsdlSelector: Type.Optional(
      Type.Record(Type.String(), Type.String(), { description: 'WSDL import selector (not supported).' }),
    ),
    translateRequiredQueryParameters: Type.Optional(
      StringEnum(['template', 'query'] as const, {
        description: 'How an OpenAPI import translates required query parameters (import option).',
      }),
    ),
  },
  { description: 'Properties of an API (APIM ApiCreateOrUpdateProperties).' },
);

export type ApiProperties = Static<typeof ApiPropertiesSchema>;

/** Fields APIM computes; accepted on input (the SDK may echo them) and dropped. */
export const API_READ_ONLY = ['isOnline', 'provisioningState', 'apiVersionSet'] as const;
