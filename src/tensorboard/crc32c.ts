// CRC-32C (Castagnoli), table-driven, and the masked form TFRecord files store after each length and payload.

/** The reflected Castagnoli polynomial 0x1EDC6F41 (RFC 3720, section 12.1). */
const POLYNOMIAL = 0x82f63b78;

/** TABLE[b] is the CRC register update for one byte b (the classic one-byte-at-a-time table). */
const TABLE: Uint32Array = (() => {
  const table = new Uint32Array(256);
  for (let b = 0; b < 256; b++) {
    let crc = b;
    for (let bit = 0; bit < 8; bit++) crc = crc & 1 ? (crc >>> 1) ^ POLYNOMIAL : crc >>> 1;
    table[b] = crc >>> 0;
  }
  return table;
})();

/**
 * CRC-32C of `bytes[start, end)` as an unsigned 32-bit integer (initial register and final xor
 * 0xFFFFFFFF, as in iSCSI and TensorFlow). `crc32c(new TextEncoder().encode("123456789"))` is 0xE3069283.
 */
export function crc32c(bytes: Uint8Array, start = 0, end = bytes.length): number {
  let crc = 0xffffffff;
  for (let i = start; i < end; i++) crc = TABLE[(crc ^ bytes[i]!) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

/**
 * TensorFlow's masked CRC: rotate right by 15 bits and add 0xA282EAD8, so that a CRC stored inside
 * CRC'd data does not give a trivial checksum.
 */
export function maskCrc(crc: number): number {
  return ((((crc >>> 15) | (crc << 17)) >>> 0) + 0xa282ead8) >>> 0;
}

/** `maskCrc(crc32c(bytes[start, end)))`. */
export function maskedCrc32c(bytes: Uint8Array, start = 0, end = bytes.length): number {
  return maskCrc(crc32c(bytes, start, end));
}
