/**
 * HMAC-DRBG (NIST SP 800-90A Rev. 1, section 10.1.2) with HMAC-SHA-256 on node:crypto: a deterministic,
 * cryptographically strong generator. Seeded with a per-trial secret (server) or the user's --seed (CLI
 * allocation-table), it gives the same sequence for the same seed. It implements the core's RandomSource.
 */
import { createHmac, randomBytes } from "node:crypto";
import type { RandomSource } from "../trials/random.js";

const OUT = 32;

export class HmacDrbg implements RandomSource {
  private k: Buffer = Buffer.alloc(OUT, 0x00);
  private v: Buffer = Buffer.alloc(OUT, 0x01);
  private buffer: Buffer = Buffer.alloc(0);
  private offset = 0;

  /** `seed` is the entropy input (a string is taken as UTF-8); `personalisation` separates uses of one seed. */
  constructor(seed: string | Buffer, personalisation = "") {
    const material = Buffer.concat([typeof seed === "string" ? Buffer.from(seed, "utf8") : seed, Buffer.from(personalisation, "utf8")]);
    this.update(material);
  }

  private hmac(key: Buffer, ...parts: Buffer[]): Buffer {
    const h = createHmac("sha256", key);
    for (const p of parts) h.update(p);
    return h.digest();
  }

  private update(data: Buffer | null): void {
    this.k = this.hmac(this.k, this.v, Buffer.from([0x00]), data ?? Buffer.alloc(0));
    this.v = this.hmac(this.k, this.v);
    if (data !== null && data.length > 0) {
      this.k = this.hmac(this.k, this.v, Buffer.from([0x01]), data);
      this.v = this.hmac(this.k, this.v);
    }
  }

  /** `n` pseudo-random bytes (one DRBG generate call). */
  generate(n: number): Buffer {
    const chunks: Buffer[] = [];
    let have = 0;
    while (have < n) {
      this.v = this.hmac(this.k, this.v);
      chunks.push(this.v);
      have += this.v.length;
    }
    this.update(null);
    return Buffer.concat(chunks).subarray(0, n);
  }

  nextUint32(): number {
    if (this.offset + 4 > this.buffer.length) {
      this.buffer = this.generate(64);
      this.offset = 0;
    }
    const x = this.buffer.readUInt32BE(this.offset);
    this.offset += 4;
    return x;
  }
}

/** A fresh 32-byte secret seed (hex) for a trial's concealed sequence. */
export function newTrialSeed(): string {
  return randomBytes(32).toString("hex");
}
