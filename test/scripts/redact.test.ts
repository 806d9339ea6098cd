/**
 * The CLIs' redaction (scripts/cli.ts redactSecrets, the probe's rule in TypeScript), checked
 * directly with the sliding window over a fresh random key: every cut of the key that is 12
 * characters or longer disappears, text around it stays, and credential-shaped tokens go
 * whoever's they are.
 */
import { redactSecrets } from "../../scripts/cli";
import { leakedRuns, randomChutesKey } from "../helpers/secret-leaks";

const KEY = randomChutesKey();

test("every piece of 12 or more characters of the key, anywhere in a text, is gone; the text around it stays", () => {
  for (let from = 0; from < KEY.length - 12; from += 5) {
    for (const to of [from + 12, from + 13, from + 40, KEY.length]) {
      if (to > KEY.length) continue;
      const text = `before ${KEY.slice(from, to)} after`;
      const out = redactSecrets(text, [KEY]);
      expect([from, to, leakedRuns(out, KEY)]).toEqual([from, to, []]);
      expect(out).toMatch(/^before .*\[REDACTED\].* after$/);
    }
  }
});

test("Bearer and cpk_ tokens go even without the key; placeholders like cpk_... stay", () => {
  const other = randomChutesKey();
  expect(redactSecrets(`Authorization: Bearer ${other}`, [])).toBe("Authorization: Bearer [REDACTED]");
  expect(redactSecrets(`key ${other.slice(0, 30)} here`, [])).toBe("key [REDACTED] here");
  expect(redactSecrets("Export CHUTES_API_KEY=cpk_... first", [])).toBe("Export CHUTES_API_KEY=cpk_... first");
  expect(redactSecrets("no secret here", [KEY, undefined, ""])).toBe("no secret here");
});

test("a piece of the key in another case is gone too, as the probe's rule does (a proxy or log may change case)", () => {
  const piece = KEY.slice(10, 40);
  for (const variant of [piece.toUpperCase(), piece.toLowerCase()]) {
    const out = redactSecrets(`x ${variant} y`, [KEY]);
    expect(out).toBe("x [REDACTED] y");
  }
});
