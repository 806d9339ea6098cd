/**
 * Chutes health checks on a Docker host:
 * - a one-shot preflight container, re-run on every deploy, whose non-zero exit fails the
 *   deploy with the probe's verdict in the message (a postcondition on its exit code); the
 *   Kodus containers depend on it;
 * - a monitor container whose Docker healthcheck is the probe, so `docker ps` shows it
 *   unhealthy within one interval of Chutes failing.
 * Both run the probe with the Kodus API image's Node: no extra image.
 *
 * With the budget watch on, the preflight reads the Chutes budget in report mode (figures in its
 * line, never a failure) and a Terraform `check` turns a cap past the warn percentage into a
 * warning of the plan/apply; the monitor reads it in alert mode, so a critical budget
 * (probe exit 3) turns it unhealthy like a failing Chutes does.
 */
import { Container, type ContainerConfig } from "@cdktf/provider-docker/lib/container";
import { TerraformStack } from "cdktf";
import { Construct } from "constructs";
import { addressOf, setAddress } from "../addresses";
import { rerunOnEveryApply } from "../rerun-every-apply";
import { terraformLiteral } from "../terraform-literal";
import { RESTART_UNLESS_STOPPED, hardened } from "./container-defaults";
import { goDuration } from "./duration";
import {
  PROBE_COMMAND,
  PROBE_DIR,
  PROBE_FILE,
  PROBE_KEY_ENV,
  probeEnv,
  preflightSettings,
  probeSource,
  withBudgetMode,
  type ProbeSettings,
} from "../../probe/probe-program";

export interface DockerChutesHealthChecksProps {
  /** Image id of an image with Node 20+ (the Kodus API image). */
  readonly image: string;
  /** Reference to the Chutes key (a Terraform variable). */
  readonly apiKey: string;
  readonly probe: ProbeSettings;
  /** Seconds between two checks of the monitor. */
  readonly intervalSeconds: number;
  readonly networkName: string;
  /** Run the preflight container (off: one deploy during a Chutes outage). @default true */
  readonly preflight?: boolean;
  /** Run the monitor container. @default true */
  readonly periodic?: boolean;
}

export const PREFLIGHT_CONTAINER = "kodus-chutes-preflight";
/** HCL string literals (RE2 patterns) matching the probe's line: a budget at warning/critical, and its detail. */
const BUDGET_NEAR_CAP_HCL = String.raw`"\"budget\":\\{\"status\":\"(warning|critical)\""`;
const BUDGET_DETAIL_HCL = String.raw`"\"budget\":\\{\"status\":\"[a-z_]+\".*?\"detail\":\"([^\"]*)\""`;
export const MONITOR_CONTAINER = "kodus-chutes-monitor";

export class DockerChutesHealthChecks extends Construct {
  readonly preflight?: Container;
  readonly monitor?: Container;

  constructor(scope: Construct, id: string, props: DockerChutesHealthChecksProps) {
    super(scope, id);
    if (props.preflight ?? true) {
      this.preflight = this.preflightContainer(props);
      if (props.probe.budget !== "off") this.budgetCheck(props.probe.warnPercent, this.preflight);
    }
    if (props.periodic ?? true) this.monitor = this.monitorContainer(props);
  }

  /** Addressed from this construct's id ("chutes": chutes-preflight, chutes-monitor). */
  private address(role: string): string {
    return addressOf(this, { suffix: role });
  }

  /** The preflight gates on "Chutes serves us" within the timeout; slowness is the monitor's business. */
  private preflightContainer(props: DockerChutesHealthChecksProps): Container {
    const preflight = new Container(this, "preflight", {
      name: PREFLIGHT_CONTAINER,
      entrypoint: [...PROBE_COMMAND], // the probe, not the Kodus entrypoint: no migrations
      // Report mode: budget figures in the line, a near cap warns (the check below), never fails.
      // No schedule: the preflight always spends its one completion (the forced tool call).
      ...probeContainer(props, withBudgetMode({ ...preflightSettings(props.probe), maxLatencyMs: props.probe.timeoutMs }, "report")),
      mustRun: false,
      attach: true, // wait for the probe to exit
      logs: true, // keep its JSON line for the message below
      restart: "no",
      lifecycle: {
        postcondition: [
          {
            condition: "${self.exit_code == 0}",
            // Terraform destroys a container being replaced (a new key, a new image) before the
            // preflight it depends on re-runs (test/stacks/docker-rotation-order.test.ts; seen in a
            // real apply, docs/cluster-tests.md): those are gone, the rest keep running.
            errorMessage: `Chutes preflight failed: no Kodus container was created or updated; containers this deploy was replacing (a new key or image) were already removed, the others keep running. Probe verdict: \${try(regex("\\\\{.*\\\\}", self.container_logs), trimspace(self.container_logs))}. See docs/health-checks.md for what each status means; run "docker logs ${PREFLIGHT_CONTAINER}" for the same line.`,
          },
        ],
      },
    });
    setAddress(preflight, this.address("preflight"));
    // The preflight runs before every rollout, not only when its settings change.
    rerunOnEveryApply(this, preflight, this.address("preflight-trigger"));
    return preflight;
  }

  /** A failed `check` assertion is a warning of plan/apply, never an error: the deploy goes on. */
  private budgetCheck(warnPercent: number, preflight: Container): void {
    const logs = `${preflight.terraformResourceType}.${preflight.friendlyUniqueId}.container_logs`;
    TerraformStack.of(this).addOverride("check.chutes_budget", {
      assert: [
        {
          condition: `\${!can(regex(${BUDGET_NEAR_CAP_HCL}, ${logs}))}`,
          error_message:
            `A Chutes cap is near (${warnPercent} % or more): \${try(regex(${BUDGET_DETAIL_HCL}, ${logs})[0], "run docker logs ${PREFLIGHT_CONTAINER}")}. ` +
            `Reviews stop when the cap is reached: see "Chutes budget" in docs/health-checks.md.`,
        },
      ],
    });
  }

  private monitorContainer(props: DockerChutesHealthChecksProps): Container {
    const monitor = new Container(this, "monitor", {
      name: MONITOR_CONTAINER,
      // Idles; Docker runs the probe as the healthcheck, on the schedule's interval. With the
      // schedule in its env, the probe spends a completion only in the first interval of each
      // completion window (from 00:00 UTC): Docker's checks are at least the interval apart, so
      // at most one falls in a window.
      entrypoint: ["node", "-e", "setInterval(() => {}, 1 << 30)"],
      ...probeContainer(props, withBudgetMode(props.probe, "alert")),
      restart: RESTART_UNLESS_STOPPED,
      healthcheck: {
        test: ["CMD", ...PROBE_COMMAND],
        interval: goDuration(props.intervalSeconds),
        timeout: goDuration(Math.ceil(props.probe.timeoutMs / 1000) + 10),
        retries: 1, // unhealthy after one failed check: no retry storm, no delay
        startPeriod: goDuration(0),
      },
    });
    return setAddress(monitor, this.address("monitor"));
  }
}

/** What both probe containers share: the image, the probe's source and env, hardening, the network. */
function probeContainer(
  props: DockerChutesHealthChecksProps,
  settings: ProbeSettings,
): Pick<ContainerConfig, "image" | "env" | "upload" | "securityOpts" | "capabilities" | "networksAdvanced"> {
  return {
    image: props.image,
    env: [...Object.entries(probeEnv(settings)).map(([k, v]) => `${k}=${v}`), `${PROBE_KEY_ENV}=${props.apiKey}`],
    upload: [{ file: `${PROBE_DIR}/${PROBE_FILE}`, content: terraformLiteral(probeSource()) }],
    ...hardened(),
    networksAdvanced: [{ name: props.networkName }],
  };
}
