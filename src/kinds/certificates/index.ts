import { compareNames } from '../../core/canonical.js';
import { asArray } from '../fields.js';
import { simpleKind } from '../simple-kind.js';
import type { DocumentReference } from '../types.js';

// Only metadata is synced. The certificate data and its password are never readable; a
// destination gets them from its overlay. Everything the server computes from the data
// (thumbprint, subject, validity, ...) is left out.
//
// Archived certificates are history, not configuration: replacing a certificate archives the
// previous one (same Name, `ReplacedBy` set), and an archived one cannot be chosen as a
// variable value. `/certificates/all` lists them too, so they are left out here; otherwise a
// replaced certificate would come back as a second document of the same name.
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
  // A certificate is its data: the server refuses to create one without it (no placeholder).
  createRequires: ['CertificateData'],
  include: (resource) => resource.Archived === null || resource.Archived === undefined,
  drop: [
    'Thumbprint', 'SubjectDistinguishedName', 'SubjectCommonName', 'SubjectOrganization', 'IssuerDistinguishedName',
    'IssuerCommonName', 'IssuerOrganization', 'SerialNumber', 'SignatureAlgorithmName', 'NotBefore', 'NotAfter',
    'IsExpired', 'HasPrivateKey', 'SelfSigned', 'CertificateDataFormat', 'SubjectAlternativeNames', 'CertificateChain',
    'Archived', 'ReplacedBy',
  ],
  normalize: (body) => {
    if (Array.isArray(body.TenantTags)) body.TenantTags = body.TenantTags.map(String).sort(compareNames);
  },
  // Tenant tags are canonical names `Tag Set/Tag` already; validate checks them against tag sets.
  nestedReferences: (body) =>
    asArray(body.TenantTags).map((tag, index): DocumentReference => ({ pointer: `/TenantTags/${index}`, kind: 'tag-sets', name: String(tag) })),
});
