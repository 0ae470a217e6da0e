/** Every policy Portico runs out of the box, one module per element. */
import type { PolicyDefinition } from './engine/definition.js';
import { authenticationBasicPolicy } from './authentication-basic/index.js';
import { authenticationCertificatePolicy } from './authentication-certificate/index.js';
import { cacheLookupPolicy } from './cache-lookup/index.js';
import { cacheLookupValuePolicy } from './cache-lookup-value/index.js';
import { cacheRemoveValuePolicy } from './cache-remove-value/index.js';
import { cacheStorePolicy } from './cache-store/index.js';
import { cacheStoreValuePolicy } from './cache-store-value/index.js';
import { checkHeaderPolicy } from './check-header/index.js';
import { choosePolicy } from './choose/index.js';
import { corsPolicy } from './cors/index.js';
import { findAndReplacePolicy } from './find-and-replace/index.js';
import { forwardRequestPolicy } from './forward-request/index.js';
import { includeFragmentPolicy } from './include-fragment/index.js';
import { ipFilterPolicy } from './ip-filter/index.js';
import { issueBackendTokenPolicy } from './issue-backend-token/index.js';
import { jsonToXmlPolicy } from './json-to-xml/index.js';
import { limitConcurrencyPolicy } from './limit-concurrency/index.js';
import { mockResponsePolicy } from './mock-response/index.js';
import { quotaPolicy } from './quota/index.js';
import { quotaByKeyPolicy } from './quota-by-key/index.js';
import { rateLimitPolicy } from './rate-limit/index.js';
import { rateLimitByKeyPolicy } from './rate-limit-by-key/index.js';
import { retryPolicy } from './retry/index.js';
import { returnResponsePolicy } from './return-response/index.js';
import { rewriteUriPolicy } from './rewrite-uri/index.js';
import { sendOneWayRequestPolicy } from './send-one-way-request/index.js';
import { sendRequestPolicy } from './send-request/index.js';
import { setBackendServicePolicy } from './set-backend-service/index.js';
import { setBodyPolicy } from './set-body/index.js';
import { setHeaderPolicy } from './set-header/index.js';
import { setMethodPolicy } from './set-method/index.js';
import { setQueryParameterPolicy } from './set-query-parameter/index.js';
import { setStatusPolicy } from './set-status/index.js';
import { setVariablePolicy } from './set-variable/index.js';
import { tracePolicy } from './trace/index.js';
import { validateClientCertificatePolicy } from './validate-client-certificate/index.js';
import { validateJwtPolicy } from './validate-jwt/index.js';
import { waitPolicy } from './wait/index.js';
import { xmlToJsonPolicy } from './xml-to-json/index.js';

export const BUILTIN_POLICIES: readonly PolicyDefinition[] = [
  authenticationBasicPolicy,
  authenticationCertificatePolicy,
  cacheLookupPolicy,
  cacheLookupValuePolicy,
  cacheRemoveValuePolicy,
  cacheStorePolicy,
  cacheStoreValuePolicy,
  checkHeaderPolicy,
  choosePolicy,
  corsPolicy,
  findAndReplacePolicy,
  forwardRequestPolicy,
  includeFragmentPolicy,
  ipFilterPolicy,
  issueBackendTokenPolicy,
  jsonToXmlPolicy,
  limitConcurrencyPolicy,
  mockResponsePolicy,
  quotaPolicy,
  quotaByKeyPolicy,
  rateLimitPolicy,
  rateLimitByKeyPolicy,
  retryPolicy,
  returnResponsePolicy,
  rewriteUriPolicy,
  sendOneWayRequestPolicy,
  sendRequestPolicy,
  setBackendServicePolicy,
  setBodyPolicy,
  setHeaderPolicy,
  setMethodPolicy,
  setQueryParameterPolicy,
  setStatusPolicy,
  setVariablePolicy,
  tracePolicy,
  validateClientCertificatePolicy,
  validateJwtPolicy,
  waitPolicy,
  xmlToJsonPolicy,
];
