/**
 * The kind end-to-end workflow cannot run here (no container engine, no cluster), so this
 * checks what can be checked: the workflow parses and calls the script, the script is valid
 * bash (shellcheck: test/scripts/shellcheck.test.ts), every project command, file and helm
 * flag it uses exists, and the stand-in Chutes it ships compiles with the script's own command
 * and answers like Chutes.
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import { PROJECT_ROOT, helm } from "../helm/helm";

const SCRIPT = join(PROJECT_ROOT, "scripts", "kind-e2e.sh");
const WORKFLOW = join(PROJECT_ROOT, ".github", "workflows", "kind-e2e.yml");
const script = readFileSync(SCRIPT, "utf8");
const pkg = JSON.parse(readFileSync(join(PROJECT_ROOT, "package.json"), "utf8"));

describe(".github/workflows/kind-e2e.yml", () => {
  const workflow = parse(readFileSync(WORKFLOW, "utf8"));
  const steps: any[] = workflow.jobs.e2e.steps;
  const runs = steps
    .map((s) => s.run)
    .filter(Boolean)
    .join("\n");

  test("is a workflow: triggers, one job on a runner with a timeout, steps", () => {
    expect(Object.keys(workflow.on)).toEqual(expect.arrayContaining(["workflow_dispatch", "pull_request"]));
    expect(workflow.jobs.e2e["runs-on"]).toBe("ubuntu-latest");
    expect(workflow.jobs.e2e["timeout-minutes"]).toBeGreaterThan(0);
    expect(workflow.permissions).toEqual({ contents: "read" });
    for (const s of steps) expect(Boolean(s.uses) !== Boolean(s.run)).toBe(true);
  });

  test("every action names a version (a commit, or a major tag as ci.yml does), and Node is the engines minimum", () => {
    for (const s of steps.filter((x) => x.uses)) expect(s.uses).toMatch(/^[\w-]+\/[\w-]+@([0-9a-f]{40}|v\d+)$/);
    const minNode = Number(String(pkg.engines.node).match(/\d+/)![0]);
    const setupNode = steps.find((s) => String(s.uses).startsWith("actions/setup-node@"));
    expect(Number(setupNode.with["node-version"])).toBeGreaterThanOrEqual(minNode);
  });

  test("it runs the script, after installing what the script needs through project commands", () => {
    expect(runs).toContain("bash scripts/kind-e2e.sh");
    for (const [, name] of runs.matchAll(/npm run ([\w:-]+)/g)) expect(pkg.scripts).toHaveProperty([name]);
    expect(steps.some((s) => String(s.uses).startsWith("helm/kind-action@") && s.with?.install_only === true)).toBe(true);
  });

  test("its path filters name files that exist", () => {
    for (const p of workflow.on.pull_request.paths as string[]) {
      const fixed = p.replace(/\/\*\*$/, "");
      expect([p, existsSync(join(PROJECT_ROOT, fixed))]).toEqual([p, true]);
    }
  });
});

describe("scripts/kind-e2e.sh", () => {
  test("is valid bash (bash -n)", () => {
    const r = spawnSync("bash", ["-n", SCRIPT], { encoding: "utf8" });
    expect([r.status, r.stderr]).toEqual([0, ""]);
  });

  test("every project file and npm script it uses exists", () => {
    const paths = [...script.matchAll(/(?:^|[\s="])((?:helm|test|scripts|probe)\/[\w./-]+)/gm)].map((m) => m[1].replace(/[".]+$/, ""));
    expect(paths).toEqual(expect.arrayContaining(["helm/kodus-chutes", "test/probe/chutes-server.ts", "test/probe/chutes-standin.ts"]));
    for (const p of new Set(paths)) expect([p, existsSync(join(PROJECT_ROOT, p))]).toEqual([p, true]);
    for (const [, name] of script.matchAll(/npm run ([\w:-]+)/g)) expect(pkg.scripts).toHaveProperty([name]);
  });

  test("every helm flag it passes exists in the real helm (v4)", () => {
    const flagsIn = (text: string) => new Set([...text.matchAll(/(?:^|\s)(--[a-z][a-z-]*)/g)].map((m) => m[1]));
    // The flags shared by every install/upgrade (the COMMON array), then each helm command line.
    const common = script.match(/^COMMON=\(([\s\S]*?)\)$/m)![1];
    const helmLines = script.split("\n").filter((l) => l.includes('"$HELM" '));
    expect(helmLines.length).toBeGreaterThanOrEqual(4);
    const upgradeHelp = helm(["upgrade", "--help"]).stdout;
    const testHelp = helm(["test", "--help"]).stdout;
    const checked: string[] = [];
    for (const f of flagsIn(common)) {
      expect([f, upgradeHelp.includes(`${f} `) || upgradeHelp.includes(`${f}=`)]).toEqual([f, true]);
      checked.push(f);
    }
    for (const line of helmLines) {
      const help = line.includes('"$HELM" test') ? testHelp : upgradeHelp;
      for (const f of flagsIn(line)) expect([line, f, help.includes(`${f} `) || help.includes(`${f}=`)]).toEqual([line, f, true]);
    }
    expect(checked).toEqual(expect.arrayContaining(["--skip-schema-validation", "--set-file", "--wait-for-jobs"]));
    expect(helmLines.join("\n")).toContain("--logs");
  });

  test("the stand-in Chutes compiles with the script's command and answers /v1/models and a completion", async () => {
    const out = mkdtempSync(join(tmpdir(), "kodus-standin-"));
    const tscLine = script
      .match(/npx tsc ([^\n]*\\\n[^\n]*)/)![1]
      .replace(/\\\n\s*/g, " ")
      .replace('"$WORK/standin"', out);
    const args = tscLine.split(/\s+/).filter(Boolean);
    const r = spawnSync(join(PROJECT_ROOT, "node_modules", ".bin", "tsc"), args, { cwd: PROJECT_ROOT, encoding: "utf8" });
    expect([r.status, r.stdout]).toEqual([0, ""]);
    expect(readdirSync(out).sort()).toEqual(["chutes-models-snapshot.js", "chutes-server.js", "chutes-standin.js"]);
    const child = spawn(process.execPath, [join(out, "chutes-standin.js")], {
      env: { PATH: process.env.PATH ?? "", PORT: "0", HOST: "127.0.0.1" },
    });
    try {
      const baseUrl = await new Promise<string>((resolve, reject) => {
        child.stdout.on("data", (d: Buffer) => {
          const m = d.toString().match(/listening on (\S+)/);
          if (m) resolve(m[1]);
        });
        child.once("exit", (code) => reject(new Error(`stand-in exited ${code}`)));
      });
      const models = (await (await fetch(`${baseUrl}/models`)).json()) as { data: { id: string }[] };
      // The model the script deploys (its --set-string llm.model) is listed, with tools.
      const model = /--set-string llm\.model=(\S+)/.exec(readFileSync(join(PROJECT_ROOT, "scripts/kind-e2e.sh"), "utf8"))![1];
      const listed = (models.data as { id: string; supported_features?: string[] }[]).find((m) => m.id === model);
      expect(listed?.supported_features).toContain("tools");
      const completion = await fetch(`${baseUrl}/chat/completions`, {
        method: "POST",
        headers: { authorization: "Bearer cpk_x" },
        body: JSON.stringify({ model, tool_choice: { type: "function", function: { name: "report_health" } } }),
      });
      expect(completion.status).toBe(200);
      expect(((await completion.json()) as any).choices[0].message.tool_calls[0].function.name).toBe("report_health");
    } finally {
      child.kill("SIGTERM");
    }
  });
});
