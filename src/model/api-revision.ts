/**
 * APIM addresses a revision of an API as `{apiId};rev={n}`; scopes, product links and
 * path uniqueness are about the API itself, so both planes strip the revision suffix.
 */
export function baseApiId(apiId: string): string {
  const at = apiId.indexOf(';rev=');
  return at === -1 ? apiId : apiId.slice(0, at);
}
