/**
 * What each configuration key means, for the generated reference (docs/configuration-reference.md,
 * `npm run docs:config`). The zod schema (schema.ts) is the one source of names, types, ranges and
 * defaults; this table adds the words. A key is written once for a family of paths:
 * `{a,b}` stands for either segment (`kubernetes.replicas.{api,worker}`). A test fails when a
 * key of the schema has no description here, or a description matches no key. A description of
 * an object (a free-form map, the Affinity object, the backend) makes it one row.
 */
export const CONFIG_DESCRIPTIONS: Readonly<Record<string, string>> = {
  "llm.model":
    "Chutes model id `org/model`, some ending in `-TEE`; a leading `chutes/` is stripped; `auto` or empty is refused (cloud routing, not Fixed Mode). Sets `API_LLM_PROVIDER_MODEL`.",
  "llm.baseUrl":
    "OpenAI-compatible base URL, https (http only for localhost, 127.0.0.1, [::1]), no credentials, not ending in `/chat/completions`. Sets `API_OPENAI_FORCE_BASE_URL`.",
  "llm.managementUrl": "Chutes' management API, where the checks read the key's budget (no inference cost); validated like `llm.baseUrl`.",
  "llm.structuredOutput":
    "Reviews ask for structured output (`json_schema`): `true` sets `API_TRUST_JSON_SCHEMA_BASE_URLS` to `llm.baseUrl` on the LLM components and makes the preflight require a model whose Chutes listing supports structured output; `false`: neither (docs/configuration.md).",
  "llm.keepOpenAIClientsOnChutes":
    "`true` sets `OPENAI_BASE_URL` to `llm.baseUrl` on every component holding the Chutes key, so OpenAI SDK clients Kodus builds without a base URL (learning-from-feedback embeddings) never send the key to api.openai.com. `false` if organizations use the BYOK OpenAI provider (docs/configuration.md).",
  "llm.temperature":
    "0..2, sets `API_LLM_TEMPERATURE_OVERRIDE`. Kodus reads it only on its LangChain path; the agent review engine self-hosted Kodus uses by default ignores it, as does a BYOK provider.",
  "llm.maxConcurrentReviews":
    "Reviews in flight across all code-review workers (not single LLM requests), at least the worker count: `WORKFLOW_QUEUE_CODE_REVIEW_PREFETCH = floor(this / workers)`. Unset: Kodus' default, 20 per worker.",
  "kodus.version":
    "Image tag of every Kodus image: a release version `major.minor.patch` (optionally `-pre.release`); floating tags are refused.",
  "kodus.publicUrl":
    "Absolute http(s) URL of the web UI (`NEXTAUTH_URL`, `API_FRONTEND_URL`, `API_USER_INVITE_BASE_URL`). Unset: the Ingress web host on Kubernetes, else `http://localhost:3000`; localhost is refused with an Ingress.",
  "kodus.webhooksUrl":
    "Absolute http(s) URL git providers call; `/github/webhook`, `/gitlab/webhook`, `/bitbucket/webhook`, `/azure-repos/webhook`, `/forgejo/webhook` are appended. Unset: the Ingress webhooks host, else `http://localhost:3332`.",
  "kodus.workerDrainTimeoutMs":
    "How long the worker drains in-flight reviews on shutdown; the Kubernetes grace period and the Docker stop timeout are this + 15 s.",
  "kodus.telemetryDisabled": "`true` sets `KODUS_TELEMETRY_DISABLED=true`: no daily anonymous heartbeat from the worker to Kodus.",
  "kodus.proxy":
    "Corporate HTTP(S) proxy of every Kodus container: `{ httpProxy, httpsProxy, noProxy }` become HTTP_PROXY, HTTPS_PROXY and NO_PROXY, also in lower case. URLs without credentials; `noProxy` lists hosts, domains (`.corp.example`), IPs or CIDRs, and localhost, 127.0.0.1 and the deployment's own hosts are always added. Not the Chutes probe (Node's fetch ignores these variables).",
  "kodus.email.provider":
    "Notification e-mail: `resend` or `smtp`. Unset: Kodus' default (Resend). The Resend key and the SMTP password are secret inputs (`resend_api_key`, `smtp_password`); invitations and password resets always go through Resend.",
  "kodus.email.smtp.{host,port,secure,user,from}":
    "SMTP server for `kodus.email.provider: smtp` (`host` required; port 587 and secure `false` by default; `from` an e-mail address).",
  "kodus.components.mcp-manager.enabled":
    "Kodus' MCP manager (the web's MCP pages, MCP tools in reviews), as the official installer runs it. `false` removes it, every MCP setting and its secret input.",
  "kodus.components.worker-analytics.enabled":
    "The worker image again with `WORKER_ROLE=analytics` (Cockpit ingestion and reports, a pull-request classifier that calls the LLM every 30 minutes: it spends Chutes quota). Off as in the official compose file.",
  "docker.enabled": "Synthesize the Docker stack.",
  "docker.host": "`unix://`, `tcp://` or `ssh://` Docker host (no password). Unset: `DOCKER_HOST`, else the local socket.",
  "docker.bindAddress": "Host IP the published ports listen on.",
  "docker.ports.{api,web,webhooks}": "Published host port (1..65535, all different). Data stores are never published.",
  "docker.caBundleHostPath":
    "A private CA's PEM bundle (a self-hosted GitLab or Bitbucket) as an absolute path on the Docker host, bind-mounted read-only into every Kodus container at `/etc/kodus-ca/ca.crt` with NODE_EXTRA_CA_CERTS pointing at it.",
  "docker.rabbitmqMemory":
    "Memory limit of the RabbitMQ container (whole `Mi`/`Gi`, at least 256Mi), also the memory RabbitMQ plans its alarms with.",
  "kubernetes.enabled": "Synthesize the Kubernetes stack.",
  "kubernetes.namespace": "Namespace of every object (a DNS-1123 label).",
  "kubernetes.createNamespace": "`false` uses an existing namespace (which should enforce the `restricted` Pod Security Standard).",
  "kubernetes.kubeconfig.{path,context}":
    "Kubeconfig file and context of the provider. Unset: the provider's `KUBE_CONFIG_PATH` / `KUBE_CTX` environment variables.",
  "kubernetes.replicas.{api,worker,webhooks,web,mcp-manager,worker-analytics}":
    "Pods per component (1..50). Not allowed together with an enabled HPA for the same component.",
  "kubernetes.resources.{api,worker,webhooks,web,mcp-manager,worker-analytics}.{requests,limits}.{cpu,memory}":
    "Kubernetes quantity; a request above its limit is refused. Defaults: the official Kodus chart's.",
  "kubernetes.secrets.mode":
    "`terraform`: a write-only Secret from sensitive variables (no value in plan or state); `existing`: a Secret you manage, with the keys listed in docs/kubernetes.md.",
  "kubernetes.secrets.name": "The Kodus Secret's name.",
  "kubernetes.dataStores.mode": "`external` (your PostgreSQL, MongoDB, RabbitMQ) or `bundled` (StatefulSets, for evaluation clusters).",
  "kubernetes.dataStores.{postgres,mongodb,rabbitmq}.host":
    "External store's host. Unset in external mode: the Terraform variable `postgres_host` / `mongodb_host` / `rabbitmq_host` is required at deploy.",
  "kubernetes.dataStores.{postgres,mongodb,rabbitmq}.port": "External store's port.",
  "kubernetes.dataStores.{postgres,mongodb,rabbitmq}.username": "External store's user (its password is a sensitive variable).",
  "kubernetes.dataStores.{postgres,mongodb}.database": "Database Kodus uses. MongoDB's user authenticates against `admin`.",
  "kubernetes.dataStores.postgres.disableSsl": "`true` connects to an external PostgreSQL without TLS (bundled mode turns TLS off itself).",
  "kubernetes.dataStores.storageClass": "StorageClass of the bundled stores' volumes. Unset: the cluster default.",
  "kubernetes.dataStores.storageSize": "Size of each bundled store's volume.",
  "kubernetes.dataStores.resources.{postgres,mongodb,rabbitmq}.{requests,limits}.{cpu,memory}":
    "Bundled store's requests and limits (the official Kodus chart's defaults); RabbitMQ plans its alarms with its memory limit.",
  "kubernetes.autoscaling.{api,worker}.enabled": "A HorizontalPodAutoscaler owns the replica count (Terraform leaves it alone).",
  "kubernetes.autoscaling.{api,worker}.{minReplicas,maxReplicas}":
    "HPA range (min <= max); the maximum counts for PostgreSQL connections and review concurrency.",
  "kubernetes.autoscaling.{api,worker}.scaleDown.{stabilizationWindowSeconds,podsPerPeriod,periodSeconds}":
    "HPA scale-down: after `stabilizationWindowSeconds` (0..3600) of lower load, at most `podsPerPeriod` pods per `periodSeconds` (1..1800). Default for the worker 900/1/600 (a stopped worker's in-flight review is delivered again); the API keeps Kubernetes' default unless set (docs/kubernetes.md#disruption-budgets).",
  "kubernetes.autoscaling.{api,worker}.targetCpuPercent": "Average CPU utilization the HPA aims for.",
  "kubernetes.scaleLimits.{api,worker,webhooks,mcp-manager,worker-analytics}":
    "The most pods of each component that uses PostgreSQL; `max_connections` is sized from these (docs/what-gets-deployed.md), so replicas and HPA maxima, which may not exceed them, scale without restarting PostgreSQL. An optional component switched off is not counted.",
  "kubernetes.ingress.enabled": "An Ingress for the web and webhooks hosts (both required when enabled).",
  "kubernetes.ingress.className": "IngressClass name. Unset: the cluster default.",
  "kubernetes.ingress.{webHost,webhooksHost}": "Host names of the web UI and of the webhooks endpoint.",
  "kubernetes.ingress.tlsSecretName": "TLS Secret for both hosts; with it the default public URLs are `https://`.",
  "kubernetes.ingress.annotations": "Extra Ingress annotations (string values; a Chutes key is refused anywhere).",
  "kubernetes.rolloutTimeoutSeconds": "A Deployment not progressing for this long fails the deploy (progress deadline).",
  "kubernetes.scheduling.nodeSelector": "Node labels every pod must match (Kodus, migration, checks, bundled stores).",
  "kubernetes.scheduling.tolerations": "Kubernetes tolerations for every pod.",
  "kubernetes.scheduling.affinity": "The Kubernetes Affinity object for every pod (unknown keys refused).",
  "kubernetes.scheduling.topologySpreadConstraints":
    "Replaces the default spread of each Deployment (over nodes, `ScheduleAnyway`); each component's selector is filled in, so no `labelSelector`.",
  "kubernetes.scheduling.priorityClassName": "PriorityClass of every pod.",
  "kubernetes.podSecurity.fixedIds":
    "`false` leaves runAsUser, runAsGroup and fsGroup unset on every pod so the platform assigns them (OpenShift's restricted SCC rejects the fixed 1000/999); runAsNonRoot, seccomp and the container hardening stay (docs/kubernetes.md#openshift).",
  "kubernetes.images.registry":
    "Mirror for every image: `ghcr.io/kodustech/x` becomes `<registry>/kodustech/x`, `mongo:8` becomes `<registry>/library/mongo:8`.",
  "kubernetes.images.digests.{postgres,mongodb,rabbitmq}":
    "`sha256:<64 hex>` pins that bundled data store's image (`repo:tag@digest`, its init containers included); the tag stays for readers and for the major-version guard.",
  "kubernetes.images.digests.{api,worker,webhooks,web,mcp-manager}":
    "`sha256:<64 hex>` pins that image (`repo:tag@digest`); `worker` pins the analytics worker too (same image).",
  "kubernetes.images.pullSecrets": "Names of image pull Secrets in the namespace.",
  "kubernetes.pods.{api,worker,webhooks,web,mcp-manager,worker-analytics}.{labels,annotations}":
    "Extra pod labels/annotations per component (selector labels cannot be overridden; a Chutes key is refused anywhere).",
  "kubernetes.pods.{api,worker,webhooks,web,mcp-manager,worker-analytics}.scheduling.{nodeSelector,tolerations,affinity}":
    "Per component: each field set replaces `kubernetes.scheduling`'s for that component's pods (not merged); stores, Jobs and checks keep the global block.",
  "kubernetes.pods.{api,worker,webhooks,web,mcp-manager,worker-analytics}.env":
    "Extra container env after Kodus' own: `{ name, value }` (plain) or `{ name, valueFrom: { secretKeyRef: { name, key, optional } } }` (a Secret you manage). A name this deployment sets is refused; so is a Chutes key anywhere (docs/kubernetes.md#extra-environment).",
  "kubernetes.caBundle":
    "A private CA (a self-hosted GitLab or Bitbucket): `{ configMapName, key }` (key default `ca.crt`) of an existing ConfigMap holding a PEM bundle, mounted read-only into every Kodus container at `/etc/kodus-ca/ca.crt`; NODE_EXTRA_CA_CERTS points at it.",
  "kubernetes.networkPolicy.defaultDeny":
    "Deny all ingress and egress of every pod, then allow DNS, the deployment's own pods, HTTPS to `egress.httpsCidrs` and external stores' ports to `egress.dataStoreCidrs`.",
  "kubernetes.networkPolicy.ingressController.namespace":
    "Admit only your ingress controller (in this namespace) to web and webhooks. Unset: open to anyone on their port.",
  "kubernetes.networkPolicy.ingressController.podLabels": "Labels of the ingress controller's pods (needs `namespace`).",
  "kubernetes.networkPolicy.egress.httpsCidrs": "Where HTTPS may go with `defaultDeny` (Chutes, git providers).",
  "kubernetes.networkPolicy.egress.dataStoreCidrs": "Where the external stores' ports may go with `defaultDeny`.",
  "kubernetes.networkPolicy.egress.dnsNamespace": "Namespace of the cluster DNS, allowed with `defaultDeny`.",
  "kubernetes.networkPolicy.egress.extra":
    "More egress with `defaultDeny`: `{ cidr, ports }` rules (TCP), e.g. a git server or proxy on other ports than 443.",
  "healthcheck.enabled": "Master switch of the preflight and the periodic check.",
  "healthcheck.preflight":
    "The Chutes preflight gating every deploy. `false` for one deploy during a Chutes outage; the periodic check keeps running.",
  "healthcheck.periodic": "The periodic Chutes check (CronJob / Docker monitor).",
  "healthcheck.schedule": "5-field cron (UTC) of the periodic check.",
  "healthcheck.timeoutSeconds": "Hard timeout of one probe run.",
  "healthcheck.maxLatencyMs": "A slower successful answer is `slow` in the periodic check.",
  "healthcheck.budget.enabled": "The checks also read the key's Chutes budget (no completion spent).",
  "healthcheck.budget.{warnPercent,criticalPercent}":
    "A cap used to at least this share is `budget_warning` / `budget_critical` (warn <= critical).",
  "healthcheck.resources.{requests,limits}.{cpu,memory}":
    "Requests and limits of each check container (the preflight Job, the CronJob's probe and budget containers). Kubernetes stack and chart; a request above its limit is refused.",
  "healthcheck.prometheusRule.enabled": "A PrometheusRule (Prometheus Operator CRD) with the check's alerts.",
  "healthcheck.prometheusRule.labels": "Labels for your Prometheus ruleSelector.",
  "healthcheck.prometheusRule.staleAfterMinutes":
    "KodusChutesCheckStale fires when the periodic check's last success is older than this. Unset: 3 x the longest gap between two runs of `healthcheck.schedule` (docs/health-checks.md). Must exceed that gap.",
  environment:
    "1-20 lowercase letters, digits or `-`: stacks, their state and their output folder become `<stack>-<environment>` (docs/state-and-environments.md).",
  "terraform.backend":
    "Exactly one of `local` (default), `s3`, `gcs`, `azurerm`, `kubernetes`, `pg`, `cloud`, with that backend's settings (docs/state-and-environments.md); never credentials.",
};
