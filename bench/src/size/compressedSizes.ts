import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

/** Bytes of one file as shipped: raw, gzip level 9 and brotli quality 11 (node:zlib). */
export interface Sizes {
  raw: number;
  gzip: number;
  brotli: number;
}

/** Measures `bytes` the way anchor-bundle-sizes.md did. */
export function compressedSizes(bytes: Uint8Array): Sizes {
  return {
    raw: bytes.byteLength,
    gzip: gzipSync(bytes, { level: 9 }).byteLength,
    brotli: brotliCompressSync(bytes, {
      params: {
        [constants.BROTLI_PARAM_QUALITY]: 11,
        [constants.BROTLI_PARAM_SIZE_HINT]: bytes.byteLength,
      },
    }).byteLength,
  };
}
