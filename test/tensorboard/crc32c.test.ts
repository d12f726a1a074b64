import { describe, expect, it } from "vitest";
import { crc32c, maskCrc, maskedCrc32c } from "../../src/tensorboard/crc32c.js";
import { crc32 } from "../../src/tensorboard/png.js";

const bytes = (values: number[]) => Uint8Array.from(values);

describe("crc32c", () => {
  // RFC 3720 (iSCSI), appendix B.4: the CRC bytes there are the little-endian value.
  it("matches the RFC 3720 test vectors", () => {
    expect(crc32c(new Uint8Array(32))).toBe(0x8a9136aa);
    expect(crc32c(new Uint8Array(32).fill(0xff))).toBe(0x62a8ab43);
    expect(crc32c(bytes([...Array(32).keys()]))).toBe(0x46dd794e);
    expect(crc32c(bytes([...Array(32).keys()].reverse()))).toBe(0x113fdb5c);
    const scsiRead = bytes([
      0x01, 0xc0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
      0x14, 0x00, 0x00, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0x00, 0x14, 0x00, 0x00, 0x00, 0x18,
      0x28, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    ]);
    expect(crc32c(scsiRead)).toBe(0xd9963a56);
  });

  it("gives the CRC-32C check value for \"123456789\" and 0 for no bytes", () => {
    expect(crc32c(new TextEncoder().encode("123456789"))).toBe(0xe3069283);
    expect(crc32c(new Uint8Array(0))).toBe(0);
  });

  it("honours a sub-range", () => {
    const data = bytes([7, 7, ...Array(32).fill(0xff), 7]);
    expect(crc32c(data, 2, 34)).toBe(0x62a8ab43);
  });

  // Values printed by tensorboard.compat.tensorflow_stub.pywrap_tensorflow.masked_crc32c.
  it("masks as TensorFlow's record writer does", () => {
    expect(maskedCrc32c(new Uint8Array(0))).toBe(0xa282ead8);
    expect(maskedCrc32c(new TextEncoder().encode("hello"))).toBe(0x191c1fbb);
    expect(maskedCrc32c(new Uint8Array(8))).toBe(0x07980329);
    expect(maskCrc(0)).toBe(0xa282ead8);
  });
});

describe("crc32 (PNG chunks)", () => {
  it("gives the CRC-32 check value for \"123456789\" and the IEND chunk's CRC", () => {
    expect(crc32(new TextEncoder().encode("123456789"))).toBe(0xcbf43926);
    expect(crc32(new TextEncoder().encode("IEND"))).toBe(0xae426082);
  });
});
