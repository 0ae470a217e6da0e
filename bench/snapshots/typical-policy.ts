/**
 * The "typical document" of system (c): what most APIM APIs carry. The rate limit is
 * keyed on the subscription and set far above what one run can reach, so every call
 * pays for the counter and none is refused; the header carries an expression, so the
 * expression runtime is on the path.
 */
export const TYPICAL_POLICY = `<policies>
  <inbound>
    <base />
    <rate-limit-by-key calls="100000000" renewal-period="60" counter-key="@(context.Subscription.Id)" />
    <set-header name="X-Correlation-Id" exists-action="skip">
      <value>@(context.RequestId.ToString())</value>
    </set-header>
  </inbound>
  <backend>
    <base />
  </backend>
  <outbound>
    <base />
  </outbound>
  <on-error>
    <base />
  </on-error>
</policies>
`;

/**
 * The part of the typical document the policy engine runs today (no rate limit): an
 * informative system, measured beside the pending (c), never in its place.
 */
export const SET_HEADER_POLICY = TYPICAL_POLICY.replace(
  '    <rate-limit-by-key calls="100000000" renewal-period="60" counter-key="@(context.Subscription.Id)" />\n',
  '',
);
