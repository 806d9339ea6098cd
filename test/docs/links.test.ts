/**
 * The README and the docs/ pages link to each other and to files of the repository: every
 * relative link must name a file that exists and, with a #fragment, a heading of that page
 * (GitHub's slugs: lower case, punctuation dropped, spaces to hyphens).
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";

const ROOT = resolve(__dirname, "../..");
const PAGES = [
  "README.md",
  "helm/kodus-chutes/README.md",
  ...readdirSync(join(ROOT, "docs"))
    .filter((f) => f.endsWith(".md"))
    .map((f) => `docs/${f}`),
];

function slugs(markdown: string): Set<string> {
  const out = new Set<string>();
  let fenced = false;
  for (const line of markdown.split("\n")) {
    if (line.startsWith("```")) fenced = !fenced;
    const m = !fenced && /^#{1,6} (.*)$/.exec(line);
    if (m)
      out.add(
        m[1]
          .trim()
          .toLowerCase()
          .replace(/[^\w\- ]/g, "")
          .replace(/ /g, "-"),
      );
  }
  return out;
}

function links(markdown: string): string[] {
  const body = markdown.replace(/```[\s\S]*?```/g, "");
  return [...body.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]).filter((t) => !/^[a-z]+:/.test(t));
}

test.each(PAGES)("every relative link in %s resolves to a file and heading", (page) => {
  const text = readFileSync(join(ROOT, page), "utf8");
  const broken: string[] = [];
  for (const link of links(text)) {
    const [path, fragment] = link.split("#");
    const target = path ? resolve(ROOT, dirname(page), path) : join(ROOT, page);
    if (!existsSync(target)) broken.push(`${link} (no file)`);
    else if (fragment && target.endsWith(".md") && !slugs(readFileSync(target, "utf8")).has(fragment)) broken.push(`${link} (no heading)`);
  }
  expect(broken).toEqual([]);
});

test("a broken link is found (the check can fail)", () => {
  expect(links("see [x](docs/nope.md#a) and [y](https://example.com)")).toEqual(["docs/nope.md#a"]);
  expect(slugs("# Fixed Mode: what it does\n```\n# not a heading\n```")).toEqual(new Set(["fixed-mode-what-it-does"]));
});

test("the README stays short: a newcomer reads it in five minutes, the rest lives in docs/", () => {
  expect(readFileSync(join(ROOT, "README.md")).length).toBeLessThan(15 * 1024);
});
