/**
 * Expressions from the public APIM policy snippets (../shared/fixtures/apim-policy-snippets):
 * the per-snippet contexts their earlier policies would have produced (so every scanned
 * expression can run), and hand-written cases that pin the result of each pattern.
 */
import type { ExpressionContext } from '../context.js';
import { parseJwt } from '../runtime/jwt.js';
import { parseJson } from '../runtime/json/read.js';
import { response, satisfies, testContext, type Case, type ContextInput } from './harness.js';

function b64url(o: unknown): string {
  return Buffer.from(JSON.stringify(o)).toString('base64url');
}

export function makeJwt(payload: Record<string, unknown>, header: Record<string, unknown> = { alg: 'HS256', typ: 'JWT' }): string {
  return `${b64url(header)}.${b64url(payload)}.c2lnbmF0dXJl`;
}

const KEY32 = Buffer.alloc(32, 7).toString('base64');
const KEY16 = Buffer.alloc(16, 3).toString('base64');

/** Named values the snippets reference; APIM substitutes them before compiling expressions. */
export const FIXTURE_NAMED_VALUES: Readonly<Record<string, string>> = {
  TokenEncryptionKey: '1',
  CookieEncryptionKey: '2',
  TokenEncryptionKey1: KEY32,
  TokenEncryptionKey2: KEY32,
  CookieEncryptionKey1: KEY32,
  CookieEncryptionKey2: KEY32,
  SessionCookieExpirationInSeconds: '3600',
  CookiePrefix: 'session',
};

/**
 * Snippet expressions that cannot compile as written. The Loopback snippet's header name
 * (`"Ocp-Apim-Subscription-Key="""`) was mangled by an HTML serializer: adjacent string
 * literals are a C# syntax error, so the document is refused with the position of the error.
 */
export const KNOWN_BROKEN_FIXTURE_EXPRESSIONS: readonly { file: string; contains: string; error: string }[] = [
  { file: 'Loopback-request-for-service-at-same-API-Management-service.xml', contains: 'Ocp-Apim-Subscription-Key=""', error: 'Syntax error' },
];

const idToken = makeJwt({ sub: 'alice', nonce: 'nonce-1', exp: 1900000000 });

const tokensBody = JSON.stringify({ access_token: 'at-1', refresh_token: 'rt-1', id_token: idToken, expires_in: 3600 });

const COMMON: Record<string, unknown> = {
  // Backend-OAuth2 / Trigger-ADF / Managed identity
  blobdata: response(200, '{"name":"blob","size":12}'),
  accessTokenResult: response(200, '{"access_token":"at-123","expires_in":3600}'),
  bearerToken: 'at-123',
  tokenDurationSeconds: 3600,
  'managed-identity-token': 'mi-token',
  // Shared access signature
  storageAccount: 'acct',
  resourcePath: 'orders',
  'x-ms-date': 'Mon, 01 Jan 2024 00:00:00 GMT',
  'x-ms-version': '2021-06-08',
  signedPermissions: 'raud',
  signedStart: '',
  signedExpiry: '2024-01-02T00:00:00Z',
  canonicalizedResource: '/table/acct/orders',
  signedIdentifier: '',
  signedIP: '',
  signedProtocol: '',
  startingPartitionKey: '',
  startingRowKey: '',
  endingPartitionKey: '',
  endingRowKey: '',
  accessKey: KEY32,
  stringToSign: 'raud\n\n2024-01-02T00:00:00Z\n/table/acct/orders',
  signature: 'c2ln',
  sasToken: '?sv=2021-06-08',
  contentType: 'application/json',
  // SAP CSRF
  SAPCSRFToken: response(200, '', { 'x-csrf-token': 'csrf-1', 'Set-Cookie': 'sap-XSRF_ABC=one,two; path=/; SAP_SESSIONID_X=s,3' }),
  // Encrypt data
  IV: KEY16,
  key: KEY32,
  // Parse a JWT
  'valid-jwt': parseJwt(makeJwt({ sub: '1234567890', permissions: ['sendEmail', 'sendText'] })),
  // Query CosmosDB
  requestDateString: 'mon, 01 jan 2024 00:00:00 gmt',
  // Replay / Loopback
  'replay-url': 'http://backup.contoso.com/orders',
  'original-error-source': 'example-policy-name',
  'original-error-reason': 'QuotaExceeded',
  subscriptionKey: 'sub-key',
  // OAuth proxy
  state: 'xyz',
  cacheKey: 'cache-1',
  redirect: '/home',
  'expected-state': '/home',
  'expected-nonce': 'nonce-1',
  'code-challenge': 'verifier',
  code: 'code-1',
  tokens: response(200, tokensBody),
  tokenResponse: parseJson(tokensBody),
  idToken,
  idtoken: idToken,
  idTokenNonce: 'nonce-1',
  refreshTime: 3600,
  refreshToken: 'rt-1',
  ivTokens: '0f8fad5b-d9cb-469f-a165-70867728950e',
  ivCookie: '7c9e6679-7425-40de-944b-e07fc1f90ae7',
  encryptedAccessToken: 'enc-a',
  encryptedIdToken: 'enc-i',
  encryptedRefreshToken: 'enc-r',
  'cookie-expiry': 1704067200000n,
  'cookie-prefix': 'cache-1.iv.1704067200000',
  encryptedCookie: 'enc-c',
  'oauth-proxy-callback': 'https://api.contoso.com/oauth/callback',
  tokenData: 'client_id=x',
  idpTokenEndpoint: 'https://login.example.com/token',
  idpRedirect: 'https://login.example.com/authorize',
  stateRaw: 'raw-state',
  nonceRaw: 'raw-nonce',
  codeChallenge: 'challenge',
  cookie: 'cookie-1',
  'check-state': '_',
  'check-nonce': 'n',
  'check-code-challenge': '_',
  originalXForwardedForValue: '198.51.100.1',
};

const PER_FILE: Record<string, Record<string, unknown>> = {
  // Backend-OAuth2 stores the token response as a JObject; the oauth proxy stores a string.
  'Backend-OAuth2-Authentication-With-Cache.policy.xml': { accessToken: parseJson('{"access_token":"at-123","expires_in":3600}') },
  'oauth-proxy-callback.xml': { accessToken: 'at-1' },
};

/** The context a scanned snippet expression runs against. */
export function fixtureContext(file: string): ExpressionContext {
  const input: ContextInput = {
    method: 'POST',
    url: 'https://api.contoso.com/echo/resource-cached?redirect=%2Fhome',
    headers: {
      'X-Forwarded-For': '10.1.2.3:4567',
      'X-Forwarded-Host': 'gateway.contoso.com',
      'X-Original-Host': 'orders.contoso.com',
      'X-Original-Url': '/orders/1',
      Authorization: 'Bearer abc',
      cookie: 'other=1; session-xyz=cache-1',
      'Ocp-Apim-Subscription-Key': 'sub-key',
    },
    body: 'code=code-1&state=xyz',
    response: { status: 401, body: '{}' },
    matched: { Goober: 'secret-value' },
    lastError: { Source: 'configuration', Reason: 'OperationNotFound', Message: 'Unable to match incoming request to an operation.' },
    variables: { ...COMMON, ...PER_FILE[file] },
  };
  return testContext(input);
}

const sapCtx: ContextInput = { variables: { SAPCSRFToken: COMMON.SAPCSRFToken } };

/** One pinned case per expression pattern in the snippets. */
export const fixtureCases: readonly Case[] = [
  { name: 'correlation id: COMB GUID from Guid bytes and DateTime ticks', expr: `@{
      var guidBinary = new byte[16];
      Array.Copy(Guid.NewGuid().ToByteArray(), 0, guidBinary, 0, 10);
      long time = DateTime.Now.Ticks;
      byte[] bytes = new byte[6];
      unchecked
      {
        bytes[5] = (byte)(time >> 40);
        bytes[4] = (byte)(time >> 32);
        bytes[3] = (byte)(time >> 24);
        bytes[2] = (byte)(time >> 16);
        bytes[1] = (byte)(time >> 8);
        bytes[0] = (byte)(time);
      }
      Array.Copy(bytes, 0, guidBinary, 10, 6);
      return new Guid(guidBinary).ToString();
    }`, expected: satisfies('a GUID in D format', (v) => typeof v === 'string' && /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(v)) },
  { name: 'COMB GUID carries the tick bytes', expr: `@{
      byte[] bytes = new byte[6];
      long time = 0x0102030405060708L;
      unchecked { bytes[5] = (byte)(time >> 40); bytes[0] = (byte)(time); }
      return BitConverter.ToString(bytes);
    }`, expected: '08-00-00-00-00-03' },
  { name: 'managed identity: cast a send-request response and read its JSON body', expr: '@($"{((IResponse)context.Variables["blobdata"]).Body.As<JObject>() }")', ctx: { variables: { blobdata: COMMON.blobdata } }, expected: '{\n  "name": "blob",\n  "size": 12\n}' },
  { expr: '@("bearerToken")', expected: 'bearerToken' },
  { expr: '@(!context.Variables.ContainsKey("bearerToken"))', ctx: { variables: { bearerToken: 'x' } }, expected: false },
  { expr: '@{ return "client_id=id&scope=s&client_secret=secret&grant_type=client_credentials"; }', expected: 'client_id=id&scope=s&client_secret=secret&grant_type=client_credentials' },
  { expr: '@(((IResponse)context.Variables["accessTokenResult"]).Body.As<JObject>())', ctx: { variables: { accessTokenResult: COMMON.accessTokenResult } }, expected: '{\n  "access_token": "at-123",\n  "expires_in": 3600\n}', type: 'JObject' },
  { expr: '@((string)((JObject)context.Variables["accessToken"])["access_token"])', ctx: { variables: { accessToken: parseJson('{"access_token":"at-123"}') } }, expected: 'at-123' },
  { expr: '@((int)((JObject)context.Variables["accessToken"])["expires_in"])', ctx: { variables: { accessToken: parseJson('{"expires_in":3599}') } }, expected: 3599, type: 'int' },
  { expr: '@((string)context.Variables["bearerToken"])', ctx: { variables: { bearerToken: 'tok' } }, expected: 'tok' },
  { expr: '@((int)context.Variables["tokenDurationSeconds"])', ctx: { variables: { tokenDurationSeconds: 3600 } }, expected: 3600 },
  { expr: '@("Bearer " + (string)context.Variables["bearerToken"])', ctx: { variables: { bearerToken: 'tok' } }, expected: 'Bearer tok' },
  { expr: '@(context.Response.StatusCode == 401 || context.Response.StatusCode == 403)', ctx: { response: { status: 403 } }, expected: true },
  { name: 'HMAC-signed JWT built from anonymous objects and JsonConvert', expr: `@{
      var header = new { typ = "JWT", alg = "HS256" };
      var jwtHeaderBase64UrlEncoded = Convert.ToBase64String(Encoding.UTF8.GetBytes(JsonConvert.SerializeObject(header))).Replace("/", "_").Replace("+", "-"). Replace("=", "");
      var exp = 1700000000L;
      var username = "john_doe";
      var payload = new { exp, username };
      var jwtPayloadBase64UrlEncoded = Convert.ToBase64String(Encoding.UTF8.GetBytes(JsonConvert.SerializeObject(payload))).Replace("/", "_").Replace("+", "-"). Replace("=", "");
      var signature = new HMACSHA256(Encoding.UTF8.GetBytes("secret")).ComputeHash(Encoding.UTF8.GetBytes($"{jwtHeaderBase64UrlEncoded}.{jwtPayloadBase64UrlEncoded}"));
      var jwtSignatureBase64UrlEncoded = Convert.ToBase64String(signature).Replace("/", "_").Replace("+", "-"). Replace("=", "");
      return $"Bearer {jwtHeaderBase64UrlEncoded}.{jwtPayloadBase64UrlEncoded}.{jwtSignatureBase64UrlEncoded}";
    }`, expected: 'Bearer eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9.eyJleHAiOjE3MDAwMDAwMDAsInVzZXJuYW1lIjoiam9obl9kb2UifQ.OUr3AFaVeDPR9gIXyZjn4knkg8fKSu_Bh_sAGmQOXY4' },
  { expr: '@(new DateTimeOffset(DateTime.Now.AddMinutes(10)).ToUnixTimeSeconds() - DateTimeOffset.UtcNow.ToUnixTimeSeconds())', expected: satisfies('about 600 seconds', (v) => v === 600n || v === 599n || v === 601n) },
  { name: 'encrypt a matched parameter with AES', expr: `@{
      string goober = (string)context.Request.MatchedParameters["Goober"];
      byte[] gooberBytes = Encoding.UTF8.GetBytes(goober);
      byte[] IV = Convert.FromBase64String((string)context.Variables["IV"]);
      byte[] key = Convert.FromBase64String((string)context.Variables["key"]);
      byte[] encryptedBytes = gooberBytes.Encrypt("Aes", key, IV);
      return Encoding.UTF8.GetString(encryptedBytes.Decrypt("Aes", key, IV)) + ":" + encryptedBytes.Length;
    }`, ctx: { matched: { Goober: 'secret-value' }, variables: { IV: KEY16, key: KEY32 } }, expected: 'secret-value:16' },
  { expr: '@(context.Request.Headers.GetValueOrDefault("X-Forwarded-For"))', ctx: { headers: { 'x-forwarded-for': '10.0.0.1' } }, expected: '10.0.0.1' },
  { name: 'IP filter with local functions, CIDR parsing and BitConverter', expr: `@{
      int HostToNetworkOrder(int host)
      {
        return (((int)HostToNetworkOrderShort((short)host) & 0xFFFF) << 16)
          | ((int)HostToNetworkOrderShort((short)(host >> 16)) & 0xFFFF);
      }
      short HostToNetworkOrderShort(short host)
      {
        return (short)((((int)host & 0xFF) << 8) | (int)((host >> 8) & 0xFF));
      }
      string ipAddress = context.Request.Headers.GetValueOrDefault("x-forwarded-for","");
      if (!string.IsNullOrEmpty(ipAddress))
      {
        string[] tokens = ipAddress.Split(':');
        if(tokens.Length == 2) { ipAddress = tokens[0]; }
        List<string> cidrList = new List<string>(){ "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16" };
        foreach (string cidrAddress in cidrList)
        {
          string[] cidrParts = cidrAddress.Split('/');
          string[] inputIPParts = ipAddress.Split('.');
          string[] cidrIPArray = cidrParts[0].Split('.');
          if (inputIPParts.Length == 4 && cidrIPArray.Length == 4)
          {
            byte[] inputIPBytes = new byte[] {Convert.ToByte(int.Parse(inputIPParts[0])), Convert.ToByte(int.Parse(inputIPParts[1])), Convert.ToByte(int.Parse(inputIPParts[2])), Convert.ToByte(int.Parse(inputIPParts[3])), };
            byte[] cidrIPBytes = new byte[] {Convert.ToByte(int.Parse(cidrIPArray[0])), Convert.ToByte(int.Parse(cidrIPArray[1])), Convert.ToByte(int.Parse(cidrIPArray[2])), Convert.ToByte(int.Parse(cidrIPArray[3])), };
            int cidrAddr = BitConverter.ToInt32(inputIPBytes,0);
            int ipAddr = BitConverter.ToInt32(cidrIPBytes,0);
            var host = int.Parse(cidrParts[1]);
            host = -1 << (32-host);
            var mask = HostToNetworkOrder(host);
            if (((ipAddr & mask) == (cidrAddr & mask)))
            {
              return "validated";
            }
          }
        }
      }
      return ipAddress; }`, ctx: { headers: { 'x-forwarded-for': '172.20.1.9:5555' } }, expected: 'validated' },
  { name: 'IP filter keeps an address outside the ranges', expr: `@{
      string ipAddress = context.Request.Headers.GetValueOrDefault("x-forwarded-for","");
      string[] tokens = ipAddress.Split(':');
      if(tokens.Length == 2) { ipAddress = tokens[0]; }
      return ipAddress; }`, ctx: { headers: { 'x-forwarded-for': '8.8.8.8:443' } }, expected: '8.8.8.8' },
  { expr: '@{ return context.Variables.GetValueOrDefault<string>("originalXForwardedForValue"); }', ctx: { variables: { originalXForwardedForValue: '1.2.3.4' } }, expected: '1.2.3.4' },
  { expr: '@("proto=" + context.Request.OriginalUrl.Scheme + ";host=" + context.Request.OriginalUrl.Host + ";")', ctx: { originalUrl: 'https://public.contoso.com/a' }, expected: 'proto=https;host=public.contoso.com;' },
  { expr: '@(DateTime.UtcNow.ToString("R"))', expected: satisfies('RFC 1123 date', (v) => typeof v === 'string' && /^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/.test(v)) },
  { expr: '@(DateTime.UtcNow.AddDays(1).ToString("yyyy-MM-ddTHH:mm:ssZ"))', expected: satisfies('ISO text with literal T and Z', (v) => typeof v === 'string' && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/.test(v)) },
  { expr: '@{ return string.Format("/table/{0}/{1}",(string)context.Variables["storageAccount"],(string)context.Variables["resourcePath"]); }', ctx: { variables: { storageAccount: 'acct', resourcePath: 'orders' } }, expected: '/table/acct/orders' },
  { name: 'string.Format with twelve arguments', expr: '@(string.Format("{0}\\n{1}\\n{2}\\n{3}\\n{4}\\n{5}\\n{6}\\n{7}\\n{8}\\n{9}\\n{10}\\n{11}", "a", "b", "c", "d", "", "", "", "v", "", "", "", "z"))', expected: 'a\nb\nc\nd\n\n\n\nv\n\n\n\nz' },
  { name: 'SAS signature with a namespace-qualified HMAC', expr: `@{
      System.Security.Cryptography.HMACSHA256 hasher = new System.Security.Cryptography.HMACSHA256(Convert.FromBase64String((string)context.Variables["accessKey"]));
      return Convert.ToBase64String(hasher.ComputeHash(System.Text.Encoding.UTF8.GetBytes((string)context.Variables["stringToSign"])));
    }`, ctx: { variables: { accessKey: Buffer.from('key').toString('base64'), stringToSign: 'data' } }, expected: 'UDH+PZicbRU3oBP6bnOdojRj/a7DtwE32Cjjas4iG9A=' },
  { expr: '@(System.Net.WebUtility.HtmlEncode("a<b & \'c\'"))', expected: 'a&lt;b &amp; &#39;c&#39;' },
  { expr: '@{ return string.Format("/{0}{1}", (string)context.Variables["resourcePath"], (string)context.Variables["sasToken"]); }', ctx: { variables: { resourcePath: 'orders', sasToken: '?sv=1' } }, expected: '/orders?sv=1' },
  { expr: '@(context.Request.Method != "GET" && context.Request.Method != "HEAD")', ctx: { method: 'POST' }, expected: true },
  { expr: '@(context.Request.Url.ToString())', ctx: { url: 'https://api.contoso.com:8443/sap/odata?$top=1' }, expected: 'https://api.contoso.com:8443/sap/odata?$top=1' },
  { expr: '@(context.Request.Headers.GetValueOrDefault("Authorization"))', expected: 'Bearer token-value' },
  { expr: '@(((IResponse)context.Variables["SAPCSRFToken"]).StatusCode == 200)', ctx: sapCtx, expected: true },
  { expr: '@(((IResponse)context.Variables["SAPCSRFToken"]).Headers.GetValueOrDefault("x-csrf-token"))', ctx: sapCtx, expected: 'csrf-1' },
  { name: 'SAP cookie selection with FirstOrDefault lambdas', expr: `@{
      string rawcookie = ((IResponse)context.Variables["SAPCSRFToken"]).Headers.GetValueOrDefault("Set-Cookie");
      string[] cookies = rawcookie.Split(';');
      /* new session sends a XSRF cookie */
      string xsrftoken = cookies.FirstOrDefault( ss => ss.Contains("sap-XSRF"));
      if(xsrftoken == null){
        xsrftoken = cookies.FirstOrDefault( ss => ss.Contains("SAP_SESSIONID"));
      }
      return xsrftoken.Split(',')[1];}`, ctx: sapCtx, expected: 'two' },
  { name: 'Stackify log body: nested JObject/JArray/JProperty', expr: `@{
      return new JObject(
        new JProperty("Environment","prod"),
        new JProperty("ServerName", context.Deployment.ServiceName),
        new JProperty("Msgs",
          new JArray(
            new JObject(
              new JProperty("Msg", context.LastError.Message),
              new JProperty("EpochMs", 1000L * 2),
              new JProperty("SrcMethod", context.LastError.Source)
            )))
      ).ToString();
    }`, ctx: { lastError: { Message: 'boom', Source: 'forward-request' } }, expected: '{\n  "Environment": "prod",\n  "ServerName": "contoso-apim",\n  "Msgs": [\n    {\n      "Msg": "boom",\n      "EpochMs": 2000,\n      "SrcMethod": "forward-request"\n    }\n  ]\n}' },
  { expr: '@((new DateTimeOffset(DateTime.Now)).ToUnixTimeSeconds() * 1000 > 1600000000000)', expected: true },
  { expr: '@($"{(string)context.Variables["subscriptionKey"]}")', ctx: { variables: { subscriptionKey: 'k1' } }, expected: 'k1' },
  { name: 'JWT claims: Array.Exists over a claim array', expr: `@{
      var jwt = (Jwt)context.Variables["valid-jwt"];
      var permissions = jwt.Claims["permissions"];
      return Array.Exists(permissions, element => element == "sendEmail");
    }`, ctx: { variables: { 'valid-jwt': COMMON['valid-jwt'] } }, expected: true },
  { name: 'Cosmos DB auth header: HMAC with object initializer and EscapeDataString', expr: `@{
      var verb = "post";
      var resourceType = "docs";
      var resourceLink = "";
      var key = "a2V5";
      var keyType = "master";
      var tokenVersion = "1.0";
      var date = "mon, 01 jan 2024 00:00:00 gmt";
      var hmacSha256 = new System.Security.Cryptography.HMACSHA256 { Key = Convert.FromBase64String(key) };
      verb = verb ?? "";
      resourceType = resourceType ?? "";
      resourceLink = resourceLink ?? "";
      string payLoad = string.Format("{0}\\n{1}\\n{2}\\n{3}\\n{4}\\n", verb.ToLowerInvariant(), resourceType.ToLowerInvariant(), resourceLink, date.ToLowerInvariant(), "");
      byte[] hashPayLoad = hmacSha256.ComputeHash(System.Text.Encoding.UTF8.GetBytes(payLoad));
      string signature = Convert.ToBase64String(hashPayLoad);
      return System.Uri.EscapeDataString(String.Format("type={0}&ver={1}&sig={2}", keyType, tokenVersion, signature));
    }`, expected: satisfies('an escaped master token', (v) => typeof v === 'string' && /^type%3Dmaster%26ver%3D1\.0%26sig%3D[A-Za-z0-9%]+$/.test(v)) },
  { expr: '@("{\\"query\\": \\"SELECT * FROM c WHERE c.id = @id\\", " + "\\"parameters\\": [{ \\"name\\": \\"@id\\", \\"value\\": \\"" + context.User.Id + "\\"}]}")', expected: '{"query": "SELECT * FROM c WHERE c.id = @id", "parameters": [{ "name": "@id", "value": "alice"}]}' },
  { expr: '@(context.LastError.Source == "example-policy-name")', ctx: { lastError: { Source: 'example-policy-name' } }, expected: true },
  { expr: '@("http://" + context.Request.Headers.GetValueOrDefault("X-Original-Host") + context.Request.Headers.GetValueOrDefault("X-Original-Url"))', ctx: { headers: { 'X-Original-Host': 'h.contoso.com', 'X-Original-Url': '/o/1' } }, expected: 'http://h.contoso.com/o/1' },
  { expr: '@(context.LastError.Reason)', ctx: { lastError: { Reason: 'RateLimitExceeded' } }, expected: 'RateLimitExceeded' },
  { expr: '@(context.LastError.Source == "configuration" && context.Request.Url.Path == "/echo/resource-cached")', ctx: { lastError: { Source: 'configuration' }, url: 'https://x.contoso.com/echo/resource-cached' }, expected: true },
  { expr: '@{ return new JObject(new JProperty("status", "HTTP 405"), new JProperty("message", "Method not allowed")).ToString(); }', expected: '{\n  "status": "HTTP 405",\n  "message": "Method not allowed"\n}' },
  { expr: '@("West US".Equals(context.Deployment.Region, StringComparison.OrdinalIgnoreCase))', ctx: { region: 'west us' }, expected: true },
  { expr: '@("East Asia".Equals(context.Deployment.Region, StringComparison.OrdinalIgnoreCase))', ctx: { region: 'West US' }, expected: false },
  { expr: '@(String.Concat("Bearer ", ((string)context.Variables.GetValueOrDefault("managed-identity-token"))))', ctx: { variables: { 'managed-identity-token': 'mi' } }, expected: 'Bearer mi' },
  { expr: '@(((IResponse)context.Variables["tokenResponse"]).Body.As<JObject>()["access_token"].ToString())', ctx: { variables: { tokenResponse: response(200, '{"access_token":"abc"}') } }, expected: 'abc' },
  { expr: '@((string)context.Variables["azureManagementApiToken"] == "-noToken-")', ctx: { variables: { azureManagementApiToken: '-noToken-' } }, expected: true },
  { expr: '@(context.Request.Body.AsFormUrlEncodedContent(preserveContent: true)["code"].Single())', ctx: { body: 'code=abc%20d&state=s1' }, expected: 'abc d' },
  { name: 'form body read twice when the first read preserves it', expr: '@(context.Request.Body.AsFormUrlEncodedContent(preserveContent: true)["code"].Single() + context.Request.Body.AsFormUrlEncodedContent()["state"].Single())', ctx: { body: 'code=a&state=b' }, expected: 'ab' },
  { name: 'cookie lookup with Split/Select/Single lambdas', expr: '@(context.Request.Headers.GetValueOrDefault("cookie", "").Split(\';\').Select(x => x.Trim()).Select(cookie => cookie.Split(\'=\')).Single(cookie => cookie[0] == $"session-{(string)context.Variables["state"]}")[1])', ctx: { headers: { cookie: 'a=1; session-xyz=cache-1; b=2' }, variables: { state: 'xyz' } }, expected: 'cache-1' },
  { expr: '@($"signin-{context.Variables["cacheKey"]}-state")', ctx: { variables: { cacheKey: 'c1' } }, expected: 'signin-c1-state' },
  { expr: '@((string)context.Variables["expected-state"] == string.Empty)', ctx: { variables: { 'expected-state': '' } }, expected: true },
  { expr: '@($"session-{(string)context.Variables["state"]}=; path=/; expires=Thu, 01 Jan 1970 00:00:00 GMT")', ctx: { variables: { state: 's' } }, expected: 'session-s=; path=/; expires=Thu, 01 Jan 1970 00:00:00 GMT' },
  { name: 'callback URL from forwarded headers with a nested interpolation', expr: `@{
      var forwardedHost = (string)context.Request.Headers.GetValueOrDefault("X-Forwarded-Host", context.Request.OriginalUrl.Host);
      var forwardedPort = (string)context.Request.Headers.GetValueOrDefault("X-Forwarded-Port", "");
      var port = forwardedPort == "" ? 443 : int.Parse(forwardedPort);
      //construct the expected redirect. If the port is 443, then don't add it on as we hardcode https
      return $"https://{forwardedHost}{(port != 443 ? $":{port}" : "")}/oauth/callback";
    }`, ctx: { headers: { 'X-Forwarded-Port': '8443' } }, expected: 'https://api.contoso.com:8443/oauth/callback' },
  { expr: '@($"client_id=cid&code={(string)context.Variables["code"]}&client_secret={Uri.EscapeDataString("s e/c")}")', ctx: { variables: { code: 'c1' } }, expected: 'client_id=cid&code=c1&client_secret=s%20e%2Fc' },
  { expr: '@(((IResponse)context.Variables["tokens"]).StatusCode != 200)', ctx: { variables: { tokens: response(500) } }, expected: true },
  { expr: '@((string)((JObject)context.Variables["tokenResponse"] )["id_token"])', ctx: { variables: { tokenResponse: parseJson('{"id_token":"t"}') } }, expected: 't' },
  { expr: '@((((string)context.Variables["idToken"]).AsJwt()).Claims.GetValueOrDefault("nonce", "missing"))', ctx: { variables: { idToken } }, expected: 'nonce-1' },
  { expr: '@((((string)context.Variables["idToken"]).AsJwt()).Claims.GetValueOrDefault("other", "missing"))', ctx: { variables: { idToken } }, expected: 'missing' },
  { expr: '@((string)context.Variables["expected-nonce"] == (string)context.Variables["idTokenNonce"])', ctx: { variables: { 'expected-nonce': 'n', idTokenNonce: 'n' } }, expected: true },
  { expr: '@( ((JObject)context.Variables["tokenResponse"])["access_token"].ToString())', ctx: { variables: { tokenResponse: parseJson('{"access_token":"at"}') } }, expected: 'at' },
  { name: 'token encryption with Guid IVs and a named-value key selector', expr: `@{
      var token = Encoding.UTF8.GetBytes((string)context.Variables["accessToken"]);
      var iv = Guid.Parse((string)context.Variables["ivTokens"]).ToByteArray();
      var key1 = Convert.FromBase64String("${KEY32}");
      var key2 = Convert.FromBase64String("${KEY32}");
      var key = 1;
      var encryptionKey = key == 1 ? key1 : key2;
      var encryptedToken = token.Encrypt("Aes", encryptionKey, iv);
      return $"{Convert.ToBase64String(encryptedToken)}.{key}";
    }`, ctx: { variables: { accessToken: 'at-1', ivTokens: '0f8fad5b-d9cb-469f-a165-70867728950e' } }, expected: satisfies('base64 ciphertext and key id', (v) => typeof v === 'string' && /^[A-Za-z0-9+/]{22}==\.1$/.test(v)) },
  { expr: '@(DateTimeOffset.UtcNow.AddSeconds((int)context.Variables["refreshTime"] / 2).ToUnixTimeSeconds() - DateTimeOffset.UtcNow.ToUnixTimeSeconds())', ctx: { variables: { refreshTime: 3600 } }, expected: satisfies('about 1800 seconds', (v) => v === 1800n || v === 1799n || v === 1801n) },
  { expr: '@($"{(string)context.Variables["cacheKey"]}.{(string)context.Variables["ivTokens"]}.{(long)context.Variables["cookie-expiry"]}")', ctx: { variables: { cacheKey: 'c', ivTokens: 'i', 'cookie-expiry': 1704067200000n } }, expected: 'c.i.1704067200000' },
  { expr: '@($"session={(string)context.Variables["encryptedCookie"]}; expires={DateTimeOffset.FromUnixTimeMilliseconds((long)context.Variables["cookie-expiry"]).ToString("R")}; Secure")', ctx: { variables: { encryptedCookie: 'e', 'cookie-expiry': 1704067200000n } }, expected: 'session=e; expires=Mon, 01 Jan 2024 00:00:00 GMT; Secure' },
  { expr: '@((string)context.Variables["check-state"] != "_")', ctx: { variables: { 'check-state': '_' } }, expected: false },
  { expr: '@(Uri.UnescapeDataString(context.Request.Url.Query.GetValueOrDefault("redirect", string.Empty)))', ctx: { url: 'https://x.contoso.com/oauth/signin?redirect=%2Fapp%3Fa%3D1' }, expected: '/app?a=1' },
  { expr: '@(context.Variables["redirect"] == string.Empty)', ctx: { variables: { redirect: '' } }, expected: true },
  { expr: '@(!((string)context.Variables["redirect"]).StartsWith("/", StringComparison.InvariantCultureIgnoreCase))', ctx: { variables: { redirect: '/app' } }, expected: false },
  { expr: '@(((string)context.Variables["redirect"]).StartsWith("/oauth", StringComparison.InvariantCultureIgnoreCase))', ctx: { variables: { redirect: '/OAuth/x' } }, expected: true },
  { expr: '@(Guid.NewGuid().ToString() + Guid.NewGuid().ToString())', expected: satisfies('two GUIDs', (v) => typeof v === 'string' && v.length === 72) },
  { name: 'PKCE challenge: SHA256, base64, Split and char Replace', expr: '@(Convert.ToBase64String(SHA256.Create().ComputeHash(Encoding.UTF8.GetBytes((string)context.Variables["codeChallenge"]))).Split(\'=\')[0].Replace(\'+\', \'-\').Replace(\'/\', \'_\'))', ctx: { variables: { codeChallenge: 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk' } }, expected: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM' },
  { expr: '@(Uri.EscapeDataString((string)context.Variables["stateRaw"]))', ctx: { variables: { stateRaw: 'a b+c/d' } }, expected: 'a%20b%2Bc%2Fd' },
  { expr: '@($"session-{(string)context.Variables["state"]}={(string)context.Variables["cookie"]}; Expires={DateTimeOffset.Now.AddSeconds(300).ToString("R")}; HttpOnly")', ctx: { variables: { state: 's', cookie: 'c' } }, expected: satisfies('a cookie with an RFC 1123 expiry', (v) => typeof v === 'string' && /^session-s=c; Expires=\w{3}, \d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2} GMT; HttpOnly$/.test(v)) },
  { expr: '@{ return $"https://login.microsoftonline.com/tenant/oauth2/v2.0/token"; }', expected: 'https://login.microsoftonline.com/tenant/oauth2/v2.0/token' },
];
