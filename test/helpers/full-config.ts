/**
 * Config files with every key set, each to a valid non-default value: FULL_CONFIG (s3 state
 * backend) and one variant per other state backend (a config holds exactly one). Together they
 * set every key the schema knows; test/config/no-secrets.test.ts checks that, so a key added to
 * the schema and not here fails a test instead of escaping the property tests.
 */
import type { ConfigInput } from "../../config/schema";

const resources = (cpu: string, memory: string) => ({ requests: { cpu, memory }, limits: { cpu: "2", memory: "3Gi" } });
const podMetadata = (team: string) => ({
  annotations: { "example.com/owner": team },
  labels: { team },
  scheduling: {
    nodeSelector: { pool: team },
    tolerations: [{ key: "team", operator: "Equal" as const, value: team, effect: "NoSchedule" as const, tolerationSeconds: 30 }],
    affinity: {
      nodeAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [nodeTerm] },
        preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 5, preference: nodeTerm }],
      },
      podAffinity,
      podAntiAffinity: podAffinity,
    },
  },
  env: [
    { name: "TEAM", value: team },
    { name: "CORP_TOKEN", valueFrom: { secretKeyRef: { name: "corp-tokens", key: team, optional: true } } },
  ],
});
const selector = {
  matchLabels: { "app.kubernetes.io/name": "noisy" },
  matchExpressions: [{ key: "tier", operator: "In", values: ["batch"] }],
};
const nodeTerm = {
  matchExpressions: [{ key: "kubernetes.io/arch", operator: "In", values: ["amd64"] }],
  matchFields: [{ key: "metadata.name", operator: "NotIn", values: ["node-a"] }],
};
const affinityTerm = { labelSelector: selector, namespaceSelector: selector, namespaces: ["other"], topologyKey: "kubernetes.io/hostname" };
const podAffinity = {
  requiredDuringSchedulingIgnoredDuringExecution: [affinityTerm],
  preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 10, podAffinityTerm: affinityTerm }],
};

export const FULL_CONFIG = {
  llm: {
    model: "moonshotai/Kimi-K2-Instruct",
    baseUrl: "https://llm.example.com/v1",
    managementUrl: "https://manage.example.com",
    temperature: 0.3,
    maxConcurrentReviews: 12,
    structuredOutput: false,
    keepOpenAIClientsOnChutes: false,
  },
  kodus: {
    version: "2.1.27",
    publicUrl: "https://kodus.example.com",
    webhooksUrl: "https://hooks.example.com",
    workerDrainTimeoutMs: 30_000,
    telemetryDisabled: true,
    proxy: {
      httpProxy: "http://proxy.corp.example:3128",
      httpsProxy: "http://proxy.corp.example:3129",
      noProxy: [".corp.example", "10.0.0.0/8"],
    },
    email: { provider: "smtp", smtp: { host: "smtp.example.com", port: 465, secure: true, user: "kodus", from: "kodus@example.com" } },
    components: { "mcp-manager": { enabled: true }, "worker-analytics": { enabled: true } },
  },
  docker: {
    enabled: true,
    host: "ssh://deploy@docker.example.com",
    bindAddress: "127.0.0.1",
    ports: { api: 4001, web: 4000, webhooks: 4332 },
    rabbitmqMemory: "1536Mi",
    caBundleHostPath: "/etc/ssl/private-ca/ca.pem",
  },
  kubernetes: {
    enabled: true,
    namespace: "kodus-prod",
    createNamespace: false,
    kubeconfig: { path: "/home/ops/.kube/config", context: "prod" },
    replicas: { api: 3, worker: 3, webhooks: 3, web: 3, "mcp-manager": 2, "worker-analytics": 2 },
    resources: {
      api: resources("300m", "800Mi"),
      worker: resources("300m", "600Mi"),
      webhooks: resources("150m", "400Mi"),
      web: resources("150m", "300Mi"),
      "mcp-manager": resources("150m", "300Mi"),
      "worker-analytics": resources("300m", "600Mi"),
    },
    secrets: { mode: "existing", name: "kodus-vault" },
    dataStores: {
      mode: "external",
      postgres: { host: "pg.example.com", port: 6432, username: "kodus_app", database: "kodus", disableSsl: true },
      mongodb: { host: "mongo.example.com", port: 27018, username: "kodus_app", database: "kodus" },
      rabbitmq: { host: "mq.example.com", port: 5671, username: "kodus_app" },
      storageClass: "fast-ssd",
      storageSize: "20Gi",
      resources: { postgres: resources("300m", "1Gi"), mongodb: resources("200m", "1Gi"), rabbitmq: resources("200m", "1Gi") },
    },
    autoscaling: {
      api: {
        enabled: false,
        minReplicas: 2,
        maxReplicas: 5,
        targetCpuPercent: 65,
        scaleDown: { stabilizationWindowSeconds: 0, podsPerPeriod: 3, periodSeconds: 60 },
      },
      worker: {
        enabled: false,
        minReplicas: 2,
        maxReplicas: 5,
        targetCpuPercent: 65,
        scaleDown: { stabilizationWindowSeconds: 1200, podsPerPeriod: 2, periodSeconds: 900 },
      },
    },
    scaleLimits: { api: 8, worker: 8, webhooks: 4, "mcp-manager": 3, "worker-analytics": 2 },
    ingress: {
      enabled: true,
      className: "nginx",
      webHost: "kodus.example.com",
      webhooksHost: "hooks.example.com",
      tlsSecretName: "kodus-tls",
      annotations: { "cert-manager.io/cluster-issuer": "letsencrypt" },
    },
    rolloutTimeoutSeconds: 900,
    scheduling: {
      nodeSelector: { "node-pool": "kodus" },
      tolerations: [{ key: "dedicated", operator: "Equal", value: "kodus", effect: "NoSchedule", tolerationSeconds: 60 }],
      affinity: {
        nodeAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [nodeTerm] },
          preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 20, preference: nodeTerm }],
        },
        podAffinity,
        podAntiAffinity: podAffinity,
      },
      topologySpreadConstraints: [
        {
          maxSkew: 1,
          topologyKey: "topology.kubernetes.io/zone",
          whenUnsatisfiable: "ScheduleAnyway",
          minDomains: 2,
          nodeAffinityPolicy: "Honor",
          nodeTaintsPolicy: "Ignore",
          matchLabelKeys: ["pod-template-hash"],
        },
      ],
      priorityClassName: "kodus-critical",
    },
    images: {
      registry: "registry.example.com:5000/mirror",
      digests: {
        api: `sha256:${"1".repeat(64)}`,
        worker: `sha256:${"2".repeat(64)}`,
        webhooks: `sha256:${"3".repeat(64)}`,
        web: `sha256:${"4".repeat(64)}`,
        "mcp-manager": `sha256:${"5".repeat(64)}`,
        postgres: `sha256:${"6".repeat(64)}`,
        mongodb: `sha256:${"7".repeat(64)}`,
        rabbitmq: `sha256:${"8".repeat(64)}`,
      },
      pullSecrets: ["mirror-credentials"],
    },
    pods: {
      api: podMetadata("api"),
      worker: podMetadata("worker"),
      webhooks: podMetadata("webhooks"),
      web: podMetadata("web"),
      "mcp-manager": podMetadata("mcp"),
      "worker-analytics": podMetadata("analytics"),
    },
    podSecurity: { fixedIds: false },
    caBundle: { configMapName: "corp-ca", key: "bundle.pem" },
    networkPolicy: {
      defaultDeny: true,
      ingressController: { namespace: "ingress-nginx", podLabels: { "app.kubernetes.io/name": "ingress-nginx" } },
      egress: {
        httpsCidrs: ["0.0.0.0/0"],
        dataStoreCidrs: ["10.0.0.0/8", "fd00::/8"],
        dnsNamespace: "kube-dns",
        extra: [{ cidr: "10.30.0.0/16", ports: [3128, 7999] }],
      },
    },
  },
  healthcheck: {
    enabled: true,
    preflight: true,
    periodic: true,
    schedule: "7 */2 * * 1-5",
    timeoutSeconds: 40,
    maxLatencyMs: 15_000,
    budget: { enabled: true, warnPercent: 70, criticalPercent: 90 },
    resources: resources("20m", "96Mi"),
    prometheusRule: { enabled: true, labels: { release: "kube-prometheus-stack" }, staleAfterMinutes: 10_000 },
  },
  environment: "production",
  terraform: {
    backend: {
      s3: {
        bucket: "kodus-state",
        region: "eu-west-1",
        prefix: "teams/kodus",
        useLockfile: true,
        dynamodbTable: "kodus-locks",
        encrypt: true,
        kmsKeyId: "arn:aws:kms:eu-west-1:123456789012:key/abcd-1234",
        roleArn: "arn:aws:iam::123456789012:role/terraform",
        endpoint: "http://minio.example.com:9000",
        allowHttpEndpoint: true,
        usePathStyle: true,
        skipCredentialsValidation: true,
        skipRegionValidation: true,
        skipRequestingAccountId: true,
        skipMetadataApiCheck: true,
        skipS3Checksum: true,
        partial: true,
      },
    },
  },
} satisfies ConfigInput;

/** The other state backends, every key set; each replaces FULL_CONFIG's terraform.backend. */
export const OTHER_BACKENDS = {
  local: {},
  gcs: {
    bucket: "kodus-state",
    prefix: "teams/kodus",
    impersonateServiceAccount: "terraform@my-project.iam.gserviceaccount.com",
    kmsEncryptionKey: "projects/p/locations/eu/keyRings/r/cryptoKeys/k",
    partial: true,
  },
  azurerm: {
    storageAccountName: "kodusstate",
    containerName: "tfstate",
    resourceGroupName: "kodus-rg",
    subscriptionId: "00000000-0000-0000-0000-000000000001",
    tenantId: "00000000-0000-0000-0000-000000000002",
    clientId: "00000000-0000-0000-0000-000000000003",
    useAzureadAuth: true,
    useOidc: true,
    useMsi: false,
    prefix: "teams/kodus",
    partial: true,
  },
  kubernetes: { namespace: "tf-state", configContext: "prod", inClusterConfig: false, prefix: "kodus" },
  pg: {
    connStr: "postgres://terraform@pg.example.com/state",
    prefix: "kodus_state",
    skipSchemaCreation: true,
    skipTableCreation: true,
    skipIndexCreation: true,
  },
  cloud: { organization: "example-org", hostname: "tfe.example.com", project: "kodus", prefix: "kodus" },
} as const;

/** Every full config: FULL_CONFIG, then one per other backend. */
export function fullConfigs(): { readonly name: string; readonly config: Record<string, unknown> }[] {
  return [
    { name: "s3", config: structuredClone(FULL_CONFIG) as unknown as Record<string, unknown> },
    ...Object.entries(OTHER_BACKENDS).map(([type, settings]) => {
      const config = structuredClone(FULL_CONFIG);
      // The extra env entries the other way round, so that each kind is also the first entry somewhere.
      for (const pod of Object.values(config.kubernetes.pods)) (pod.env as unknown[]).reverse();
      return {
        name: type,
        config: { ...config, terraform: { backend: { [type]: structuredClone(settings) } } } as Record<string, unknown>,
      };
    }),
  ];
}
