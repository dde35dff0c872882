{{/*
The Deployment, Service, PodDisruptionBudget and ConfigMap of a control-plane service (session-service,
policy-service): (dict "root" $ "component" "sessions" "image" "session-service" "values" .Values.sessions
"config" <its Spring properties> "volumes" <extra volumes> "mounts" <extra mounts> "env" <extra env>).
*/}}
{{- define "warmpath.controlPlane" -}}
{{- $root := .root -}}
{{- $name := include "warmpath.componentName" (dict "root" $root "component" .component) -}}
{{- $values := .values -}}
{{- $configYaml := mustMergeOverwrite .config $values.config | toYaml -}}
apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ $name }}
  namespace: {{ $root.Release.Namespace | quote }}
  labels:
    {{- include "warmpath.labels" (dict "root" $root "component" .component) | nindent 4 }}
data:
  application.yaml: |
    {{- $configYaml | nindent 4 }}
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ $name }}
  namespace: {{ $root.Release.Namespace | quote }}
  labels:
    {{- include "warmpath.labels" (dict "root" $root "component" .component) | nindent 4 }}
  {{- include "warmpath.annotations" $root | nindent 2 }}
spec:
  replicas: {{ $values.replicaCount }}
  revisionHistoryLimit: 5
  selector:
    matchLabels:
      {{- include "warmpath.selectorLabels" (dict "root" $root "component" .component) | nindent 6 }}
  template:
    metadata:
      labels:
        {{- include "warmpath.labels" (dict "root" $root "component" .component) | nindent 8 }}
      annotations:
        checksum/config: {{ $configYaml | sha256sum }}
    spec:
      {{- include "warmpath.imagePullSecrets" $root | nindent 6 }}
      automountServiceAccountToken: false
      enableServiceLinks: false
      securityContext:
        {{- include "warmpath.podSecurityContext" $values.podSecurityContext | nindent 8 }}
      {{- include "warmpath.topologySpread" (dict "root" $root "component" .component "constraints" $values.topologySpreadConstraints) | nindent 6 }}
      {{- with $values.nodeSelector }}
      nodeSelector:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $values.tolerations }}
      tolerations:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $values.affinity }}
      affinity:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      containers:
        - name: {{ .component }}
          image: {{ include "warmpath.image" (dict "root" $root "service" .image) }}
          imagePullPolicy: {{ $root.Values.image.pullPolicy }}
          ports:
            - name: http
              containerPort: {{ $values.containerPorts.http }}
            - name: management
              containerPort: {{ $values.containerPorts.management }}
          env:
            {{- include "warmpath.jvmEnv" $values | nindent 12 }}
            {{- with .env }}
            {{- toYaml . | nindent 12 }}
            {{- end }}
          {{- include "warmpath.actuatorProbes" dict | nindent 10 }}
          lifecycle:
            preStop:
              sleep:
                seconds: 5
          resources:
            {{- toYaml $values.resources | nindent 12 }}
          securityContext:
            {{- include "warmpath.containerSecurityContext" $values.containerSecurityContext | nindent 12 }}
          volumeMounts:
            - name: config
              mountPath: /config
              readOnly: true
            - name: assertion
              mountPath: /secrets/assertion
              readOnly: true
            - name: tmp
              mountPath: /tmp
            {{- with .mounts }}
            {{- toYaml . | nindent 12 }}
            {{- end }}
      volumes:
        - name: config
          configMap:
            name: {{ $name }}
        - name: assertion
          secret:
            secretName: {{ include "warmpath.assertionSecret" $root }}
            items:
              - key: jwks.json
                path: jwks.json
        - name: tmp
          emptyDir:
            sizeLimit: 256Mi
        {{- with .volumes }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
---
apiVersion: v1
kind: Service
metadata:
  name: {{ $name }}
  namespace: {{ $root.Release.Namespace | quote }}
  labels:
    {{- include "warmpath.labels" (dict "root" $root "component" .component) | nindent 4 }}
spec:
  type: ClusterIP
  selector:
    {{- include "warmpath.selectorLabels" (dict "root" $root "component" .component) | nindent 4 }}
  ports:
    - name: http
      port: {{ $values.containerPorts.http }}
      targetPort: http
    - name: management
      port: {{ $values.containerPorts.management }}
      targetPort: management
{{- if $values.pdb.create }}
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: {{ $name }}
  namespace: {{ $root.Release.Namespace | quote }}
  labels:
    {{- include "warmpath.labels" (dict "root" $root "component" .component) | nindent 4 }}
spec:
  minAvailable: {{ $values.pdb.minAvailable }}
  selector:
    matchLabels:
      {{- include "warmpath.selectorLabels" (dict "root" $root "component" .component) | nindent 6 }}
{{- end }}
{{- end -}}
