import { simpleKind } from '../simple-kind.js';

// Only metadata is synced. The certificate data and its password are never readable; a
// destination gets them from its overlay. Everything the server computes from the data
// (thumbprint, subject, validity, ...) is left out.
export const certificates = simpleKind({
  name: 'certificates',
  title: 'certificate',
  collection: 'certificates',
  dependsOn: ['environments', 'tag-sets', 'tenants'],
  refs: [
    { field: 'EnvironmentIds', as: 'Environments', collection: 'environments', many: true },
    { field: 'TenantIds', as: 'Tenants', collection: 'tenants', many: true },
  ],
  sensitive: ['CertificateData', 'Password'],
  drop: [
    'Thumbprint', 'SubjectDistinguishedName', 'SubjectCommonName', 'SubjectOrganization', 'IssuerDistinguishedName',
    'IssuerCommonName', 'IssuerOrganization', 'SerialNumber', 'SignatureAlgorithmName', 'NotBefore', 'NotAfter',
    'IsExpired', 'HasPrivateKey', 'SelfSigned', 'CertificateDataFormat', 'SubjectAlternativeNames', 'CertificateChain',
    'Archived', 'ReplacedBy',
  ],
  normalize: (body) => {
    if (Array.isArray(body.TenantTags)) body.TenantTags = [...body.TenantTags].map(String).sort();
  },
});
