/**
 * The state backend of a stack, from the config's `terraform.backend` section, through cdktf's
 * own backend classes. Both stacks call `addStateBackend` with their name (which carries the
 * environment); the stack-specific part of the location comes from `stateLocation`, never from
 * the config file, so two stacks or two environments never share a state.
 */
import {
  AzurermBackend,
  CloudBackend,
  GcsBackend,
  LocalBackend,
  NamedCloudWorkspace,
  PgBackend,
  S3Backend,
  TerraformBackend,
  TerraformRemoteState,
  type DataTerraformRemoteStateConfig,
} from "cdktf";
import type { Construct } from "constructs";
import { stateLocation, type StateBackendSettings } from "../config/state-backend";
import type { DeepReadonly } from "../config/schema";

/** Adds the backend block for stack `stack` (its full name) to `scope`. */
export function addStateBackend(scope: Construct, backend: DeepReadonly<StateBackendSettings>, stack: string): TerraformBackend {
  const where = stateLocation(backend, stack).value;
  switch (backend.type) {
    case "local":
      // A relative path keeps the synthesized JSON identical on every machine.
      return new LocalBackend(scope, { path: where });
    case "s3":
      return s3Backend(scope, backend, where);
    case "gcs":
      return new GcsBackend(scope, {
        bucket: backend.bucket as string,
        prefix: where,
        impersonateServiceAccount: backend.impersonateServiceAccount,
        kmsEncryptionKey: backend.kmsEncryptionKey,
      });
    case "azurerm":
      return new AzurermBackend(scope, {
        storageAccountName: backend.storageAccountName as string,
        containerName: backend.containerName as string,
        key: where,
        resourceGroupName: backend.resourceGroupName,
        subscriptionId: backend.subscriptionId,
        tenantId: backend.tenantId,
        clientId: backend.clientId,
        useAzureadAuth: backend.useAzureadAuth,
        useOidc: backend.useOidc,
        useMsi: backend.useMsi,
      });
    case "kubernetes":
      return new KubernetesBackend(scope, {
        secretSuffix: where,
        namespace: backend.namespace,
        configContext: backend.configContext,
        inClusterConfig: backend.inClusterConfig,
      });
    case "pg":
      // conn_str unset: Terraform reads PG_CONN_STR (or the libpq PG* variables). cdktf types it as required.
      return new PgBackend(scope, {
        connStr: backend.connStr as string,
        schemaName: where,
        skipSchemaCreation: backend.skipSchemaCreation,
        skipTableCreation: backend.skipTableCreation,
        skipIndexCreation: backend.skipIndexCreation,
      });
    case "cloud":
      return new CloudBackend(scope, {
        organization: backend.organization,
        hostname: backend.hostname,
        workspaces: new NamedCloudWorkspace(where, backend.project),
      });
  }
}

/** The S3 backend; with partial: true a setting left out (bucket) comes from terraform init -backend-config. */
function s3Backend(scope: Construct, backend: Extract<DeepReadonly<StateBackendSettings>, { type: "s3" }>, key: string): S3Backend {
  const s3 = new S3Backend(scope, {
    bucket: backend.bucket as string,
    key,
    region: backend.region,
    encrypt: backend.encrypt,
    kmsKeyId: backend.kmsKeyId,
    dynamodbTable: backend.dynamodbTable,
    assumeRole: backend.roleArn === undefined ? undefined : { roleArn: backend.roleArn },
    endpoints: backend.endpoint === undefined ? undefined : { s3: backend.endpoint },
    usePathStyle: backend.usePathStyle,
    skipCredentialsValidation: backend.skipCredentialsValidation,
    skipRegionValidation: backend.skipRegionValidation,
    skipRequestingAccountId: backend.skipRequestingAccountId,
    skipMetadataApiCheck: backend.skipMetadataApiCheck,
    skipS3Checksum: backend.skipS3Checksum,
  });
  // S3 native locking (a .tflock object next to the state, Terraform >= 1.10). cdktf 0.21's
  // S3BackendConfig predates it, so the attribute is written as an override.
  if (backend.useLockfile) s3.addOverride("use_lockfile", true);
  return s3;
}

/** Terraform's `kubernetes` backend: the state in a Secret, locked with a Lease. */
export interface KubernetesBackendConfig {
  /** The Secret is named tfstate-<workspace>-<secretSuffix>. */
  readonly secretSuffix: string;
  /** Terraform's default: KUBE_NAMESPACE, else "default". */
  readonly namespace?: string;
  readonly configContext?: string;
  readonly inClusterConfig?: boolean;
}

/** cdktf 0.21 ships no class for the kubernetes backend; this one follows its own backend classes. */
export class KubernetesBackend extends TerraformBackend {
  constructor(
    scope: Construct,
    private readonly props: KubernetesBackendConfig,
  ) {
    super(scope, "backend", "kubernetes");
  }

  protected synthesizeAttributes(): { [name: string]: unknown } {
    const p = this.props;
    return dropUndefined({
      secret_suffix: p.secretSuffix,
      namespace: p.namespace,
      config_context: p.configContext,
      in_cluster_config: p.inClusterConfig,
    });
  }

  protected synthesizeHclAttributes(): { [name: string]: unknown } {
    return this.synthesizeAttributes();
  }

  getRemoteStateDataSource(scope: Construct, name: string): TerraformRemoteState {
    return new DataTerraformRemoteStateKubernetes(scope, name, { ...this.props, workspace: "${terraform.workspace}" });
  }
}

export class DataTerraformRemoteStateKubernetes extends TerraformRemoteState {
  constructor(scope: Construct, id: string, config: DataTerraformRemoteStateConfig & KubernetesBackendConfig) {
    super(scope, id, "kubernetes", config);
  }
}

function dropUndefined(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}
