/**
 * The real Terraform (installed on these machines; no registry, so no init) parses what we
 * synthesize. `terraform providers` reads and decodes the whole configuration, lifecycle blocks
 * included, without downloading anything; the backend is left out because it would need init.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { synthStack } from "../helpers/synth";
import { TOOLS_MODEL } from "../probe/chutes-models-snapshot";

function terraform(args: string[], cwd: string, input?: string) {
  const r = spawnSync("terraform", args, {
    cwd,
    input,
    encoding: "utf8",
    env: { ...process.env, CHECKPOINT_DISABLE: "1", TF_CLI_CONFIG_FILE: "/dev/null" },
  });
  if (r.error) throw new Error(`terraform is required for this test (1.11 or later on the PATH): ${r.error.message}`);
  return r;
}

function parses(stack: string, input: object): { status: number | null; output: string } {
  const { json } = synthStack(stack, input);
  delete json.terraform.backend;
  const dir = mkdtempSync(join(tmpdir(), `kodus-tf-${stack}-`));
  writeFileSync(join(dir, "main.tf.json"), JSON.stringify(json));
  const r = terraform(["providers", "-no-color"], dir);
  return { status: r.status, output: r.stdout + r.stderr };
}

test("terraform is at least 1.11 (write-only attributes)", () => {
  const version = JSON.parse(execFileSync("terraform", ["version", "-json"], { encoding: "utf8" })).terraform_version as string;
  const [major, minor] = version.split(".").map(Number);
  expect(major > 1 || minor >= 11).toBe(true);
});

test.each([
  ["docker", {}],
  ["docker", { healthcheck: { enabled: false } }],
  ["kubernetes", {}],
  ["kubernetes", { healthcheck: { prometheusRule: { enabled: true } } }],
  ["kubernetes", { kubernetes: { secrets: { mode: "existing" }, dataStores: { mode: "bundled" } } }],
  [
    "kubernetes",
    {
      kubernetes: {
        autoscaling: { api: { enabled: true } },
        ingress: { enabled: true, webHost: "k.example.com", webhooksHost: "h.example.com" },
      },
    },
  ],
])("terraform parses the %s stack (%j)", (stack, input) => {
  const r = parses(stack, input);
  expect(r.output).not.toMatch(/Error:/);
  expect(r.status).toBe(0);
  expect(r.output).toContain(stack === "docker" ? "kreuzwerker/docker" : "hashicorp/kubernetes");
});

test("the Docker preflight's failure message extracts the probe's JSON line from raw container logs", () => {
  const { json } = synthStack("docker");
  const message: string = json.resource.docker_container["chutes-preflight"].lifecycle.postcondition[0].error_message;
  const expr = message.match(/\$\{(try\(regex\(.*\), trimspace\(self\.container_logs\)\))\}/)![1];
  // What the provider stores: Docker's 8-byte stream header, then the line.
  const logs = `\\u0001\\u0000\\u0000\\u0000\\u0000\\u0000\\u0000\\u0058{\\"status\\":\\"auth_failed\\",\\"httpStatus\\":401}\\n`;
  const r = terraform(
    ["console"],
    mkdtempSync(join(tmpdir(), "kodus-tf-console-")),
    `${expr.replaceAll("self.container_logs", `"${logs}"`)}\n`,
  );
  expect(r.stderr).toBe("");
  expect(JSON.parse(JSON.parse(r.stdout.trim()))).toEqual({ status: "auth_failed", httpStatus: 401 });
});

describe("the Docker preflight's budget check (a Terraform check block: a warning, never an error)", () => {
  const { json } = synthStack("docker");
  const assertion = json.check!.chutes_budget.assert[0];
  const KEY = `cpk_${"tfcheck".repeat(5)}.fake.key`;

  /** The probe's real line in report mode (what the preflight container prints) for a scenario. */
  async function preflightLine(scenario: import("../probe/chutes-server").Scenario): Promise<string> {
    const { startChutesServer } = await import("../probe/chutes-server");
    const server = await startChutesServer(scenario);
    try {
      const probe = join(__dirname, "../../probe/chutes-probe.mjs");
      const r = await new Promise<string>((resolve) =>
        require("node:child_process").execFile(
          process.execPath,
          [
            probe,
            "--base-url",
            server.baseUrl,
            "--model",
            TOOLS_MODEL, // listed, with tools, in the stand-in's (real) listing
            "--management-url",
            server.managementUrl,
            "--budget",
            "report",
          ],
          { env: { PATH: process.env.PATH, CHUTES_API_KEY: KEY } },
          (_e: unknown, stdout: string) => resolve(stdout),
        ),
      );
      return r;
    } finally {
      await server.close();
    }
  }

  /** Evaluates one ${...} template of the check with the container's logs set to `logs`. */
  function evaluate(template: string, logs: string): string {
    const expr = template.match(/\$\{(.*?)\}(?=[^}]*$|\. )/)![1];
    const hclLogs = JSON.stringify(`\u0001\u0000\u0000\u0000\u0000\u0000\u0001\u0000${logs}`);
    const r = terraform(
      ["console"],
      mkdtempSync(join(tmpdir(), "kodus-tf-check-")),
      `${expr.replaceAll("docker_container.chutes-preflight.container_logs", hclLogs)}\n`,
    );
    expect(r.stderr).toBe("");
    return r.stdout.trim();
  }

  test("a cap past the warn percentage fails the assertion and names the window", async () => {
    const { subscriptionUsage } = await import("../probe/chutes-server");
    const line = await preflightLine({ subscription: subscriptionUsage(40, 85) });
    expect(JSON.parse(line).status).toBe("ok"); // the preflight itself passes
    expect(evaluate(assertion.condition, line)).toBe("false");
    expect(evaluate(assertion.error_message.slice(assertion.error_message.indexOf("${")), line)).toMatch(
      /^"four_hour at 85% of its cap, resets /,
    );
  });

  test("a budget below the warn percentage, pay-as-you-go, or an unreadable budget passes", async () => {
    const { subscriptionUsage, chutesError } = await import("../probe/chutes-server");
    for (const scenario of [
      { subscription: subscriptionUsage(10, 10) },
      { subscription: { status: 200, body: { subscription: false } } },
      { subscription: chutesError(401, "Invalid token") },
    ]) {
      expect(evaluate(assertion.condition, await preflightLine(scenario))).toBe("true");
    }
  });

  test("no check without the budget watch", () => {
    expect(synthStack("docker", { healthcheck: { budget: { enabled: false } } }).json.check).toBeUndefined();
  });
});
