/**
 * `<validate-jwt header-name="Authorization" require-scheme="Bearer" | query-parameter-name="…" |
 * token-value="@(…)" [failed-validation-httpcode="401"] [failed-validation-error-message="…"]
 * [require-expiration-time="true"] [require-signed-tokens="true"] [clock-skew="0"]
 * [output-token-variable-name="jwt"]>` with `<openid-config url>`, `<issuer-signing-keys>`,
 * `<audiences>`, `<issuers>` and `<required-claims>`: the request goes on only with a valid
 * token; otherwise it fails with APIM's status and body. See docs/authentication.md.
 */
import { getAttribute } from '../xml/index.js';
import type { PolicyDefinition } from '../engine/definition.js';
import { stateOf } from '../engine/request-state.js';
import { compileChildren } from './compile-rules.js';
import { defaultBodyMessage, JwtRejection, JwtValidationFailure } from './failure.js';
import { headerToken, queryToken, valueToken, type TokenReader } from './token-source.js';
import { validateToken, type ValidationRules } from './validate.js';

const SOURCES = ['header-name', 'query-parameter-name', 'token-value'] as const;

export const validateJwtPolicy: PolicyDefinition = {
  name: 'validate-jwt',
  sections: ['inbound'],
  attributes: {
    'header-name': {},
    'query-parameter-name': {},
    'token-value': {},
    'failed-validation-httpcode': { type: 'int', min: 100, max: 599 },
    'failed-validation-error-message': {},
    'require-expiration-time': { type: 'bool' },
    'require-scheme': {},
    'require-signed-tokens': { type: 'bool' },
    'clock-skew': { type: 'int', min: 0, max: 86_400 },
    'output-token-variable-name': { expression: false },
  },
  compile(element, c) {
    const given = SOURCES.filter((name) => getAttribute(element, name) !== undefined);
    if (given.length === 0) {
      c.fail('MissingAttribute', "<validate-jwt> needs one of 'header-name', 'query-parameter-name' or 'token-value'", element);
    }
    if (given.length > 1) {
      c.fail('InvalidAttributeValue', `<validate-jwt> takes one token source; it has ${given.map((n) => `'${n}'`).join(' and ')}`, getAttribute(element, given[1])!);
    }
    const scheme = c.string(element, 'require-scheme');
    if (scheme !== undefined && given[0] !== 'header-name') {
      c.fail('InvalidAttributeValue', "<validate-jwt> require-scheme applies to a token read from a header ('header-name')", getAttribute(element, 'require-scheme')!);
    }
    const read: TokenReader =
      given[0] === 'header-name'
        ? headerToken(c.requiredString(element, 'header-name'), scheme)
        : given[0] === 'query-parameter-name'
          ? queryToken(c.requiredString(element, 'query-parameter-name'))
          : valueToken(c.requiredString(element, 'token-value'));

    const status = c.int(element, 'failed-validation-httpcode', 401)!;
    const message = c.string(element, 'failed-validation-error-message');
    const output = c.literal(element, 'output-token-variable-name')?.trim();
    if (output === '') c.fail('InvalidAttributeValue', '<validate-jwt> output-token-variable-name must not be empty', getAttribute(element, 'output-token-variable-name')!);

    const rules: ValidationRules = {
      ...compileChildren(element, c),
      requireExpiration: c.bool(element, 'require-expiration-time', true),
      requireSigned: c.bool(element, 'require-signed-tokens', true),
      clockSkewSeconds: c.int(element, 'clock-skew', 0)!,
    };

    return async (ctx) => {
      let jwt;
      try {
        jwt = await validateToken(read(ctx), rules, ctx);
      } catch (error) {
        if (!(error instanceof JwtRejection)) throw error;
        throw new JwtValidationFailure(status(ctx), error, message === undefined ? defaultBodyMessage(error.reason) : message(ctx));
      }
      if (output !== undefined) stateOf(ctx).variables.set(output, jwt);
    };
  },
};
