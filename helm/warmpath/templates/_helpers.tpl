{{/*
Names, labels and the pieces every Warmpath workload shares. Helpers are namespaced "warmpath." (Helm's
best practices); labels follow app.kubernetes.io, with the component naming the service.
*/}}

{{/* The chart name, or nameOverride. */}}
{{- define "warmpath.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* The release-qualified prefix of every object's name, at most 63 characters. */}}
{{- define "warmpath.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* The name of one component's objects: (dict "root" $ "component" "gateway"). */}}
{{- define "warmpath.componentName" -}}
{{- printf "%s-%s" (include "warmpath.fullname" .root) .component | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "warmpath.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Selector labels of a component: stable across upgrades, because selectors are immutable. */}}
{{- define "warmpath.selectorLabels" -}}
app.kubernetes.io/name: {{ include "warmpath.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{/* All labels of a component's objects. */}}
{{- define "warmpath.labels" -}}
{{ include "warmpath.selectorLabels" . }}
helm.sh/chart: {{ include "warmpath.chart" .root }}
app.kubernetes.io/version: {{ .root.Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
app.kubernetes.io/part-of: warmpath
{{- with .root.Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{/* metadata.annotations from commonAnnotations, when there are any. */}}
{{- define "warmpath.annotations" -}}
{{- with .Values.commonAnnotations }}
annotations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end -}}

{{/* A Warmpath image: (dict "root" $ "service" "gateway-service"). */}}
{{- define "warmpath.image" -}}
{{- $registry := default .root.Values.image.registry .root.Values.global.imageRegistry -}}
{{- $tag := default .root.Chart.AppVersion .root.Values.image.tag -}}
{{- if $registry -}}
{{- printf "%s/%s/%s:%s" $registry .root.Values.image.repositoryPrefix .service $tag -}}
{{- else -}}
{{- printf "%s/%s:%s" .root.Values.image.repositoryPrefix .service $tag -}}
{{- end -}}
{{- end -}}

{{/* A third-party image: (dict "root" $ "image" .Values.redis.image). */}}
{{- define "warmpath.thirdPartyImage" -}}
{{- if .root.Values.global.imageRegistry -}}
{{- printf "%s/%s:%s" .root.Values.global.imageRegistry .image.repository .image.tag -}}
{{- else -}}
{{- printf "%s:%s" .image.repository .image.tag -}}
{{- end -}}
{{- end -}}

{{- define "warmpath.imagePullSecrets" -}}
{{- with .Values.global.imagePullSecrets }}
imagePullSecrets:
  {{- range . }}
  - name: {{ . }}
  {{- end }}
{{- end }}
{{- end -}}

{{/* The pod security context: non-root, the runtime's default seccomp profile; values may add to it. */}}
{{- define "warmpath.podSecurityContext" -}}
{{- $defaults := dict "runAsNonRoot" true "runAsUser" 10001 "runAsGroup" 10001 "fsGroup" 10001 "seccompProfile" (dict "type" "RuntimeDefault") -}}
{{- toYaml (merge (deepCopy .) $defaults) -}}
{{- end -}}

{{/* The container security context: read-only root filesystem, no privilege escalation, every capability dropped. */}}
{{- define "warmpath.containerSecurityContext" -}}
{{- $defaults := dict "allowPrivilegeEscalation" false "readOnlyRootFilesystem" true "runAsNonRoot" true "capabilities" (dict "drop" (list "ALL")) -}}
{{- toYaml (merge (deepCopy .) $defaults) -}}
{{- end -}}

{{/* Spread a component's pods over nodes and zones unless the values give their own constraints. */}}
{{- define "warmpath.topologySpread" -}}
{{- if .constraints }}
topologySpreadConstraints:
  {{- toYaml .constraints | nindent 2 }}
{{- else }}
topologySpreadConstraints:
  - maxSkew: 1
    topologyKey: kubernetes.io/hostname
    whenUnsatisfiable: ScheduleAnyway
    labelSelector:
      matchLabels:
        {{- include "warmpath.selectorLabels" (dict "root" .root "component" .component) | nindent 8 }}
  - maxSkew: 1
    topologyKey: topology.kubernetes.io/zone
    whenUnsatisfiable: ScheduleAnyway
    labelSelector:
      matchLabels:
        {{- include "warmpath.selectorLabels" (dict "root" .root "component" .component) | nindent 8 }}
{{- end }}
{{- end -}}

{{/* Liveness, readiness and startup probes from the actuator's health groups, on the management port. */}}
{{- define "warmpath.actuatorProbes" -}}
startupProbe:
  httpGet:
    path: /actuator/health/liveness
    port: management
  periodSeconds: 2
  failureThreshold: {{ default 90 .startupFailures }}
livenessProbe:
  httpGet:
    path: /actuator/health/liveness
    port: management
  periodSeconds: 10
  timeoutSeconds: 2
  failureThreshold: 3
readinessProbe:
  httpGet:
    path: /actuator/health/readiness
    port: management
  periodSeconds: 5
  timeoutSeconds: 2
  failureThreshold: 2
{{- end -}}

{{/* The environment every Warmpath JVM gets: its options and the mounted application.yaml. */}}
{{- define "warmpath.jvmEnv" -}}
- name: JAVA_TOOL_OPTIONS
  value: {{ .javaToolOptions | quote }}
- name: SPRING_CONFIG_ADDITIONAL_LOCATION
  value: optional:file:/config/
{{- with .extraEnvVars }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{/* The Secret holding the assertion keys. */}}
{{- define "warmpath.assertionSecret" -}}
{{- default (include "warmpath.componentName" (dict "root" . "component" "assertion")) .Values.assertion.existingSecret -}}
{{- end -}}

{{/* Hosts of the internal services, as the other services call them. */}}
{{- define "warmpath.sessionsUrl" -}}
{{- printf "http://%s:%d" (include "warmpath.componentName" (dict "root" . "component" "sessions")) (int .Values.sessions.containerPorts.http) -}}
{{- end -}}

{{- define "warmpath.policyUrl" -}}
{{- printf "http://%s:%d" (include "warmpath.componentName" (dict "root" . "component" "policy")) (int .Values.policy.containerPorts.http) -}}
{{- end -}}

{{/* Where the S3 API is, as artifact-service and policy-service configure it (YAML; read with fromYaml). */}}
{{- define "warmpath.s3Location" -}}
signing-region: {{ .Values.externalS3.region }}
{{- if .Values.minio.enabled }}
endpoint: {{ printf "http://%s:9000" (include "warmpath.componentName" (dict "root" . "component" "minio")) }}
path-style: true
{{- else if .Values.externalS3.endpoint }}
endpoint: {{ .Values.externalS3.endpoint }}
path-style: true
{{- else }}
path-style: false
{{- end }}
{{- end -}}

{{- define "warmpath.gatewayUrl" -}}
{{- printf "http://%s:%d" (include "warmpath.componentName" (dict "root" . "component" "gateway")) (int .Values.gateway.containerPorts.http) -}}
{{- end -}}

{{- define "warmpath.artifactsUrl" -}}
{{- printf "http://%s:%d" (include "warmpath.componentName" (dict "root" . "component" "artifacts")) (int .Values.artifacts.containerPorts.http) -}}
{{- end -}}

{{/* The cells' headless service: every pod gets the stable name <pod>.<this>.<namespace>.svc.<domain>. */}}
{{- define "warmpath.cellsHeadless" -}}
{{- /* A StatefulSet's name must leave room for its pods' controller-revision-hash label: 52 characters. */ -}}
{{- include "warmpath.componentName" (dict "root" . "component" "cell") | trunc 52 | trimSuffix "-" -}}
{{- end -}}

{{/* The Redis password's Secret and key, or nothing when Redis has no password. */}}
{{- define "warmpath.redisSecret" -}}
{{- if .Values.redis.enabled -}}
{{- .Values.redis.auth.existingSecret -}}
{{- else -}}
{{- .Values.externalRedis.existingSecret -}}
{{- end -}}
{{- end -}}

{{- define "warmpath.redisSecretKey" -}}
{{- if .Values.redis.enabled -}}redis-password{{- else -}}{{ .Values.externalRedis.existingSecretPasswordKey }}{{- end -}}
{{- end -}}

{{/* Spring's spring.data.redis settings (YAML) for the chart's Redis or the external one: session-service's store and
the gateways' shared rate limits. */}}
{{- define "warmpath.redisProperties" -}}
{{- $redis := dict "ssl" (dict "enabled" (and (not .Values.redis.enabled) .Values.externalRedis.ssl)) -}}
{{- if .Values.redis.enabled -}}
{{- $_ := set $redis "host" (include "warmpath.componentName" (dict "root" . "component" "redis")) -}}
{{- $_ := set $redis "port" 6379 -}}
{{- else if eq .Values.externalRedis.mode "sentinel" -}}
{{- $_ := set $redis "sentinel" (dict "master" .Values.externalRedis.sentinel.master "nodes" (join "," .Values.externalRedis.sentinel.nodes)) -}}
{{- else if eq .Values.externalRedis.mode "cluster" -}}
{{- $_ := set $redis "cluster" (dict "nodes" (join "," .Values.externalRedis.cluster.nodes)) -}}
{{- else -}}
{{- $_ := set $redis "host" .Values.externalRedis.host -}}
{{- $_ := set $redis "port" .Values.externalRedis.port -}}
{{- end -}}
{{- toYaml $redis -}}
{{- end -}}

{{/* The environment (a YAML list, maybe empty) that gives a Redis client its passwords from their Secret. */}}
{{- define "warmpath.redisEnv" -}}
{{- $env := list -}}
{{- $secret := include "warmpath.redisSecret" . -}}
{{- if $secret -}}
{{- $env = append $env (dict "name" "SPRING_DATA_REDIS_PASSWORD" "valueFrom" (dict "secretKeyRef" (dict "name" $secret "key" (include "warmpath.redisSecretKey" .)))) -}}
{{- end -}}
{{- if and (not .Values.redis.enabled) (eq .Values.externalRedis.mode "sentinel") .Values.externalRedis.sentinel.passwordKey -}}
{{- $env = append $env (dict "name" "SPRING_DATA_REDIS_SENTINEL_PASSWORD" "valueFrom" (dict "secretKeyRef" (dict "name" .Values.externalRedis.existingSecret "key" .Values.externalRedis.sentinel.passwordKey))) -}}
{{- end -}}
{{- toYaml $env -}}
{{- end -}}

{{/* A NetworkPolicy egress rule to Redis: the chart's, or the external one's address range. */}}
{{- define "warmpath.networkPolicy.toRedis" -}}
{{- if .Values.redis.enabled }}
{{- include "warmpath.networkPolicy.toComponent" (dict "root" . "component" "redis" "port" 6379) }}
{{- else }}
- to:
    - ipBlock:
        cidr: {{ .Values.externalRedis.egressCIDR }}
  ports:
    {{- if eq .Values.externalRedis.mode "standalone" }}
    - protocol: TCP
      port: {{ .Values.externalRedis.port }}
    {{- else }}
    {{- /* Sentinels, and the masters and replicas they (or the cluster's nodes) name. */}}
    - protocol: TCP
      port: 6379
      endPort: 26379
    {{- end }}
{{- end }}
{{- end -}}

{{/* Whether the Prometheus Operator's CRDs are installed (helm template: pass --api-versions). */}}
{{- define "warmpath.hasServiceMonitor" -}}
{{- if and .Values.metrics.serviceMonitor.enabled (or .Values.metrics.assumeOperatorCrds (.Capabilities.APIVersions.Has "monitoring.coreos.com/v1/ServiceMonitor")) -}}true{{- end -}}
{{- end -}}

{{/* Refuses values that cannot work, with every problem listed at once. */}}
{{- define "warmpath.validateValues" -}}
{{- $problems := list -}}
{{- if and (not .Values.assertion.existingSecret) (or (not .Values.assertion.signingKey) (not .Values.assertion.jwks)) -}}
{{- $problems = append $problems "assertion: set assertion.existingSecret (./warmpath keys writes the two files), or both assertion.signingKey and assertion.jwks" -}}
{{- end -}}
{{- if not (or .Values.oauth2.issuerUri .Values.oauth2.jwkSetUri .Values.oauth2.publicKeySecret) -}}
{{- $problems = append $problems "oauth2: set oauth2.issuerUri, oauth2.jwkSetUri or oauth2.publicKeySecret: the gateway must know whose tokens to accept" -}}
{{- end -}}
{{- if and (or .Values.oauth2.jwkSetUri .Values.oauth2.publicKeySecret) (not .Values.oauth2.issuerUri) (not .Values.oauth2.issuer) -}}
{{- $problems = append $problems "oauth2: with jwkSetUri or publicKeySecret, set oauth2.issuer (the iss tokens must carry)" -}}
{{- end -}}
{{- if not .Values.redis.enabled -}}
{{- if and (eq .Values.externalRedis.mode "standalone") (not .Values.externalRedis.host) -}}
{{- $problems = append $problems "externalRedis: redis.enabled is false, so set externalRedis.host" -}}
{{- end -}}
{{- if and (eq .Values.externalRedis.mode "sentinel") (or (not .Values.externalRedis.sentinel.master) (not .Values.externalRedis.sentinel.nodes)) -}}
{{- $problems = append $problems "externalRedis: sentinel mode needs externalRedis.sentinel.master and externalRedis.sentinel.nodes" -}}
{{- end -}}
{{- if and .Values.externalRedis.sentinel.passwordKey (not .Values.externalRedis.existingSecret) -}}
{{- $problems = append $problems "externalRedis: sentinel.passwordKey names a key of externalRedis.existingSecret, which is not set" -}}
{{- end -}}
{{- if and (eq .Values.externalRedis.mode "cluster") (not .Values.externalRedis.cluster.nodes) -}}
{{- $problems = append $problems "externalRedis: cluster mode needs externalRedis.cluster.nodes" -}}
{{- end -}}
{{- end -}}
{{- if and .Values.oauth2.issuerUri .Values.oauth2.publicKeySecret -}}
{{- $problems = append $problems "oauth2: set either oauth2.issuerUri or oauth2.publicKeySecret, not both" -}}
{{- end -}}
{{- if and (eq .Values.cells.engine.kind "vllm") (not .Values.cells.engine.vllm.model) -}}
{{- $problems = append $problems "cells: engine kind vllm needs cells.engine.vllm.model (the Hugging Face id to load)" -}}
{{- end -}}
{{- if and .Values.minio.enabled (not .Values.minio.existingSecret) -}}
{{- $problems = append $problems "minio: the bundled MinIO needs minio.existingSecret (root-user, root-password)" -}}
{{- end -}}
{{- if $problems -}}
{{- printf "\nVALUES VALIDATION:\n%s" (join "\n" $problems) | fail -}}
{{- end -}}
{{- end -}}
