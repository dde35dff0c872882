{{/* Egress to the cluster's DNS, which every pod needs to find the others. */}}
{{- define "warmpath.networkPolicy.dnsEgress" -}}
- ports:
    - protocol: UDP
      port: 53
    - protocol: TCP
      port: 53
{{- end -}}

{{/* Egress to a component of this release on one port: (dict "root" $ "component" "sessions" "port" 8081). */}}
{{- define "warmpath.networkPolicy.toComponent" -}}
- to:
    - podSelector:
        matchLabels:
          {{- include "warmpath.selectorLabels" (dict "root" .root "component" .component) | nindent 10 }}
  ports:
    - protocol: TCP
      port: {{ .port }}
{{- end -}}

{{/* Ingress from components of this release on one port: (dict "root" $ "components" (list "gateway") "port" 8090). */}}
{{- define "warmpath.networkPolicy.fromComponents" -}}
- from:
    {{- range .components }}
    - podSelector:
        matchLabels:
          {{- include "warmpath.selectorLabels" (dict "root" $.root "component" .) | nindent 10 }}
    {{- end }}
  ports:
    - protocol: TCP
      port: {{ .port }}
{{- end -}}

{{/* Ingress to a management port from the scrapers: metrics.podSelector's pods in metrics.namespaceSelector's
namespaces (both must match: one peer). */}}
{{- define "warmpath.networkPolicy.fromMonitoring" -}}
- from:
    - namespaceSelector:
        matchLabels:
          {{- toYaml .root.Values.metrics.namespaceSelector | nindent 10 }}
      podSelector:
        matchLabels:
          {{- toYaml .root.Values.metrics.podSelector | nindent 10 }}
  ports:
    - protocol: TCP
      port: {{ .port }}
{{- end -}}

{{/* The head of every NetworkPolicy: (dict "root" $ "component" "gateway"). */}}
{{- define "warmpath.networkPolicy.head" -}}
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: {{ include "warmpath.componentName" (dict "root" .root "component" .component) }}
  namespace: {{ .root.Release.Namespace | quote }}
  labels:
    {{- include "warmpath.labels" (dict "root" .root "component" .component) | nindent 4 }}
spec:
  podSelector:
    matchLabels:
      {{- include "warmpath.selectorLabels" (dict "root" .root "component" .component) | nindent 6 }}
  policyTypes:
    - Ingress
    - Egress
{{- end -}}
