const hex = (digest: ArrayBuffer): string =>
  Array.from(new Uint8Array(digest), (byte) => byte.toString(16).padStart(2, '0')).join('');

/** SHA-256 of a text as lowercase hex, with Web Crypto: how a browser recomputes the chain's hashes. */
export const sha256 = async (text: string): Promise<string> =>
  hex(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text)));

/** SHA-256 of a file's bytes as lowercase hex: the name a report gives a photo. */
export const sha256OfBytes = async (bytes: ArrayBuffer | Uint8Array): Promise<string> =>
  hex(await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>));
