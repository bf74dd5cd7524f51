import { getCrypto } from './current.js';
import type { CryptoProvider } from './provider.js';

/**
 * Personal data at rest (SECURITY.md §22): phone numbers, ID numbers and the like are stored only as
 * ciphertext (SM4 through the crypto provider, authenticated with HMAC-SM3 and bound to the field and the
 * row), shown masked everywhere, and read in plain only through an audited, authorized reveal. A field that
 * must be found by exact value also stores a blind index (HMAC-SM3 under a key of its own) of the
 * normalized value.
 *
 * The pattern for a new field: a `<name>_enc` text column (and `<name>_index` if it is searched), a
 * PersonalField constant, `sealPersonal` on every write, `maskSealed` in every presenter and export, and a
 * reveal use case that authorizes, audits in its transaction and then calls `openPersonal`.
 */

export type PersonalKind = 'phone' | 'idNumber' | 'generic';

export interface PersonalField {
  /** Table and column, e.g. `users.phone`: part of the authenticated context and of the index key. */
  readonly name: string;
  readonly kind: PersonalKind;
}

/** Users' phone numbers (人员管理). */
export const USER_PHONE: PersonalField = { name: 'users.phone', kind: 'phone' };

export interface SealedPersonal {
  /** `v2.<keyId>.<iv>.<ciphertext>.<tag>`, see CryptoProvider.seal. */
  enc: string;
  /** Blind index of the normalized value (hex). */
  index: string;
}

/** The shown mask when a stored value cannot be opened (other key, altered): never the ciphertext. */
export const UNREADABLE_MASK = '（无法解密）';

const context = (field: PersonalField, rowId: string) => `${field.name}:${rowId}`;

/**
 * The form compared by the blind index: phones without spaces and hyphens; ID numbers without spaces and
 * with an upper-case check letter X; anything else trimmed and NFC-normalized.
 */
export function normalizePersonal(kind: PersonalKind, value: string): string {
  const v = value.normalize('NFC').trim();
  if (kind === 'phone') return v.replace(/[\s-]/g, '');
  if (kind === 'idNumber') return v.replace(/\s/g, '').toUpperCase();
  return v;
}

/** First three and last four shown, the rest starred: 138****1234, 110***********1234. */
function keepEnds(chars: string[]): string {
  if (chars.length >= 8)
    return [...chars.slice(0, 3), '*'.repeat(chars.length - 7), ...chars.slice(-4)].join('');
  if (chars.length > 2) return '*'.repeat(chars.length - 2) + chars.slice(-2).join('');
  return '*'.repeat(chars.length);
}

/**
 * The masked form shown in lists, details and exports. Phones: 138****1234 (landlines alike:
 * 010****5678); ID numbers: 110***********1234; short values keep their last two characters; generic
 * values (names, addresses) keep their first and last character: 张*丰.
 */
export function maskPersonal(kind: PersonalKind, value: string): string {
  const chars = Array.from(normalizePersonal(kind, value));
  if (kind === 'phone' || kind === 'idNumber') return keepEnds(chars);
  if (chars.length <= 1) return '*'.repeat(chars.length);
  if (chars.length === 2) return `${chars[0]}*`;
  return `${chars[0]}${'*'.repeat(chars.length - 2)}${chars[chars.length - 1]}`;
}

/** Blind index of a value for exact-match lookups (same value, same field: same index, whatever the row). */
export function personalIndex(
  field: PersonalField,
  value: string,
  crypto: CryptoProvider = getCrypto(),
): string {
  return crypto.blindIndex(field.name, normalizePersonal(field.kind, value));
}

/** Encrypts a value for one row's field: store `enc` (and `index` when the field is searched). */
export function sealPersonal(
  field: PersonalField,
  rowId: string,
  value: string,
  crypto: CryptoProvider = getCrypto(),
): SealedPersonal {
  return {
    enc: crypto.seal(Buffer.from(value, 'utf8'), context(field, rowId)),
    index: personalIndex(field, value, crypto),
  };
}

/** The plain value: only for an authorized, audited reveal. Throws when the box does not open. */
export function openPersonal(
  field: PersonalField,
  rowId: string,
  enc: string,
  crypto: CryptoProvider = getCrypto(),
): string {
  return crypto.open(enc, context(field, rowId)).toString('utf8');
}

/** The masked form of a stored value for presenters and exports; null stays null; fails closed. */
export function maskSealed(
  field: PersonalField,
  rowId: string,
  enc: string | null,
  crypto: CryptoProvider = getCrypto(),
): string | null {
  if (enc === null) return null;
  try {
    return maskPersonal(field.kind, openPersonal(field, rowId, enc, crypto));
  } catch {
    return UNREADABLE_MASK;
  }
}
