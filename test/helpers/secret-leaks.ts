/**
 * The sliding-window check of issue #21: a fresh, random, Chutes-shaped key per test run, and
 * every 12-character run of it that occurs in some output (a check for the whole key misses a
 * key that was cut before it was redacted).
 */
import { randomBytes } from "node:crypto";

export const SECRET_RUN = 12;

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
/** cpk_ + 32 hex . 32 hex . 32 letters/digits: 102 characters, like a real key, new every call. */
export function randomChutesKey(): string {
  const base62 = Array.from(randomBytes(32), (b) => ALPHABET[b % ALPHABET.length]).join("");
  return `cpk_${randomBytes(16).toString("hex")}.${randomBytes(16).toString("hex")}.${base62}`;
}

/**
 * Like randomChutesKey, with base64url parts (so `-` and `_` too): the property tests use it to
 * check that the key-shape rule matches every character a key part may hold.
 */
export function freshChutesKey(): string {
  return `cpk_${randomBytes(24).toString("hex")}.${randomBytes(18).toString("base64url")}.${randomBytes(15).toString("base64url")}`;
}

/** Every SECRET_RUN-character window of `secret` that occurs in `text` (empty: nothing leaked). */
export function leakedRuns(text: string, secret: string, run = SECRET_RUN): string[] {
  const leaks: string[] = [];
  for (let i = 0; i + run <= secret.length; i++) if (text.includes(secret.slice(i, i + run))) leaks.push(secret.slice(i, i + run));
  return leaks;
}
