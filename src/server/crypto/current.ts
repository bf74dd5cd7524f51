import { nodeCryptoProvider, type CryptoProvider } from './provider.js';

let current: CryptoProvider | null = null;

/** Installs the process's crypto provider at start-up (one per process, like the database pool). */
export function setCrypto(provider: CryptoProvider): void {
  current = provider;
}

export function getCrypto(): CryptoProvider {
  if (!current) current = nodeCryptoProvider(Buffer.from('zhengxun-development-only-key'));
  return current;
}
