/**
 * What every long-running container of the deployment shares on a Docker host, in one place:
 * bounded json-file logs, a restart policy, and (for the Kodus and probe containers, which need
 * no privileges) the hardening.
 */
import type { ContainerConfig } from "@cdktf/provider-docker/lib/container";

/** Logs rotate at 50 MB, five files kept: a chatty container cannot fill the host's disk. */
export const BOUNDED_LOGS = {
  logDriver: "json-file",
  logOpts: { "max-size": "50m", "max-file": "5" },
} as const satisfies Partial<ContainerConfig>;

/** Services come back after a crash or a host reboot, unless an operator stopped them. */
export const RESTART_UNLESS_STOPPED = "unless-stopped";

/** No privilege escalation (setuid binaries) and no Linux capabilities at all. */
export function hardened(): Pick<ContainerConfig, "securityOpts" | "capabilities"> {
  return { securityOpts: ["no-new-privileges:true"], capabilities: { drop: ["ALL"] } };
}
