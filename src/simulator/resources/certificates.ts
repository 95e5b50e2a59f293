import { createHash, X509Certificate } from 'node:crypto';
import type { ResourceDef } from '../resource-def.js';
import { checkOneOf, checkTenantTags, ref, TENANTED_MODES } from './common.js';

const COMPUTED = [
  'Thumbprint', 'SubjectDistinguishedName', 'SubjectCommonName', 'SubjectOrganization', 'IssuerDistinguishedName',
  'IssuerCommonName', 'IssuerOrganization', 'SerialNumber', 'SignatureAlgorithmName', 'NotBefore', 'NotAfter',
  'IsExpired', 'HasPrivateKey', 'SelfSigned', 'CertificateDataFormat', 'SubjectAlternativeNames', 'CertificateChain',
  'Archived', 'ReplacedBy',
];

// The certificate's own fields are computed from its data. The data is read with node's X509
// parser when it is PEM or DER; other formats (PFX) get a thumbprint of their bytes and empty
// subject fields (a simplification, see README).
export const certificates: ResourceDef = {
  collection: 'certificates',
  idPrefix: 'Certificates',
  itemType: 'Certificate',
  scope: 'space',
  required: ['Name'],
  versioned: true,
  serverManaged: COMPUTED,
  sensitiveFields: ['CertificateData', 'Password'],
  defaults: () => ({
    Name: '',
    Notes: null,
    EnvironmentIds: [],
    TenantIds: [],
    TenantTags: [],
    TenantedDeploymentParticipation: 'Untenanted',
  }),
  references: [ref('EnvironmentIds', 'environments'), ref('TenantIds', 'tenants')],
  validate: (doc, ctx) => {
    const errors = [...checkOneOf(doc, 'TenantedDeploymentParticipation', TENANTED_MODES), ...checkTenantTags(ctx.instance, ctx.spaceId, doc.TenantTags)];
    const data = doc.CertificateData as { NewValue?: unknown } | undefined;
    if (!ctx.previous && (typeof data !== 'object' || data === null || typeof data.NewValue !== 'string' || data.NewValue === '')) {
      errors.push('The CertificateData field is required.');
    }
    return errors;
  },
  prepare: (doc, ctx) => {
    const data = ctx.instance.store.readSecret(`${doc.Id}:CertificateData`);
    if (data === undefined) return;
    Object.assign(doc, describeCertificate(data, ctx.instance.store.now()), { Archived: ctx.previous?.Archived ?? null, ReplacedBy: ctx.previous?.ReplacedBy ?? null });
  },
};

function describeCertificate(base64: string, now: Date): Record<string, unknown> {
  const bytes = Buffer.from(base64, 'base64');
  try {
    const cert = new X509Certificate(bytes.toString('utf8').includes('-----BEGIN') ? bytes.toString('utf8') : bytes);
    const field = (dn: string, key: string) => new RegExp(`(?:^|\\n)${key}=([^\\n]*)`).exec(dn)?.[1] ?? null;
    const notAfter = new Date(cert.validTo);
    return {
      Thumbprint: cert.fingerprint.replace(/:/g, ''),
      SubjectDistinguishedName: cert.subject.split('\n').reverse().join(', '),
      SubjectCommonName: field(cert.subject, 'CN'),
      SubjectOrganization: field(cert.subject, 'O'),
      IssuerDistinguishedName: cert.issuer.split('\n').reverse().join(', '),
      IssuerCommonName: field(cert.issuer, 'CN'),
      IssuerOrganization: field(cert.issuer, 'O'),
      SerialNumber: cert.serialNumber,
      SignatureAlgorithmName: 'sha256RSA',
      NotBefore: new Date(cert.validFrom).toISOString(),
      NotAfter: notAfter.toISOString(),
      IsExpired: notAfter.getTime() < now.getTime(),
      HasPrivateKey: bytes.toString('utf8').includes('PRIVATE KEY'),
      SelfSigned: cert.subject === cert.issuer,
      CertificateDataFormat: bytes.toString('utf8').includes('-----BEGIN') ? 'Pem' : 'Der',
      SubjectAlternativeNames: cert.subjectAltName ? cert.subjectAltName.split(', ') : [],
      CertificateChain: [],
    };
  } catch {
    return {
      Thumbprint: createHash('sha1').update(bytes).digest('hex').toUpperCase(),
      SubjectDistinguishedName: null,
      SubjectCommonName: null,
      SubjectOrganization: null,
      IssuerDistinguishedName: null,
      IssuerCommonName: null,
      IssuerOrganization: null,
      SerialNumber: null,
      SignatureAlgorithmName: null,
      NotBefore: null,
      NotAfter: null,
      IsExpired: false,
      HasPrivateKey: false,
      SelfSigned: false,
      CertificateDataFormat: 'Pkcs12',
      SubjectAlternativeNames: [],
      CertificateChain: [],
    };
  }
}
