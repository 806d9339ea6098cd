/**
 * One Kodus component on a Docker host: its container on the private network, hardened, with
 * bounded logs, a Docker healthcheck on the component's readiness path (Node's fetch: the images
 * have no curl), a stop timeout that lets it finish its work, and `cdktf deploy` waiting until it
 * is healthy.
 */
import { Container } from "@cdktf/provider-docker/lib/container";
import type { ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import type { KodusComponentSpec } from "../../contract/components";
import { addressOf, setAddress } from "../addresses";
import { BOUNDED_LOGS, RESTART_UNLESS_STOPPED, hardened } from "./container-defaults";
import { goDuration } from "./duration";

export interface KodusContainerProps {
  /** The component's row of the contract: the port it listens on, its readiness path, its start period. */
  readonly spec: Pick<KodusComponentSpec, "port" | "health" | "dockerStartPeriodSeconds">;
  /** Container name (other containers reach it by this name). */
  readonly name: string;
  /** Image id. */
  readonly image: string;
  readonly networkName: string;
  /** Environment, name → value (values may be Terraform references). */
  readonly env: Readonly<Record<string, string>>;
  /** Publish the component's port on the host. @default undefined (reached on the private network only) */
  readonly published?: { readonly hostPort: number; readonly bindAddress: string };
  /** Seconds Docker waits after SIGTERM before it kills the process (Docker's default is 10). */
  readonly stopSeconds: number;
  /** Seconds `cdktf deploy` waits for the container to turn healthy. @default 300 */
  readonly waitTimeoutSeconds?: number;
  /** What must be up first. @default [] */
  readonly dependsOn?: ITerraformDependable[];
  /** A CA bundle on the Docker host, bind-mounted read-only at `caBundle.containerPath`. @default undefined */
  readonly caBundle?: { readonly hostPath: string; readonly containerPath: string };
}

/** A Docker healthcheck that runs Node's built-in fetch (the Kodus images have no curl). */
export function nodeHttpHealthcheck(port: number, path: string): string[] {
  return ["CMD", "node", "-e", `fetch('http://127.0.0.1:${port}${path}').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))`];
}

export class KodusContainer extends Construct {
  readonly container: Container;

  constructor(scope: Construct, id: string, props: KodusContainerProps) {
    super(scope, id);
    const { spec, published } = props;
    this.container = new Container(this, "container", {
      name: props.name,
      image: props.image,
      restart: RESTART_UNLESS_STOPPED,
      ...BOUNDED_LOGS,
      networksAdvanced: [{ name: props.networkName }],
      env: Object.entries(props.env).map(([k, v]) => `${k}=${v}`),
      ports: published && [{ internal: spec.port, external: published.hostPort, ip: published.bindAddress }],
      volumes: props.caBundle
        ? [{ hostPath: props.caBundle.hostPath, containerPath: props.caBundle.containerPath, readOnly: true }]
        : undefined,
      ...hardened(),
      stopTimeout: props.stopSeconds,
      destroyGraceSeconds: props.stopSeconds,
      healthcheck: {
        test: nodeHttpHealthcheck(spec.port, spec.health.readiness),
        interval: goDuration(15),
        timeout: goDuration(5),
        retries: 4,
        startPeriod: goDuration(spec.dockerStartPeriodSeconds),
      },
      wait: true,
      waitTimeout: props.waitTimeoutSeconds ?? 300,
      dependsOn: props.dependsOn,
    });
    setAddress(this.container, addressOf(this));
  }
}
