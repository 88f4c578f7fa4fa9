/**
 * Passphrase encryption of backup files: AES-256-GCM with a key derived by scrypt (N = 2^17, r = 8, p = 1,
 * 16-byte random salt, 12-byte random IV). The envelope is JSON; a wrong passphrase or a changed byte fails the
 * GCM tag check and is reported as one clear error.
 */
import { createCipheriv, createDecipheriv, randomBytes, scryptSync } from "node:crypto";
import { z } from "zod";
import { InputError } from "../shared/errors.js";

const Envelope = z.object({
  format: z.literal("decidua-backup-encrypted"),
  version: z.literal(1),
  kdf: z.object({ name: z.literal("scrypt"), logN: z.number().int().min(14).max(20), r: z.number().int().min(1).max(32), p: z.number().int().min(1).max(4), salt: z.string() }),
  cipher: z.literal("aes-256-gcm"),
  iv: z.string(),
  tag: z.string(),
  data: z.string(),
});

function key(passphrase: string, salt: Buffer, logN: number, r: number, p: number): Buffer {
  const N = 2 ** logN;
  return scryptSync(passphrase.normalize("NFC"), salt, 32, { N, r, p, maxmem: 128 * N * r * p + 16 * 1024 * 1024 });
}

export function encryptBackup(plain: string, passphrase: string, logN = 17): string {
  if (passphrase.length < 10) throw new InputError("the passphrase needs at least 10 characters", { field: "passphrase" });
  const salt = randomBytes(16);
  const iv = randomBytes(12);
  const c = createCipheriv("aes-256-gcm", key(passphrase, salt, logN, 8, 1), iv);
  const data = Buffer.concat([c.update(plain, "utf8"), c.final()]);
  return JSON.stringify({ format: "decidua-backup-encrypted", version: 1, kdf: { name: "scrypt", logN, r: 8, p: 1, salt: salt.toString("base64") }, cipher: "aes-256-gcm", iv: iv.toString("base64"), tag: c.getAuthTag().toString("base64"), data: data.toString("base64") });
}

/** True when the file text is an encrypted backup envelope. */
export function isEncryptedBackup(text: string): boolean {
  return /^\s*\{\s*"format"\s*:\s*"decidua-backup-encrypted"/.test(text.slice(0, 200));
}

export function decryptBackup(text: string, passphrase: string, file = "backup"): string {
  let env: z.infer<typeof Envelope>;
  try {
    env = Envelope.parse(JSON.parse(text));
  } catch {
    throw new InputError("not a valid encrypted Decidua backup", { file });
  }
  try {
    const d = createDecipheriv("aes-256-gcm", key(passphrase, Buffer.from(env.kdf.salt, "base64"), env.kdf.logN, env.kdf.r, env.kdf.p), Buffer.from(env.iv, "base64"));
    d.setAuthTag(Buffer.from(env.tag, "base64"));
    return Buffer.concat([d.update(Buffer.from(env.data, "base64")), d.final()]).toString("utf8");
  } catch {
    throw new InputError("wrong passphrase, or the file was changed", { file, field: "passphrase" });
  }
}
