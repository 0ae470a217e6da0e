import { beforeAll, describe, expect, it } from 'vitest';
import type { PolicyEngine } from '../engine/engine.js';
import { inboundDocument, problemsOf, runApiPolicy, testEngine } from '../testing/unit.test-helper.js';

let engine: PolicyEngine;
beforeAll(async () => {
  engine = await testEngine();
});

const THUMBPRINT = '1D89CE9E32A89CD8A1C3824DB6874D4867A47CCC';
const identities = (inner: string): string => inboundDocument(`<validate-client-certificate><identities>${inner}</identities></validate-client-certificate>`);

describe('validate-client-certificate (save-time checks)', () => {
  it('accepts APIM documents', () => {
    expect(problemsOf(engine, inboundDocument('<validate-client-certificate validate-revocation="true" validate-trust="true" validate-not-before="true" validate-not-after="true" ignore-error="false" />'))).toEqual([]);
    expect(problemsOf(engine, identities(`<identity thumbprint="${THUMBPRINT}" /><identity subject="CN=a, O=b" issuer-subject="CN=ca" common-name="a" dns-name="a.example" serial-number="0A" issuer-thumbprint="${THUMBPRINT}" issuer-certificate-id="my-ca" />`))).toEqual([]);
  });

  it.each([
    ['an identity without claims', identities('<identity />'), 'MissingAttribute'],
    ['a thumbprint that is not SHA-1 hex', identities('<identity thumbprint="abc" />'), 'InvalidAttributeValue'],
    ['a serial number that is not hex', identities('<identity serial-number="xyz" />'), 'InvalidAttributeValue'],
    ['a subject that is not a name', identities('<identity subject="client" />'), 'InvalidAttributeValue'],
    ['an unknown identity attribute', identities('<identity thumbprnt="x" />'), 'UnknownAttribute'],
    ['an expression in an attribute', inboundDocument('<validate-client-certificate validate-trust="@(true)" />'), 'InvalidAttributeValue'],
    ['a non-boolean flag', inboundDocument('<validate-client-certificate validate-trust="maybe" />'), 'InvalidAttributeValue'],
    ['more than 10 identities', identities('<identity common-name="a" />'.repeat(11)), 'UnexpectedElement'],
    ['an unknown child', inboundDocument('<validate-client-certificate><identity common-name="a" /></validate-client-certificate>'), 'UnexpectedElement'],
  ])('refuses %s', (_case, document, code) => {
    expect(problemsOf(engine, document)[0]?.code).toBe(code);
  });

  it('runs only in inbound', () => {
    expect(problemsOf(engine, '<policies><outbound><validate-client-certificate /></outbound></policies>')[0]?.code).toBe('PolicyNotAllowedInSection');
  });

  it('refuses a request without a client certificate with 401', async () => {
    const failure = await runApiPolicy(engine, inboundDocument('<validate-client-certificate />')).catch((error: unknown) => error);
    expect(failure).toMatchObject({ status: 401, reason: 'ClientCertificateMissing', message: 'Invalid client certificate.' });
  });

  it('does nothing with ignore-error="true"', async () => {
    const ctx = await runApiPolicy(engine, inboundDocument('<validate-client-certificate ignore-error="true" />'));
    expect(ctx.forwarded).toHaveLength(1);
  });
});
