/** `context.Request.Certificate`: the client's TLS certificate as an X509Certificate2. */
import type { ClientCertificate } from '../context.js';
import type { Case } from './harness.js';

const certificate = (verifies: boolean): ClientCertificate => ({
  Thumbprint: '1D89CE9E32A89CD8A1C3824DB6874D4867A47CCC',
  Subject: 'CN=client-1, O=Contoso',
  Issuer: 'CN=Contoso Client CA',
  SerialNumber: '029F574BFFAB9446',
  NotBefore: new Date('2024-01-01T00:00:00Z'),
  NotAfter: new Date('2025-01-01T12:30:00Z'),
  RawData: Uint8Array.from([0x30, 0x82]),
  verify: () => verifies,
});

const ctx = { certificate: certificate(true) };

export const certificateCases: readonly Case[] = [
  { expr: '@(context.Request.Certificate.Thumbprint)', ctx, expected: '1D89CE9E32A89CD8A1C3824DB6874D4867A47CCC' },
  { expr: '@(context.Request.Certificate.Subject)', ctx, expected: 'CN=client-1, O=Contoso' },
  { expr: '@(context.Request.Certificate.Issuer)', ctx, expected: 'CN=Contoso Client CA' },
  { expr: '@(context.Request.Certificate.SerialNumber)', ctx, expected: '029F574BFFAB9446' },
  { expr: '@(context.Request.Certificate.SubjectName.Name)', ctx, expected: 'CN=client-1, O=Contoso' },
  { expr: '@(context.Request.Certificate.IssuerName.Name)', ctx, expected: 'CN=Contoso Client CA' },
  { expr: '@(context.Request.Certificate.SubjectName.Name.Contains("O=Contoso"))', ctx, expected: true },
  { expr: '@(context.Request.Certificate.NotBefore.ToString("o"))', ctx, expected: '2024-01-01T00:00:00.0000000Z' },
  { expr: '@(context.Request.Certificate.NotAfter.Year)', ctx, expected: 2025 },
  { expr: '@(context.Request.Certificate.NotAfter > context.Request.Certificate.NotBefore)', ctx, expected: true },
  { expr: '@(context.Request.Certificate.NotAfter < new DateTime(2024, 6, 1))', ctx, expected: false },
  { expr: '@(context.Request.Certificate.RawData.Length)', ctx, expected: 2 },
  { expr: '@(context.Request.Certificate.Verify())', ctx, expected: true },
  { expr: '@(context.Request.Certificate.Verify())', ctx: { certificate: certificate(false) }, expected: false },
  { expr: '@(context.Request.Certificate != null && context.Request.Certificate.Verify())', ctx, expected: true },
  {
    expr: '@(context.Request.Certificate == null || !context.Request.Certificate.Verify() || context.Request.Certificate.Thumbprint != "1D89CE9E32A89CD8A1C3824DB6874D4867A47CCC")',
    ctx,
    expected: false,
  },
  { expr: '@(context.Request.Certificate?.Thumbprint ?? "none")', expected: 'none' },
  { expr: '@(context.Request.Certificate == null ? "anonymous" : context.Request.Certificate.SubjectName.Name)', expected: 'anonymous' },
  { expr: '@(context.Request.Certificate.Subject)', throws: 'System.NullReferenceException' },
  { expr: '@(context.Request.Certificate.Thumbprint.ToLower())', ctx, expected: '1d89ce9e32a89cd8a1c3824db6874d4867a47ccc' },
  { expr: '@(context.Request.Certificate.FriendlyNames)', error: 'FriendlyNames' },
];
