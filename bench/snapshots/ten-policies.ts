/**
 * Issue 3's "10-policy document": ten policy elements the engine runs today, every one of
 * them executed on every bench request, none changing the route's result (same status,
 * same upstream body). Measured beside (b), the difference is the per-request cost of a
 * realistic document. Every filter is set to pass the bench's own traffic: the caller is
 * loopback, the key header is always sent, and no `Origin` is sent, so `cors` only looks.
 *
 * The ten (`<base/>` not counted): ip-filter, check-header, cors, set-variable ×2, choose,
 * set-header (inside the `when`), rewrite-uri, set-query-parameter, set-header (outbound).
 * The outbound header echoes a variable and the header set inbound, so one response
 * proves the whole chain ran; TEN_POLICIES_PROOF is what it must read.
 */
export const TEN_POLICIES_POLICY = `<policies>
  <inbound>
    <base />
    <ip-filter action="allow">
      <address>127.0.0.1</address>
      <address>::1</address>
      <address-range from="127.0.0.0" to="127.255.255.255" />
    </ip-filter>
    <check-header name="Ocp-Apim-Subscription-Key" failed-check-httpcode="401" failed-check-error-message="Missing subscription key" ignore-case="false" />
    <cors allow-credentials="false">
      <allowed-origins>
        <origin>https://portal.example.com</origin>
      </allowed-origins>
      <allowed-methods>
        <method>GET</method>
      </allowed-methods>
    </cors>
    <set-variable name="operation" value="@(context.Request.Method + " " + context.Operation.UrlTemplate)" />
    <set-variable name="keyed" value="@(context.Request.Headers.GetValueOrDefault("Ocp-Apim-Subscription-Key", "").Length > 0)" />
    <choose>
      <when condition="@((bool)context.Variables["keyed"])">
        <set-header name="X-Bench-Operation" exists-action="override">
          <value>@((string)context.Variables["operation"])</value>
        </set-header>
      </when>
    </choose>
    <rewrite-uri template="/hello" />
    <set-query-parameter name="bench" exists-action="override">
      <value>ten</value>
    </set-query-parameter>
  </inbound>
  <backend>
    <base />
  </backend>
  <outbound>
    <base />
    <set-header name="X-Bench-Document" exists-action="override">
      <value>@(context.Request.Headers.GetValueOrDefault("X-Bench-Operation", "absent") + " ran")</value>
    </set-header>
  </outbound>
  <on-error>
    <base />
  </on-error>
</policies>
`;

/** The response header the document sets, and its value when every inbound step ran. */
export const TEN_POLICIES_PROOF = { header: 'x-bench-document', value: 'GET /hello ran' } as const;
