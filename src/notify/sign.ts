import { createHmac, timingSafeEqual } from "node:crypto";

export const SIGNATURE_HEADER = "X-Shipline-Signature-256";
export const EVENT_HEADER = "X-Shipline-Event";
export const DELIVERY_HEADER = "X-Shipline-Delivery";

/** `sha256=<hex HMAC-SHA256 of the raw body, keyed with the secret>`: GitHub's webhook scheme, our header. */
export function signature(body: string | Buffer, secret: string): string {
  return `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;
}

/** What a receiver does: recompute over the raw bytes and compare in constant time. */
export function verifySignature(body: string | Buffer, secret: string, header: string | undefined): boolean {
  if (!header) return false;
  const expected = Buffer.from(signature(body, secret));
  const given = Buffer.from(header);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
