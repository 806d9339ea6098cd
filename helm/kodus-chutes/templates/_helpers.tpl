{{/*
Shared definitions. What Kodus needs of each component (image, port, health paths, budgets,
Service, writable paths, peers, and the names of its secret and plain variables) is read from
files/contract.json, generated from contract/ (kodus.contract); the chart computes only the
values, from .Values. test/helm/parity.test.ts renders the chart and synthesizes the cdktf
Kubernetes stack from the same settings and requires the values to agree.
*/}}

{{/*
The Kodus contract: files/contract.json, generated from contract/components.ts and
contract/kodus-env.ts by `npm run chart:contract` (a test fails when it is stale). Never edit it
by hand. Arg: root. Output: JSON (pipe it to fromJson; numbers come back as float64).
*/}}
{{- define "kodus.contract" -}}
{{- $json := .Files.Get "files/contract.json" -}}
{{- if not $json -}}
{{- fail "files/contract.json is missing from the chart: run npm run chart:contract" -}}
{{- end -}}
{{- $json -}}
{{- end -}}

{{/*
The components this release deploys, in contract order: every required one, and each optional
one (contract "optional") that kodus.components.<name>.enabled turns on. Arg: root. Output:
YAML list (pipe it to fromYamlArray).
*/}}
{{- define "kodus.components" -}}
{{- $contract := include "kodus.contract" . | fromJson -}}
{{- $on := list -}}
{{- range $c := $contract.order -}}
{{- if or (not (index $contract.components $c).optional) (index $.Values.kodus.components $c).enabled -}}
{{- $on = append $on $c -}}
{{- end -}}
{{- end -}}
{{- toYaml $on -}}
{{- end -}}

{{/* The deployed components that connect to one data store (contract dataStores). Args: root, store. Output: YAML list. */}}
{{- define "kodus.storeClients" -}}
{{- $out := list -}}
{{- $store := .store -}}
{{- $root := .root -}}
{{- range $c := include "kodus.components" $root | fromYamlArray -}}
{{- if has $store (include "kodus.component" (dict "root" $root "component" $c) | fromJson).dataStores -}}
{{- $out = append $out $c -}}
{{- end -}}
{{- end -}}
{{- toYaml $out -}}
{{- end -}}

{{/* One component's row of the contract. Args: root, component. Output: JSON (pipe it to fromJson). */}}
{{- define "kodus.component" -}}
{{- $components := (include "kodus.contract" .root | fromJson).components -}}
{{- if not (hasKey $components .component) -}}
{{- fail (printf "files/contract.json has no component %q: run npm run chart:contract" .component) -}}
{{- end -}}
{{- index $components .component | toJson -}}
{{- end -}}

{{/*
Seconds a component may take to stop (terminationGracePeriodSeconds), from its contract
stopBudget: fixed seconds, or the worker's drain (kodus.workerDrainTimeoutMs rounded up to
seconds) plus a margin. Args: root, component.
*/}}
{{- define "kodus.stopSeconds" -}}
{{- $budget := (include "kodus.component" . | fromJson).stopBudget -}}
{{- if eq $budget.kind "fixed" -}}
{{- $budget.seconds | int64 -}}
{{- else if eq $budget.kind "drain" -}}
{{- add (div (add (.root.Values.kodus.workerDrainTimeoutMs | int64) 999) 1000) ($budget.marginSeconds | int64) -}}
{{- else -}}
{{- fail (printf "files/contract.json: stopBudget kind %q of %s is not one the chart knows (fixed, drain)" $budget.kind .component) -}}
{{- end -}}
{{- end -}}

{{/* Object name prefix: the release name, short enough for every suffix (CronJob names: 52 chars). */}}
{{- define "kodus.prefix" -}}
{{- .Values.fullnameOverride | default .Release.Name | trunc 32 | trimSuffix "-" -}}
{{- end -}}

{{/* app.kubernetes.io/name of every object: nameOverride, else "kodus" (it is in the selectors: set it at install only). */}}
{{- define "kodus.name" -}}
{{- .Values.nameOverride | default "kodus" -}}
{{- end -}}

{{/* The labels that select one component's pods. Args: root, component. */}}
{{- define "kodus.selectorLabels" -}}
app.kubernetes.io/name: {{ include "kodus.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name | quote }}
app.kubernetes.io/component: {{ .component | quote }}
{{- end -}}

{{/* All recommended labels of one component (pod templates too). Args: root, component. */}}
{{- define "kodus.labels" -}}
{{ include "kodus.selectorLabels" . }}
app.kubernetes.io/part-of: kodus
app.kubernetes.io/version: {{ regexReplaceAll "[-_.]+$" (.version | default .root.Values.kodus.version | trunc 63) "" | quote }}
app.kubernetes.io/managed-by: {{ .root.Release.Service | quote }}
{{- end -}}

{{/* Object metadata labels: the recommended ones plus the chart (not on pod templates: a chart bump must not roll pods). */}}
{{- define "kodus.metaLabels" -}}
{{ include "kodus.labels" . }}
helm.sh/chart: {{ printf "%s-%s" .root.Chart.Name .root.Chart.Version | replace "+" "_" | quote }}
{{- end -}}

{{- define "kodus.serviceAccountName" -}}
{{- include "kodus.prefix" . -}}
{{- end -}}

{{/* The Secret every Kodus pod reads (chart mode: rendered by this chart; existing mode: yours). */}}
{{- define "kodus.secretName" -}}
{{- if eq .Values.secrets.mode "existing" -}}
{{- required "secrets.name is required when secrets.mode is existing" .Values.secrets.name -}}
{{- else -}}
{{- .Values.secrets.name | default (printf "%s-secrets" (include "kodus.prefix" .)) -}}
{{- end -}}
{{- end -}}

{{/* The model id without a leading "chutes/" (some clients write it). */}}
{{- define "kodus.model" -}}
{{- .Values.llm.model | trim | trimPrefix "chutes/" -}}
{{- end -}}

{{/* A URL without trailing slashes (the config loader strips them too). Arg: the URL. */}}
{{- define "kodus.url" -}}
{{- regexReplaceAll "/+$" (trim .) "" -}}
{{- end -}}

{{/*
Public URLs (contract kodusUrls): kodus.publicUrl / kodus.webhooksUrl when set; with an Ingress,
its hosts (https when it has a TLS secret); else the contract's defaultUrls (localhost).
*/}}
{{- define "kodus.publicUrl" -}}
{{- $i := .Values.ingress -}}
{{- if .Values.kodus.publicUrl -}}{{ include "kodus.url" .Values.kodus.publicUrl }}
{{- else if $i.enabled -}}{{ printf "%s://%s" (ternary "https" "http" (not (empty $i.tlsSecretName))) $i.webHost }}
{{- else -}}{{ (include "kodus.contract" . | fromJson).defaultUrls.publicUrl }}{{- end -}}
{{- end -}}
{{- define "kodus.webhooksUrl" -}}
{{- $i := .Values.ingress -}}
{{- if .Values.kodus.webhooksUrl -}}{{ include "kodus.url" .Values.kodus.webhooksUrl }}
{{- else if $i.enabled -}}{{ printf "%s://%s" (ternary "https" "http" (not (empty $i.tlsSecretName))) $i.webhooksHost }}
{{- else -}}{{ (include "kodus.contract" . | fromJson).defaultUrls.webhooksUrl }}{{- end -}}
{{- end -}}

{{/*
Bytes in a Kubernetes memory quantity, rounded down (contract quantityBytes). Arg: the quantity.
*/}}
{{/* A Kubernetes quantity as a number (cores or bytes), for comparisons (config/schema.ts quantityValue). Arg: the quantity. */}}
{{- define "kodus.quantity" -}}
{{- $q := toString . -}}
{{- $num := regexFind "^[0-9]+(\\.[0-9]+)?" $q -}}
{{- $mult := get (dict "" 1.0 "m" 0.001 "k" 1e3 "M" 1e6 "G" 1e9 "T" 1e12 "Ki" 1024.0 "Mi" 1048576.0 "Gi" 1073741824.0 "Ti" 1099511627776.0) (trimPrefix $num $q) -}}
{{- mulf (float64 $num) $mult -}}
{{- end -}}

{{- define "kodus.quantityBytes" -}}
{{- $q := toString . -}}
{{- $num := regexFind "^[0-9]+(\\.[0-9]+)?" $q -}}
{{- $unit := trimPrefix $num $q -}}
{{- $mult := get (dict "" 1.0 "m" 0.001 "k" 1e3 "M" 1e6 "G" 1e9 "T" 1e12 "Ki" 1024.0 "Mi" 1048576.0 "Gi" 1073741824.0 "Ti" 1099511627776.0) $unit -}}
{{- mulf (float64 $num) $mult | floor | int64 -}}
{{- end -}}

{{/*
PostgreSQL max_connections Kodus needs (contract postgresMaxConnections, its numbers read from
files/contract.json): connections per pod of each deployed component (an optional one switched
off counts for nothing) at scaleLimits pods (never the current replicas or HPA maxima, which may
not exceed them: scaling never restarts PostgreSQL), one API pool for the migration Job,
headroom, at least PostgreSQL's default.
*/}}
{{- define "kodus.postgresMaxConnections" -}}
{{- $pg := (include "kodus.contract" . | fromJson).postgres -}}
{{- $deployed := include "kodus.components" . | fromYamlArray -}}
{{- $total := add ($pg.migratorConnections | int64) ($pg.headroom | int64) -}}
{{- range $c, $perPod := $pg.connectionsPerPod -}}
{{- $limit := index $.Values.scaleLimits $c -}}
{{- if not $limit -}}{{- fail (printf "files/contract.json: component %s opens PostgreSQL connections but the chart has no scaleLimits.%s" $c $c) -}}{{- end -}}
{{- if has $c $deployed -}}
{{- $total = add $total (mul ($perPod | int64) ($limit | int64)) -}}
{{- end -}}
{{- end -}}
{{- max $total ($pg.minimum | int64) -}}
{{- end -}}

{{/* The sum above spelled out for people: "api 30 x 6 pods, worker 12 x 6 pods, ..." (deployed components, contract order). */}}
{{- define "kodus.postgresPools" -}}
{{- $contract := include "kodus.contract" . | fromJson -}}
{{- $out := list -}}
{{- range $c := include "kodus.components" . | fromYamlArray -}}
{{- with index $contract.postgres.connectionsPerPod $c -}}
{{- $out = append $out (printf "%s %d x %d pods" $c (. | int64) (index $.Values.scaleLimits $c | int64)) -}}
{{- end -}}
{{- end -}}
{{- join ", " $out -}}
{{- end -}}

{{/* A Kodus image: the contract's repository, tag kodus.version, registry mirror and digest applied. Args: root, component. */}}
{{- define "kodus.image" -}}
{{- $spec := include "kodus.component" . | fromJson -}}
{{- $ref := include "kodus.mirrored" (dict "root" .root "image" (printf "%s:%s" $spec.image .root.Values.kodus.version)) -}}
{{- /* A digest pins the image; the tag stays for people reading the manifest (the runtime ignores it). */ -}}
{{- with (index .root.Values.images.digests $spec.digestKey) -}}
{{- $ref = printf "%s@%s" $ref . -}}
{{- end -}}
{{- $ref -}}
{{- end -}}

{{/* A bundled store's image: mirrored, and pinned by images.digests.<store> when set (constructs/kubernetes/images.ts). Args: root, store (its dict: key, image). */}}
{{- define "kodus.storeImage" -}}
{{- $ref := include "kodus.mirrored" (dict "root" .root "image" .store.image) -}}
{{- with (index .root.Values.images.digests .store.key) -}}
{{- $ref = printf "%s@%s" $ref . -}}
{{- end -}}
{{- $ref -}}
{{- end -}}

{{/* Data-store endpoint. Args: root, store (postgres | mongodb | rabbitmq). Output: YAML {host, port}. */}}
{{- define "kodus.store" -}}
{{- $stores := .root.Values.dataStores -}}
{{- if eq $stores.mode "bundled" -}}
host: {{ printf "%s-%s" (include "kodus.prefix" .root) .store | quote }}
port: {{ (index (include "kodus.contract" .root | fromJson).bundledStores .store).port | int64 }}
{{- else -}}
host: {{ required (printf "dataStores.%s.host is required when dataStores.mode is external" .store) (index $stores .store).host | quote }}
port: {{ (index $stores .store).port | int64 }}
{{- end -}}
{{- end -}}

{{/* The code-review workers at most (autoscaling max when the worker autoscales). */}}
{{- define "kodus.maxWorkers" -}}
{{- if .Values.autoscaling.worker.enabled -}}{{ .Values.autoscaling.worker.maxReplicas | int64 }}{{- else -}}{{ .Values.replicas.worker | int64 }}{{- end -}}
{{- end -}}

{{/*
The value of every plain variable the chart computes (contract/kodus-env.ts computes the same
from the stack's config; constants come from files/contract.json, env.constants), as JSON
{name: "value"}, whichever component gets it: the contract
(files/contract.json) decides that. The optional ones (contract env.optionalPlain) are left out
when their setting is unset. Arg: root.
*/}}
{{- define "kodus.plainValues" -}}
{{- $root := . -}}
{{- $v := $root.Values -}}
{{- $contract := include "kodus.contract" $root | fromJson -}}
{{- $components := $contract.components -}}
{{- $pg := include "kodus.store" (dict "root" $root "store" "postgres") | fromYaml -}}
{{- $mg := include "kodus.store" (dict "root" $root "store" "mongodb") | fromYaml -}}
{{- $publicUrl := include "kodus.publicUrl" $root -}}
{{- $webhooksUrl := include "kodus.webhooksUrl" $root -}}
{{- $env := dict -}}
{{- /* Fixed Mode: one global provider (Chutes) */ -}}
{{- $_ := set $env "API_LLM_PROVIDER_MODEL" (include "kodus.model" $root) -}}
{{- $_ := set $env "API_OPENAI_FORCE_BASE_URL" (include "kodus.url" $v.llm.baseUrl) -}}
{{- /* OpenAI SDK clients Kodus builds without a base URL (learning-from-feedback embeddings) stay on Chutes. */ -}}
{{- if ne (toString $v.llm.keepOpenAIClientsOnChutes) "false" -}}
  {{- $_ := set $env "OPENAI_BASE_URL" (include "kodus.url" $v.llm.baseUrl) -}}
{{- end -}}
{{- /* Base URLs Kodus trusts with json_schema structured output (comma-separated substrings). */ -}}
{{- if ne (toString $v.llm.structuredOutput) "false" -}}
  {{- $_ := set $env "API_TRUST_JSON_SCHEMA_BASE_URLS" (include "kodus.url" $v.llm.baseUrl) -}}
{{- end -}}
{{- /* Read only on Kodus' LangChain path: not by the default agent review engine, not with BYOK. */ -}}
{{- if hasKey $v.llm "temperature" -}}
  {{- $_ := set $env "API_LLM_TEMPERATURE_OVERRIDE" (toString $v.llm.temperature) -}}
{{- end -}}
{{- if hasKey $v.llm "maxConcurrentReviews" -}}
  {{- /* Reviews per worker, so that all workers together never hold more than maxConcurrentReviews. */ -}}
  {{- $workers := include "kodus.maxWorkers" $root | int64 -}}
  {{- $_ := set $env "WORKFLOW_QUEUE_CODE_REVIEW_PREFETCH" (toString (max 1 (div ($v.llm.maxConcurrentReviews | int64) $workers))) -}}
{{- end -}}
{{- /* Runtime. Values that never depend on the settings (NODE_ENV, API_HOST, RUN_MIGRATIONS ...,
       WORKER_ROLE) are the contract's env.constants, merged in by kodus.plainEnv; the ports
       are computed from the components' rows so that an edited row moves them too. */ -}}
{{- $_ := set $env "API_PORT" (toString ($components.api.port | int64)) -}}
{{- $_ := set $env "API_WEBHOOKS_PORT" (toString ($components.webhooks.port | int64)) -}}
{{- $_ := set $env "API_WORKER_DRAIN_TIMEOUT_MS" (toString ($v.kodus.workerDrainTimeoutMs | int64)) -}}
{{- $_ := set $env "API_FRONTEND_URL" $publicUrl -}}
{{- /* Links in PR comments and e-mails; unset, they point at Kodus' cloud app. */ -}}
{{- $_ := set $env "API_USER_INVITE_BASE_URL" $publicUrl -}}
{{- $_ := set $env "KODUS_TELEMETRY_DISABLED" (toString $v.kodus.telemetryDisabled) -}}
{{- /* Each git provider's webhook URL: the webhooks URL and the provider's path (contract webhookPaths). */ -}}
{{- range $name, $path := $contract.webhookPaths -}}
{{- $_ := set $env $name (printf "%s%s" $webhooksUrl $path) -}}
{{- end -}}
{{- /* Data stores */ -}}
{{- $_ := set $env "API_PG_DB_HOST" $pg.host -}}
{{- $_ := set $env "API_PG_DB_PORT" (toString $pg.port) -}}
{{- $_ := set $env "API_PG_DB_USERNAME" $v.dataStores.postgres.username -}}
{{- $_ := set $env "API_PG_DB_DATABASE" $v.dataStores.postgres.database -}}
{{- $_ := set $env "API_DATABASE_DISABLE_SSL" (toString (or (eq $v.dataStores.mode "bundled") $v.dataStores.postgres.disableSsl)) -}}
{{- $_ := set $env "API_MG_DB_HOST" $mg.host -}}
{{- $_ := set $env "API_MG_DB_PORT" (toString $mg.port) -}}
{{- $_ := set $env "API_MG_DB_USERNAME" $v.dataStores.mongodb.username -}}
{{- $_ := set $env "API_MG_DB_DATABASE" $v.dataStores.mongodb.database -}}
{{- /* E-mail of notifications (kodus.email); invitations and password resets use Resend (RESEND_API_KEY). */ -}}
{{- with $v.kodus.email -}}
  {{- $_ := set $env "API_NOTIFICATION_EMAIL_PROVIDER" .provider -}}
  {{- with .smtp -}}
    {{- $_ := set $env "API_SMTP_HOST" .host -}}
    {{- $_ := set $env "API_SMTP_PORT" (toString ((.port | default 587) | int64)) -}}
    {{- $_ := set $env "API_SMTP_SECURE" (toString (.secure | default false)) -}}
    {{- with .user }}{{ $_ := set $env "API_SMTP_USER" . }}{{ end -}}
    {{- with .from }}{{ $_ := set $env "API_SMTP_FROM" . }}{{ end -}}
  {{- end -}}
{{- end -}}
{{- /* MCP: set only while the MCP manager is on (contract/kodus-env.ts, as the official chart). */ -}}
{{- if (index $v.kodus.components "mcp-manager").enabled -}}
  {{- $mcpHost := printf "%s-mcp-manager" (include "kodus.prefix" $root) -}}
  {{- $mcpPort := (index $components "mcp-manager").port | int64 -}}
  {{- $_ := set $env "API_MCP_SERVER_ENABLED" "true" -}}
  {{- $_ := set $env "API_KODUS_SERVICE_MCP_MANAGER" (printf "http://%s:%v" $mcpHost $mcpPort) -}}
  {{- $_ := set $env "API_KODUS_MCP_SERVER_URL" (printf "http://%s-api:%v%s" (include "kodus.prefix" $root) ($components.api.port | int64) $contract.mcpPaths.server) -}}
  {{- $_ := set $env "WEB_HOSTNAME_MCP_MANAGER" $mcpHost -}}
  {{- $_ := set $env "WEB_PORT_MCP_MANAGER" (toString $mcpPort) -}}
{{- end -}}
{{- $_ := set $env "API_MCP_MANAGER_REDIRECT_URI" (printf "%s%s" $publicUrl $contract.mcpPaths.oauthRedirect) -}}
{{- $u := urlParse $publicUrl -}}
{{- $_ := set $env "API_MCP_MANAGER_CORS_ORIGINS" (printf "%s://%s" $u.scheme $u.host) -}}
{{- /* Web */ -}}
{{- $_ := set $env "WEB_HOSTNAME_API" (printf "%s-api" (include "kodus.prefix" $root)) -}}
{{- $_ := set $env "WEB_PORT_API" (toString ($components.api.port | int64)) -}}
{{- $_ := set $env "NEXTAUTH_URL" $publicUrl -}}
{{- toJson $env -}}
{{- end -}}

{{/*
Plain environment of one component, as YAML (name: "value"): exactly the plain variables the
contract (files/contract.json) gives it, valued by kodus.plainValues. A variable the contract
names and the chart has no value for fails the render. Args: root, component.
*/}}
{{- define "kodus.plainEnv" -}}
{{- $spec := include "kodus.component" . | fromJson -}}
{{- /* The contract's constants fill in what the chart does not compute (a computed value wins: it may derive from another row, e.g. a port). */ -}}
{{- $values := merge (include "kodus.plainValues" .root | fromJson) ($spec.env.constants | default dict) -}}
{{- $optional := $spec.env.optionalPlain | default list -}}
{{- $env := dict -}}
{{- range $name := $spec.env.plain -}}
{{- if hasKey $values $name -}}
{{- $_ := set $env $name (index $values $name) -}}
{{- else if not (has $name $optional) -}}
{{- fail (printf "files/contract.json gives %s the plain variable %s, but the chart computes no value for it: add it to kodus.plainValues in templates/_helpers.tpl (or mark it unsetWhenOff in contract/kodus-env.ts if it is unset by design)" $.component $name) -}}
{{- end -}}
{{- end -}}
{{- toYaml $env -}}
{{- end -}}

{{/* Names of the secret variables one component reads, in contract order (files/contract.json). Args: root, component. */}}
{{- define "kodus.secretEnvNames" -}}
{{- (include "kodus.component" . | fromJson).env.secret | toYaml -}}
{{- end -}}

{{/* The Kodus Secret's key a secret input fills (its first; files/contract.json secrets.inputs). Args: root, input. */}}
{{- define "kodus.secretKeyOf" -}}
{{- range (include "kodus.contract" .root | fromJson).secrets.inputs -}}
{{- if eq .variable $.input }}{{ first .env }}{{ end -}}
{{- end -}}
{{- end -}}

{{/*
The Kodus Secret's key holding a data store's password (files/contract.json
secrets.storePasswordKeys): PostgreSQL's and MongoDB's are Kodus' own password variables; the
RabbitMQ password reaches Kodus only inside the URI, so the bundled broker has a key of its own.
Args: root, store.
*/}}
{{- define "kodus.storePasswordKey" -}}
{{- index (include "kodus.contract" .root | fromJson).secrets.storePasswordKeys .store -}}
{{- end -}}

{{/* env entries reading each secret variable from the same key of the Kodus Secret. Args: root, component. */}}
{{- define "kodus.secretEnv" -}}
{{- $secret := include "kodus.secretName" .root -}}
{{- $optional := (include "kodus.component" . | fromJson).env.optionalSecret | default list -}}
{{- $env := list -}}
{{- range (include "kodus.secretEnvNames" . | fromYamlArray) -}}
{{- $ref := dict "name" $secret "key" . -}}
{{- if has . $optional }}{{ $_ := set $ref "optional" true }}{{ end -}}
{{- $env = append $env (dict "name" . "valueFrom" (dict "secretKeyRef" $ref)) -}}
{{- end -}}
{{- toYaml $env -}}
{{- end -}}

{{/*
Digest of what the Kodus Secret is rendered from (chart mode): a changed value rolls every pod.
Values generated by the chart are not in it: they are generated once and then kept.
*/}}
{{- define "kodus.secretHash" -}}
{{- $rabbit := include "kodus.store" (dict "root" . "store" "rabbitmq") | fromYaml -}}
{{- dict "values" .Values.secrets.values "rabbitmq" $rabbit "username" .Values.dataStores.rabbitmq.username "mode" .Values.dataStores.mode | toJson | sha256sum -}}
{{- end -}}

{{/* Pod-template annotations of the Kodus Deployments. Args: root, component. */}}
{{- define "kodus.podAnnotations" -}}
kodus.io/secrets-revision: {{ .root.Values.secrets.revision | int64 | quote }}
kodus.io/config-hash: {{ include "kodus.plainEnv" . | sha256sum | quote }}
{{- if eq .root.Values.secrets.mode "chart" }}
kodus.io/secret-hash: {{ include "kodus.secretHash" .root | quote }}
{{- end -}}
{{- end -}}

{{/* Pod security context (constructs/kubernetes/pod.ts). Args: root, uid (omitted with podSecurity.fixedIds false: OpenShift assigns it). */}}
{{- define "kodus.podSecurityContext" -}}
runAsNonRoot: true
{{- if .root.Values.podSecurity.fixedIds }}
runAsUser: {{ .uid }}
runAsGroup: {{ .uid }}
fsGroup: {{ .uid }}
{{- end }}
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{/* Container security context (constructs/kubernetes/pod.ts). Arg: readOnlyRootFilesystem (bool). */}}
{{- define "kodus.containerSecurityContext" -}}
runAsNonRoot: true
allowPrivilegeEscalation: false
readOnlyRootFilesystem: {{ . }}
privileged: false
capabilities:
  drop:
    - ALL
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{/* Pod-level settings every Kodus pod shares. Args: root, restartPolicy, grace, serviceAccount (optional). */}}
{{- define "kodus.podCommon" -}}
serviceAccountName: {{ .serviceAccount | default (include "kodus.serviceAccountName" .root) | quote }}
automountServiceAccountToken: false
enableServiceLinks: false
restartPolicy: {{ .restartPolicy }}
terminationGracePeriodSeconds: {{ .grace | default 30 }}
{{- include "kodus.podPlacement" (dict "root" .root "override" .scheduling) | nindent 0 }}
{{- end -}}

{{/* Writable emptyDir volumes: /tmp always, plus extras. Arg: list of {name, mountPath}. */}}
{{- define "kodus.writableVolumes" -}}
- name: tmp
  emptyDir:
    sizeLimit: 1Gi
{{- range . }}
- name: {{ .name }}
  emptyDir:
    sizeLimit: 1Gi
{{- end -}}
{{- end -}}
{{- define "kodus.writableMounts" -}}
- name: tmp
  mountPath: /tmp
{{- range . }}
- name: {{ .name }}
  mountPath: {{ .mountPath }}
{{- end -}}
{{- end -}}

{{/*
The Chutes probe's facts (files/contract.json "probe", from probe/probe-program.ts): the
directory its file is mounted in, the file, the command, the variable it reads the key from
(keyEnv; the key itself comes from the Kodus Secret's chutesKeyEnv key), and its settings' variables.
Arg: root. Output: JSON (pipe it to fromJson).
*/}}
{{- define "kodus.probe" -}}
{{- (include "kodus.contract" . | fromJson).probe | toJson -}}
{{- end -}}
{{- define "kodus.probeDir" -}}{{ (include "kodus.probe" . | fromJson).dir }}{{- end -}}
{{- define "kodus.probeFile" -}}{{ (include "kodus.probe" . | fromJson).file }}{{- end -}}

{{/*
The probe's settings as env entries, named and ordered by the contract (probe.env); the chart
computes each value. A variable the contract names and the chart has no value for fails the
render (an optional one, the schedule, is left out when unset).
Args: root, maxLatencyMs, budgetMode (report | only; "off" whatever it says when
healthcheck.budget.enabled is false), schedule (the periodic check only: the probe then spends a
completion only as often as 1 % of the daily quota allows; a preflight has none).
*/}}
{{- define "kodus.probeEnv" -}}
{{- $budget := .root.Values.healthcheck.budget -}}
{{- $values := dict
      "baseUrl" (include "kodus.url" .root.Values.llm.baseUrl)
      "model" (include "kodus.model" .root)
      "timeoutMs" (mul (.root.Values.healthcheck.timeoutSeconds | int64) 1000)
      "maxLatencyMs" (.maxLatencyMs | int64)
      "budget" (ternary .budgetMode "off" $budget.enabled)
      "managementUrl" (include "kodus.url" .root.Values.llm.managementUrl)
      "warnPercent" ($budget.warnPercent | int64)
      "criticalPercent" ($budget.criticalPercent | int64) -}}
{{- /* as the stacks: structured output too where Kodus is told to trust this base URL with json_schema */ -}}
{{- $require := (include "kodus.probe" .root | fromJson).require -}}
{{- $_ := set $values "require" (ternary $require.tools $require.toolsAndStructuredOutputs (eq (toString .root.Values.llm.structuredOutput) "false")) -}}
{{- with .schedule }}{{ $_ := set $values "schedule" . }}{{ end -}}
{{- $lines := list -}}
{{- range $v := (include "kodus.probe" .root | fromJson).env -}}
{{- if hasKey $values $v.setting -}}
{{- $lines = append $lines (printf "- name: %s\n  value: %s" $v.name (index $values $v.setting | quote)) -}}
{{- else if not $v.optional -}}
{{- fail (printf "files/contract.json gives the Chutes probe the variable %s (setting %s), but the chart computes no value for it: add it to kodus.probeEnv in templates/_helpers.tpl" $v.name $v.setting) -}}
{{- end -}}
{{- end -}}
{{- join "\n" $lines -}}
{{- end -}}

{{/* The TCP port a URL connects to (explicit port, else 443 for https, 80 for http). Arg: the URL. */}}
{{- define "kodus.urlPort" -}}
{{- $u := urlParse (trim .) -}}
{{- $p := regexFind ":[0-9]+$" $u.host -}}
{{- if $p -}}{{ trimPrefix ":" $p }}{{- else if eq $u.scheme "http" -}}80{{- else -}}443{{- end -}}
{{- end -}}

{{/* One probe container. Args: root, name, maxLatencyMs, budgetMode, secretName, schedule. */}}
{{- define "kodus.probeContainer" -}}
- name: {{ .name }}
  image: {{ include "kodus.image" (dict "root" .root "component" "api") | quote }}
  # The probe, not the Kodus entrypoint: no migrations, no server.
  {{- $probe := include "kodus.probe" .root | fromJson }}
  {{- /* The program bare, its arguments quoted: the text (hashed into the preflight Job's name) as before. */}}
  command:
    - {{ first $probe.command }}
    {{- range rest $probe.command }}
    - {{ . | quote }}
    {{- end }}
  env:
    {{- include "kodus.probeEnv" . | nindent 4 }}
    - name: {{ $probe.keyEnv }}
      valueFrom:
        secretKeyRef:
          name: {{ .secretName | quote }}
          key: {{ (include "kodus.contract" .root | fromJson).chutesKeyEnv }}
  # The probe's one JSON line becomes the termination message: `kubectl describe` shows why.
  terminationMessagePolicy: FallbackToLogsOnError
  {{- /* Flow style, as before healthcheck.resources existed: the default render (and the hook's hashed name) is unchanged. */}}
  {{- $r := .root.Values.healthcheck.resources }}
  resources:
    requests: { cpu: {{ $r.requests.cpu }}, memory: {{ $r.requests.memory }} }
    limits: { cpu: {{ $r.limits.cpu }}, memory: {{ $r.limits.memory }} }
  securityContext:
    {{- include "kodus.containerSecurityContext" true | nindent 4 }}
  volumeMounts:
    {{- include "kodus.writableMounts" (list) | nindent 4 }}
    - name: probe
      mountPath: {{ include "kodus.probeDir" .root }}
      readOnly: true
{{- end -}}

{{/*
The probe's pod spec, shared by the preflight hook and the CronJob: the "probe" container
(inference, budget in report mode) and, with budgetContainer and the budget watch on, a
"budget" container that reads only the budget and exits 3 on a critical cap (alerts select it
by container name: see prometheusrule.yaml).
Args: root, maxLatencyMs, secretName, configMap, serviceAccount, budgetContainer, schedule.
*/}}
{{- define "kodus.probePodSpec" -}}
{{ include "kodus.podCommon" (dict "root" .root "restartPolicy" "Never" "serviceAccount" .serviceAccount) }}
securityContext:
  {{- include "kodus.podSecurityContext" (dict "root" .root "uid" 1000) | nindent 2 }}
containers:
  {{- include "kodus.probeContainer" (dict "root" .root "name" "probe" "maxLatencyMs" .maxLatencyMs "budgetMode" "report" "secretName" .secretName "schedule" .schedule) | nindent 2 }}
  {{- if and .budgetContainer .root.Values.healthcheck.budget.enabled }}
  {{- include "kodus.probeContainer" (dict "root" .root "name" "budget" "maxLatencyMs" .maxLatencyMs "budgetMode" "only" "secretName" .secretName "schedule" .schedule) | nindent 2 }}
  {{- end }}
volumes:
  {{- include "kodus.writableVolumes" (list) | nindent 2 }}
  - name: probe
    configMap:
      name: {{ .configMap | quote }}
      defaultMode: 0444
{{- end -}}

{{/*
Where the values hold a Chutes key (the shape in files/contract.json, from contract/secrets.ts):
every string and every map key, walked recursively, but secrets.values.chutes_api_key, the one
place a key belongs. Args: value, path, pattern. Output: one line per place, "<path> <kind>",
the path with any key-shaped part masked.
*/}}
{{- define "kodus.keyShapedPaths" -}}
{{- $pattern := .pattern -}}
{{- $path := .path -}}
{{- if eq $path "secrets.values.chutes_api_key" -}}
{{- else if kindIs "map" .value -}}
{{- range $k, $child := .value -}}
{{- $p := ternary $k (printf "%s.%s" $path $k) (eq $path "") -}}
{{- if regexMatch $pattern $k -}}
{{ regexReplaceAll $pattern $p "${1}cpk_…" }} key
{{ end -}}
{{- include "kodus.keyShapedPaths" (dict "value" $child "path" $p "pattern" $pattern) -}}
{{- end -}}
{{- else if kindIs "slice" .value -}}
{{- range $i, $child := .value -}}
{{- include "kodus.keyShapedPaths" (dict "value" $child "path" (printf "%s.%d" $path $i) "pattern" $pattern) -}}
{{- end -}}
{{- else if and (kindIs "string" .value) (regexMatch $pattern .value) -}}
{{ regexReplaceAll $pattern $path "${1}cpk_…" }} value
{{ end -}}
{{- end -}}

{{/*
No Chutes key anywhere in the values but secrets.values.chutes_api_key: a key pasted into an
annotation, a label or any other value would be rendered into the cluster's objects (readable by
anyone who may read pods) and the release's stored values. The JSON Schema lets key-shaped strings
and keys through on purpose (Helm's schema errors print the value or the key); this check names
each place, one line each, the key masked. Arg: root.
*/}}
{{- define "kodus.noChutesKeys" -}}
{{- $pattern := (include "kodus.contract" . | fromJson).chutesKeySearch -}}
{{- $found := include "kodus.keyShapedPaths" (dict "value" .Values "path" "" "pattern" $pattern) | trim -}}
{{- if $found -}}
{{- $lines := list -}}
{{- range $line := splitList "\n" $found -}}
{{- $parts := splitList " " $line -}}
{{- $what := ternary "is a map key that looks like a Chutes API key (not shown)" "looks like a Chutes API key (\"cpk_\" and three dot-separated parts; value not shown)" (eq (last $parts) "key") -}}
{{- $lines = append $lines (printf "  - %s: %s" (first $parts) $what) -}}
{{- end -}}
{{- fail (printf "the values hold a Chutes API key where none belongs; it goes only in secrets.values.chutes_api_key (secrets.mode chart) or the Secret you manage:\n%s" (join "\n" $lines)) -}}
{{- end -}}
{{- end -}}

{{/* Checks that JSON Schema cannot express; they run on every render. */}}
{{- define "kodus.validate" -}}
{{- $v := .Values -}}
{{- /* First: the checks below print the values they judge. */ -}}
{{- include "kodus.noChutesKeys" . -}}
{{- range $c := list "api" "worker" -}}
{{- $a := index $v.autoscaling $c -}}
{{- if gt ($a.minReplicas | int64) ($a.maxReplicas | int64) -}}
{{- fail (printf "autoscaling.%s.minReplicas (%v) must not exceed autoscaling.%s.maxReplicas (%v)" $c $a.minReplicas $c $a.maxReplicas) -}}
{{- end -}}
{{- end -}}
{{- /* config/schema.ts scaleLimitProblems: max_connections is sized for scaleLimits pods of every component that opens PostgreSQL connections (contract.json). */ -}}
{{- $contract := include "kodus.contract" . | fromJson -}}
{{- range $c := $contract.order -}}
{{- if hasKey $contract.postgres.connectionsPerPod $c -}}
{{- $limit := index $v.scaleLimits $c | int64 -}}
{{- $a := index $v.autoscaling $c | default dict -}}
{{- $path := ternary (printf "autoscaling.%s.maxReplicas" $c) (printf "replicas.%s" $c) (and (hasKey $a "enabled") $a.enabled) -}}
{{- $most := ternary ($a.maxReplicas | default 0) (index $v.replicas $c) (and (hasKey $a "enabled") $a.enabled) | int64 -}}
{{- if gt $most $limit -}}
{{- fail (printf "%s (%d) must not exceed scaleLimits.%s (%d): PostgreSQL's max_connections is sized for at most that many pods; raise scaleLimits.%s too (that changes max_connections, which restarts a bundled PostgreSQL once)" $path $most $c $limit $c) -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- if hasKey $v.llm "maxConcurrentReviews" -}}
{{- $workers := include "kodus.maxWorkers" . | int64 -}}
{{- if lt ($v.llm.maxConcurrentReviews | int64) $workers -}}
{{- fail (printf "llm.maxConcurrentReviews (%v) must be at least the largest worker count (%d): every worker holds at least one review" $v.llm.maxConcurrentReviews $workers) -}}
{{- end -}}
{{- end -}}
{{- if eq $v.secrets.mode "chart" -}}
{{- $_ := required "secrets.values.chutes_api_key is required when secrets.mode is chart (--set-file secrets.values.chutes_api_key=PATH), or use secrets.mode=existing" $v.secrets.values.chutes_api_key -}}
{{- end -}}
{{- /* Kodus appends /chat/completions to the base URL itself (the JSON Schema cannot say "does not end with"). */ -}}
{{- if regexMatch `/(chat/)?completions/*$` $v.llm.baseUrl -}}
{{- fail (printf "llm.baseUrl (%s) must be the API base such as \"https://llm.chutes.ai/v1\", without /chat/completions (Kodus appends it)" $v.llm.baseUrl) -}}
{{- end -}}
{{- /* Kubernetes rejects a Pod whose request exceeds its limit only at apply time; say so at render time. */ -}}
{{- range $path, $r := dict "resources.api" $v.resources.api "resources.worker" $v.resources.worker "resources.webhooks" $v.resources.webhooks "resources.web" $v.resources.web "dataStores.resources.postgres" $v.dataStores.resources.postgres "dataStores.resources.mongodb" $v.dataStores.resources.mongodb "dataStores.resources.rabbitmq" $v.dataStores.resources.rabbitmq "healthcheck.resources" $v.healthcheck.resources -}}
{{- range $kind := list "cpu" "memory" -}}
{{- $request := index $r.requests $kind -}}
{{- $limit := index $r.limits $kind -}}
{{- if gt (include "kodus.quantity" $request | float64) (include "kodus.quantity" $limit | float64) -}}
{{- fail (printf "%s.requests.%s (%v) must not exceed %s.limits.%s (%v)" $path $kind $request $path $kind $limit) -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- $b := $v.healthcheck.budget -}}
{{- if gt ($b.warnPercent | int64) ($b.criticalPercent | int64) -}}
{{- fail (printf "healthcheck.budget.warnPercent (%v) must not exceed healthcheck.budget.criticalPercent (%v)" $b.warnPercent $b.criticalPercent) -}}
{{- end -}}
{{- $_ := include "kodus.secretName" . -}}
{{- /* Every plain variable the chart computes is one the contract gives to a component (kodus.plainEnv checks the other way). */ -}}
{{- $named := list -}}
{{- range $spec := (include "kodus.contract" . | fromJson).components -}}
{{- $named = concat $named $spec.env.plain -}}
{{- end -}}
{{- range $name := keys (include "kodus.plainValues" . | fromJson) | sortAlpha -}}
{{- if not (has $name $named) -}}
{{- fail (printf "templates/_helpers.tpl computes the plain variable %s, which files/contract.json gives to no component: remove it from kodus.plainValues, or add it to contract/kodus-env.ts and run npm run chart:contract" $name) -}}
{{- end -}}
{{- end -}}
{{- if $v.ingress.enabled -}}
{{- range $key, $host := dict "publicUrl" $v.ingress.webHost "webhooksUrl" $v.ingress.webhooksHost -}}
{{- $url := index $v.kodus $key -}}
{{- $hostKey := ternary "webHost" "webhooksHost" (eq $key "publicUrl") -}}
{{- if and (not $url) (hasPrefix "*." (toString $host)) -}}
{{- fail (printf "kodus.%s is required when ingress.%s is a wildcard (%s): a public URL cannot be derived from it" $key $hostKey $host) -}}
{{- end -}}
{{- if and $url (regexMatch `^https?://(localhost|127(\.[0-9]{1,3}){3}|\[::1\])([:/]|$)` (toString $url)) -}}
{{- fail (printf "kodus.%s (%s) is a localhost URL while ingress is enabled: set the public URL people and git providers use, or leave it unset to derive it from ingress.%s" $key $url $hostKey) -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/*
An image reference with the registry override applied (images.registry): the original
registry host (ghcr.io, or docker.io for names without one, where official images live under
library/) is replaced by the mirror. Args: root, image (e.g. "mongo:8"). Same rule as the
stack (constructs/kubernetes/images.ts).
*/}}
{{- define "kodus.mirrored" -}}
{{- $registry := .root.Values.images.registry -}}
{{- if not $registry -}}
{{- .image -}}
{{- else -}}
{{- $parts := splitList "/" .image -}}
{{- $first := first $parts -}}
{{- if and (gt (len $parts) 1) (or (contains "." $first) (contains ":" $first) (eq $first "localhost")) -}}
{{- printf "%s/%s" (trimSuffix "/" $registry) (join "/" (rest $parts)) -}}
{{- else if eq (len $parts) 1 -}}
{{- printf "%s/library/%s" (trimSuffix "/" $registry) .image -}}
{{- else -}}
{{- printf "%s/%s" (trimSuffix "/" $registry) .image -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/*
Pod placement shared by every pod of the release: image pull secrets, node selector,
tolerations, affinity, priority class (scheduling.*, images.pullSecrets). Arg: root.
Renders nothing when none is set.
*/}}
{{- define "kodus.podPlacement" -}}
{{- /* pods.<component>.scheduling: each field it sets replaces the global one for that component. */ -}}
{{- $s := deepCopy .root.Values.scheduling -}}
{{- range $k, $v := (.override | default dict) }}{{ $_ := set $s $k $v }}{{ end -}}
{{- with .root.Values.images.pullSecrets }}
imagePullSecrets:
{{- range . }}
  - name: {{ . | quote }}
{{- end }}
{{- end }}
{{- with $s.nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with $s.tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with $s.affinity }}
affinity:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with $s.priorityClassName }}
priorityClassName: {{ . | quote }}
{{- end }}
{{- end -}}

{{/*
Topology spread of one component's replicas: scheduling.topologySpreadConstraints with the
component's selector filled in, else spread over nodes when possible, counting only pods of the
same ReplicaSet (matchLabelKeys pod-template-hash: during a rollout the old pods do not skew
where the new ones go; Kubernetes >= 1.27). Args: root, component.
*/}}
{{- define "kodus.topologySpread" -}}
{{- $selector := include "kodus.selectorLabels" . | fromYaml -}}
{{- $constraints := list -}}
{{- range (.root.Values.scheduling.topologySpreadConstraints | default (list (dict "maxSkew" 1 "topologyKey" "kubernetes.io/hostname" "whenUnsatisfiable" "ScheduleAnyway" "matchLabelKeys" (list "pod-template-hash")))) -}}
{{- $constraints = append $constraints (merge (dict "labelSelector" (dict "matchLabels" $selector)) .) -}}
{{- end -}}
topologySpreadConstraints:
  {{- toYaml $constraints | nindent 2 }}
{{- end -}}


{{/*
The migration Job's name, from everything it runs: the whole Job spec (pod template: image,
resources, scheduling, pull secrets, Secret name, ...) and the API's plain settings it
migrates with. Any change is a new Job, hence a new run, also under `helm template`/Argo CD
where the release revision is always 1; a Job's template is immutable, so a change under the
same name would fail ("field is immutable"). Rendering the same release again is the same,
already completed Job. Arg: root.
*/}}
{{- define "kodus.migrateName" -}}
{{- $what := dict "spec" (include "kodus.migrateSpec" .) "env" (include "kodus.plainEnv" (dict "root" . "component" "api")) -}}
{{- printf "%s-migrate-%s" (include "kodus.prefix" .) (toJson $what | sha256sum | trunc 10) -}}
{{- end -}}

{{/* The preflight Job's pod spec (chutes-preflight.yaml). Arg: root. */}}
{{- define "kodus.preflightPodSpec" -}}
{{- $name := printf "%s-chutes-preflight" (include "kodus.prefix" .) -}}
{{- $own := has .Values.secrets.mode (list "chart" "externalSecret") -}}
{{- include "kodus.probePodSpec" (dict "root" . "maxLatencyMs" (mul (.Values.healthcheck.timeoutSeconds | int64) 1000) "secretName" (ternary $name (include "kodus.secretName" .) $own) "configMap" $name "serviceAccount" $name) -}}
{{- end -}}

{{/*
The preflight Job's name: <release>-chutes-preflight-<hash of what it checks>: its pod spec
(model, base URL, probe settings), the probe file, the key in chart mode, the ExternalSecret
spec, secrets.revision (bumped after rotating an existing Secret). Same checks, same name:
Argo CD does not run a named hook again. Arg: root.
*/}}
{{- define "kodus.preflightJobName" -}}
{{- $chartMode := eq .Values.secrets.mode "chart" -}}
{{- $esMode := eq .Values.secrets.mode "externalSecret" -}}
{{- $checks := dict "pod" (include "kodus.preflightPodSpec" .) "probe" (.Files.Get (printf "files/%s" (include "kodus.probeFile" .))) "revision" .Values.secrets.revision "key" (ternary (.Values.secrets.values.chutes_api_key | default "" | toString | trim | sha256sum) "" $chartMode) "externalSecret" (ternary (toJson .Values.secrets.externalSecret) "" $esMode) -}}
{{- printf "%s-chutes-preflight-%s" (include "kodus.prefix" .) (toJson $checks | sha256sum | trunc 10) -}}
{{- end -}}

{{/*
"true" when helm renders against a cluster (helm install/upgrade, --dry-run=server), empty
under `helm template`, Argo CD or --dry-run=client, where `lookup` returns nothing. Every
namespace holds the kube-root-ca.crt ConfigMap (Kubernetes >= 1.21); a namespace that
`helm install --create-namespace` is about to create does not exist yet, so then the
kube-system namespace is asked for (whoever creates namespaces may read them). Arg: root.
*/}}
{{- define "kodus.clusterVisible" -}}
{{- if (lookup "v1" "ConfigMap" .Release.Namespace "kube-root-ca.crt") -}}
true
{{- else if (lookup "v1" "Namespace" "" "kube-system") -}}
true
{{- end -}}
{{- end -}}

{{/*
The spec of an ExternalSecret writing Secret `name` (secrets.externalSecret). Args: root, name,
keys (only these keys, each by its data entry or remoteKey/property=<key>; empty: all, with
remoteKey extracted whole).
*/}}
{{- define "kodus.externalSecretSpec" -}}
{{- $es := .root.Values.secrets.externalSecret -}}
{{- $data := list -}}
{{- range $key, $ref := $es.data -}}
{{- if or (not $.keys) (has $key $.keys) -}}
{{- $data = append $data (dict "secretKey" $key "remoteRef" $ref) -}}
{{- end -}}
{{- end -}}
{{- if and .keys $es.remoteKey -}}
{{- range $key := .keys -}}
{{- if not (hasKey $es.data $key) -}}
{{- $data = append $data (dict "secretKey" $key "remoteRef" (dict "key" $es.remoteKey "property" $key)) -}}
{{- end -}}
{{- end -}}
{{- end -}}
refreshInterval: {{ $es.refreshInterval | quote }}
secretStoreRef:
  name: {{ required "secrets.externalSecret.secretStoreRef.name is required when secrets.mode is externalSecret" $es.secretStoreRef.name | quote }}
  kind: {{ $es.secretStoreRef.kind }}
target:
  name: {{ .name | quote }}
  creationPolicy: Owner
  deletionPolicy: Retain
{{- if and (not .keys) $es.remoteKey }}
dataFrom:
  - extract:
      key: {{ $es.remoteKey | quote }}
{{- end }}
{{- with $data }}
data:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end -}}

{{/* Ports of HTTPS egress: 443, plus llm.baseUrl's own port when it names one. Arg: root. Output: YAML list. */}}
{{- define "kodus.httpsPorts" -}}
{{- $ports := list 443 -}}
{{- $hostPort := regexFind ":[0-9]+$" (urlParse (include "kodus.url" .Values.llm.baseUrl)).host -}}
{{- if $hostPort -}}
{{- $ports = append $ports (trimPrefix ":" $hostPort | int) | uniq -}}
{{- end -}}
{{- toYaml $ports -}}
{{- end -}}

{{/* The labels every pod of the release carries (network policies select them all). Arg: root. */}}
{{- define "kodus.releaseSelector" -}}
app.kubernetes.io/name: {{ include "kodus.name" . }}
app.kubernetes.io/instance: {{ .Release.Name | quote }}
{{- end -}}

{{/*
Refuses an upgrade a bundled store's StatefulSet cannot take, when helm sees the cluster (helm
install/upgrade, Flux; `helm template`/Argo CD cannot look, and `npm run review --helm-values`
flags the same changes before merge):
- volumeClaimTemplates (storageSize, storageClass) are immutable: the API would reject the
  update ("field is immutable");
- a new major version of the store's image: PostgreSQL, MongoDB and RabbitMQ do not start on
  (or must first migrate) data files of an older major.
Args: root, name (the StatefulSet), store, image (the new one).
*/}}
{{- define "kodus.statefulSetGuard" -}}
{{- $live := lookup "apps/v1" "StatefulSet" .root.Release.Namespace .name -}}
{{- if $live -}}
{{- $ds := .root.Values.dataStores -}}
{{- $claim := index $live.spec.volumeClaimTemplates 0 -}}
{{- $liveSize := $claim.spec.resources.requests.storage | toString -}}
{{- $liveClass := $claim.spec.storageClassName | default "" -}}
{{- if or (ne $liveSize ($ds.storageSize | toString)) (ne $liveClass ($ds.storageClass | default "")) -}}
{{- fail (printf "dataStores.storageSize/storageClass changed for %s (live: %s %q, now: %s %q): a StatefulSet's volumeClaimTemplates cannot be updated. To grow the volume: kubectl -n %s patch pvc data-%s-0 -p '{\"spec\":{\"resources\":{\"requests\":{\"storage\":\"%s\"}}}}' (only where the StorageClass has allowVolumeExpansion), then kubectl -n %s delete statefulset %s --cascade=orphan (the pod and its volume stay) and run the upgrade again. A new storageClass means a new volume: back up, delete the StatefulSet and its PVC, upgrade, restore." .name $liveSize $liveClass ($ds.storageSize | toString) ($ds.storageClass | default "") .root.Release.Namespace .name ($ds.storageSize | toString) .root.Release.Namespace .name) -}}
{{- end -}}
{{- $liveImage := (index $live.spec.template.spec.containers 0).image -}}
{{- $major := include "kodus.imageMajor" .image -}}
{{- $liveMajor := include "kodus.imageMajor" $liveImage -}}
{{- if and $liveMajor (ne $major $liveMajor) -}}
{{- $how := get (dict "postgres" "pg_dumpall from the running pod, then after the upgrade psql -f into the new one (or pg_upgrade)" "mongodb" "mongodump, then mongorestore after the upgrade (MongoDB also moves one major at a time with setFeatureCompatibilityVersion)" "rabbitmq" "drain the queues (or export definitions), the broker starts with an empty data directory") .store -}}
{{- fail (printf "%s: the image moves from major %s (%s) to %s (%s); the new server does not start on the old data files. Back up first: %s; delete the StatefulSet and its PVC (kubectl -n %s delete statefulset %s; kubectl -n %s delete pvc data-%s-0), run the upgrade, restore. Or keep the previous chart version." .name $liveMajor $liveImage $major .image $how .root.Release.Namespace .name .root.Release.Namespace .name) -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* The major version in an image's tag: the first number ("pgvector/pgvector:pg16" 16, "mongo:8.3.11" 8). Arg: the image. */}}
{{- define "kodus.imageMajor" -}}
{{- $ref := regexReplaceAll "@.*$" . "" -}}
{{- $tag := ternary (last (splitList ":" $ref)) "" (contains ":" (last (splitList "/" $ref))) -}}
{{- regexFind "[0-9]+" $tag -}}
{{- end -}}

{{/*
kodus.cronValues: the values of one cron field as a dict of strings (Args: field, max: 60 for
minutes, 24 for hours). Items separated by ",", each a star, a star with a step N ("/N"), "A",
"A-B" or "A-B" with a step.
*/}}
{{- define "kodus.cronValues" -}}
{{- $out := dict }}
{{- range $item := splitList "," .field }}
{{- $step := 1 }}
{{- $range := $item }}
{{- if contains "/" $item }}
{{- $step = atoi (last (splitList "/" $item)) }}
{{- $range = first (splitList "/" $item) }}
{{- end }}
{{- $from := 0 }}
{{- $to := sub $.max 1 }}
{{- if ne $range "*" }}
{{- $from = atoi (first (splitList "-" $range)) }}
{{- $to = atoi (last (splitList "-" $range)) }}
{{- if and (not (contains "-" $range)) (contains "/" $item) }}{{ $to = sub $.max 1 }}{{ end }}
{{- end }}
{{- range $v := untilStep (int $from) (int (add $to 1)) (int $step) }}
{{- $_ := set $out (toString $v) true }}
{{- end }}
{{- end }}
{{- toJson $out }}
{{- end -}}

{{/*
kodus.staleAfterSeconds: how old the periodic check's last success may get before
KodusChutesCheckStale fires: healthcheck.prometheusRule.staleAfterMinutes, else 3 x the longest
gap between two runs of healthcheck.schedule (config/schedule.ts, staleAfterSeconds, computes the
same). The chart reads the gap off one day's run minutes, so it needs "*" as day of month, month
and day of week; other schedules must set staleAfterMinutes.
*/}}
{{- define "kodus.staleAfterSeconds" -}}
{{- $h := .Values.healthcheck }}
{{- if $h.prometheusRule.staleAfterMinutes }}
{{- mul (int $h.prometheusRule.staleAfterMinutes) 60 }}
{{- else }}
{{- $f := regexSplit "\\s+" (trim $h.schedule) -1 }}
{{- if not (and (eq (index $f 2) "*") (eq (index $f 3) "*") (eq (index $f 4) "*")) }}
{{- fail (printf "healthcheck.schedule %q: the chart derives the stale-check alert's threshold only from schedules with \"*\" as day of month, month and day of week; set healthcheck.prometheusRule.staleAfterMinutes (more than the longest gap between two runs)" $h.schedule) }}
{{- end }}
{{- $minutes := include "kodus.cronValues" (dict "field" (index $f 0) "max" 60) | fromJson }}
{{- $hours := include "kodus.cronValues" (dict "field" (index $f 1) "max" 24) | fromJson }}
{{- $first := -1 }}
{{- $prev := -1 }}
{{- $longest := 0 }}
{{- range $t := until 1440 }}
{{- if and (hasKey $hours (toString (div $t 60))) (hasKey $minutes (toString (mod $t 60))) }}
{{- if lt $first 0 }}{{ $first = $t }}{{ else if gt (sub $t $prev) $longest }}{{ $longest = sub $t $prev }}{{ end }}
{{- $prev = $t }}
{{- end }}
{{- end }}
{{- $wrap := sub (add $first 1440) $prev }}
{{- if gt $wrap $longest }}{{ $longest = $wrap }}{{ end }}
{{- mul 3 $longest 60 }}
{{- end }}
{{- end -}}

{{/*
pods.<component>.env after Kodus' own variables: a name the contract already gives the component
(files/contract.json) fails the render (Helm 4 refuses duplicate env names anyway; Helm 3 would
let Kubernetes keep the last). Args: root, component, env.
*/}}
{{- define "kodus.extraEnv" -}}
{{- $c := include "kodus.component" . | fromJson }}
{{- $own := concat $c.env.secret $c.env.plain }}
{{- range $i, $e := .env }}
{{- if has $e.name $own }}
{{- fail (printf "pods.%s.env[%d].name: %s is set by this chart for %s (files/contract.json): change the value behind it instead" $.component $i $e.name $.component) }}
{{- end }}
{{- if and $.root.Values.caBundle (eq $e.name "NODE_EXTRA_CA_CERTS") }}
{{- fail (printf "pods.%s.env[%d].name: NODE_EXTRA_CA_CERTS is set by caBundle: set it there, or remove caBundle" $.component $i) }}
{{- end }}
{{- if and $.root.Values.kodus.proxy (has $e.name (list "HTTP_PROXY" "HTTPS_PROXY" "NO_PROXY" "http_proxy" "https_proxy" "no_proxy")) }}
{{- fail (printf "pods.%s.env[%d].name: %s is set by kodus.proxy: set the proxy there, or remove kodus.proxy" $.component $i $e.name) }}
{{- end }}
{{- end }}
{{- toYaml .env }}
{{- end -}}


{{/*
kodus.proxy as container env (as config/proxy.ts): HTTP_PROXY, HTTPS_PROXY, NO_PROXY, then the
same in lower case. NO_PROXY: yours, then localhost, 127.0.0.1, .svc, .cluster.local and the
Services Kodus calls over HTTP (<prefix>-api, <prefix>-mcp-manager). A YAML list; [] without a proxy.
*/}}
{{- define "kodus.proxyEnv" -}}
{{- $p := .Values.kodus.proxy -}}
{{- $out := list -}}
{{- if $p -}}
{{- $prefix := include "kodus.prefix" . -}}
{{- $no := concat ($p.noProxy | default list) (list "localhost" "127.0.0.1" ".svc" ".cluster.local" (printf "%s-api" $prefix) (printf "%s-mcp-manager" $prefix)) | uniq -}}
{{- $upper := list -}}
{{- with $p.httpProxy }}{{ $upper = append $upper (dict "name" "HTTP_PROXY" "value" .) }}{{ end -}}
{{- with $p.httpsProxy }}{{ $upper = append $upper (dict "name" "HTTPS_PROXY" "value" .) }}{{ end -}}
{{- $upper = append $upper (dict "name" "NO_PROXY" "value" (join "," $no)) -}}
{{- $out = $upper -}}
{{- range $upper }}{{ $out = append $out (dict "name" (lower .name) "value" .value) }}{{ end -}}
{{- end -}}
{{- toYaml $out -}}
{{- end -}}

{{/* caBundle: the file NODE_EXTRA_CA_CERTS names (config/schema.ts CA_BUNDLE_PATH), on a read-only ConfigMap mount. */}}
{{- define "kodus.caBundlePath" -}}/etc/kodus-ca/ca.crt{{- end -}}
