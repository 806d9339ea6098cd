/**
 * The command line of a checked-in generated file (values.schema.json, the chart's
 * contract.json): write it, or with --check exit 1 when the committed file differs from `text`
 * (nothing written). `script` is the npm script that regenerates it, named in the message.
 */
import { readFileSync, writeFileSync } from "node:fs";

export function writeOrCheckGenerated(file: string, text: string, script: string, argv: readonly string[] = process.argv): void {
  if (argv.includes("--check")) {
    if (readFileSync(file, "utf8") !== text) {
      console.error(`${file} is out of date: run npm run ${script}`);
      process.exit(1);
    }
    console.log(`${file} is up to date`);
    return;
  }
  writeFileSync(file, text);
  console.log(`wrote ${file}`);
}
