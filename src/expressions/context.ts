/**
 * The `context` object an expression sees, as plain data the gateway fills in per request.
 * Property names are APIM's own (PascalCase), because this interface *is* the C# surface:
 * `context.Request.Headers` in a policy reads `Request.Headers` here. The expression runtime
 * adds the .NET behaviour (GetValueOrDefault, As<T>(), ToString()…) on top; the gateway only
 * supplies values.
 */

/**
 * A multi-valued name→values map (headers, query parameters). Header lookups are
 * case-insensitive in APIM; the implementation decides (see `headerMap()` in runtime/context-data.ts).
 */
export interface StringValuesMap {
  /** All values of `name`, or undefined when absent. */
  get(name: string): readonly string[] | undefined;
  /** Every name present, in a stable order. */
  names(): Iterable<string>;
}

/**
 * An already-buffered message body. `read(true)` leaves the body in place for later policies
 * and the backend (APIM's `preserveContent: true`); `read(false)` consumes it, after which
 * reads return null. The gateway owns buffering and size limits; this call is synchronous.
 */
export interface MessageBody {
  read(preserveContent: boolean): Uint8Array | null;
}

export interface UrlInfo {
  readonly Scheme: string;
  readonly Host: string;
  readonly Port: number;
  /** Path with a leading '/', without the query string. */
  readonly Path: string;
  readonly Query: StringValuesMap;
  /** The query string including its leading '?', or '' when there is none. */
  readonly QueryString: string;
}

/** The client's TLS certificate, as .NET's X509Certificate2 shows it. */
export interface ClientCertificate {
  /** SHA-1 of the DER, upper-case hex. */
  readonly Thumbprint: string;
  /** .NET's form: most specific RDN first, `CN=client, O=Contoso`. */
  readonly Subject: string;
  readonly Issuer: string;
  /** Upper-case hex of the DER integer. */
  readonly SerialNumber: string;
  readonly NotBefore: Date;
  readonly NotAfter: Date;
  readonly RawData?: Uint8Array;
  /** `Verify()`: chains to the gateway's client CA and is within its validity period now. False when absent. */
  readonly verify?: () => boolean;
}

export interface RequestInfo {
  readonly Method: string;
  readonly Url: UrlInfo;
  readonly OriginalUrl: UrlInfo;
  readonly Headers: StringValuesMap;
  readonly IpAddress: string;
  /** Template parameters matched by the operation's URL template. */
  readonly MatchedParameters: ReadonlyMap<string, string>;
  readonly Body: MessageBody | null;
  readonly Certificate: ClientCertificate | null;
}

/** The gateway's response, and the shape of `send-request` results (`(IResponse)context.Variables[…]`). */
export interface ResponseInfo {
  readonly StatusCode: number;
  readonly StatusReason: string;
  readonly Headers: StringValuesMap;
  readonly Body: MessageBody | null;
}

export interface ApiInfo {
  readonly Id: string;
  readonly Name: string;
  readonly Path: string;
  readonly Revision: string;
  readonly IsCurrentRevision: boolean;
  readonly ServiceUrl: UrlInfo | null;
  readonly Version: string | null;
}

export interface OperationInfo {
  readonly Id: string;
  readonly Method: string;
  readonly Name: string;
  readonly UrlTemplate: string;
}

export interface GroupInfo {
  readonly Id: string;
  readonly Name: string;
}

export interface ProductInfo {
  readonly Id: string;
  readonly Name: string;
  /** `NotPublished` or `Published`. */
  readonly State: string;
  readonly ApprovalRequired: boolean;
  readonly SubscriptionRequired: boolean;
  readonly SubscriptionLimit: number | null;
  readonly Groups: readonly GroupInfo[];
}

export interface SubscriptionInfo {
  readonly Id: string;
  readonly Key: string;
  readonly Name: string;
  readonly PrimaryKey: string;
  readonly SecondaryKey: string;
  readonly CreatedDate: Date | null;
  readonly StartDate: Date | null;
  readonly EndDate: Date | null;
}

export interface UserInfo {
  readonly Id: string;
  readonly Email: string;
  readonly FirstName: string;
  readonly LastName: string;
  readonly Note: string | null;
  readonly RegistrationDate: Date | null;
  readonly Groups: readonly GroupInfo[];
}

export interface DeploymentInfo {
  readonly Region: string;
  readonly GatewayId: string;
  readonly ServiceName: string;
  readonly ServiceId: string;
}

export interface LastErrorInfo {
  readonly Source: string;
  readonly Reason: string;
  readonly Message: string;
  readonly Scope: string;
  readonly Section: string;
  readonly Path: string;
  readonly PolicyId: string;
}

export interface ExpressionContext {
  readonly Api: ApiInfo | null;
  readonly Operation: OperationInfo | null;
  readonly Product: ProductInfo | null;
  readonly Subscription: SubscriptionInfo | null;
  readonly User: UserInfo | null;
  readonly Deployment: DeploymentInfo;
  readonly Request: RequestInfo;
  /** Null before the backend (or a return-response) produced a response. */
  readonly Response: ResponseInfo | null;
  /** Policy variables (`set-variable`); values are runtime values of any expression type. */
  readonly Variables: ReadonlyMap<string, unknown>;
  readonly LastError: LastErrorInfo | null;
  /** The request id, a GUID in its 'D' text form. */
  readonly RequestId: string;
  /** When the gateway received the request. */
  readonly Timestamp: Date;
  readonly Tracing: boolean;
  /** Receives `context.Trace(message)` calls when tracing is on. */
  readonly trace?: (message: string) => void;
}
