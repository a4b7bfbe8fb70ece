{{/* Chart name, truncated to the 63 characters Kubernetes allows in a name. */}}
{{- define "hub.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Release-scoped prefix of every object: the release name, with the chart name unless it already holds it. */}}
{{- define "hub.fullname" -}}
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

{{/* Name of one service's objects: <fullname>-<service>. */}}
{{- define "hub.serviceName" -}}
{{- printf "%s-%s" (include "hub.fullname" .root) .name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "hub.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
app.kubernetes.io/name: {{ include "hub.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: hub
{{- with .Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{/* Labels that select one service's pods (args: root, name). */}}
{{- define "hub.selectorLabels" -}}
app.kubernetes.io/name: {{ include "hub.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .name }}
{{- end -}}

{{- define "hub.serviceLabels" -}}
{{ include "hub.labels" .root }}
app.kubernetes.io/component: {{ .name }}
{{- end -}}

{{/* One service's settings: serviceDefaults deep-merged under its own entry (args: root, name). */}}
{{- define "hub.service" -}}
{{- $own := index .root.Values.services .name | default dict -}}
{{- toYaml (mergeOverwrite (deepCopy .root.Values.serviceDefaults) (deepCopy $own)) -}}
{{- end -}}

{{- define "hub.image" -}}
{{- printf "%s:%s" .Values.image.repository (.Values.image.tag | default .Chart.AppVersion) -}}
{{- end -}}

{{/* Name of the Secret the chart creates for AMQP_URL / DATABASE_URL given as values. */}}
{{- define "hub.connectionSecret" -}}
{{- printf "%s-connections" (include "hub.fullname" .) -}}
{{- end -}}

{{- define "hub.integrationsSecret" -}}
{{- .Values.integrations.existingSecret | default (printf "%s-integrations" (include "hub.fullname" .)) -}}
{{- end -}}

{{- define "hub.hasConfig" -}}
{{- if or .Values.config.files .Values.config.sensors .Values.config.schedules .Values.config.sources .Values.config.webhooks -}}true{{- end -}}
{{- end -}}

{{- define "hub.configDir" -}}
{{- if include "hub.hasConfig" . -}}{{ .Values.config.mountPath }}{{- else -}}/app/config{{- end -}}
{{- end -}}

{{/* Fails the render when neither a URL nor an existing Secret is given for a connection (args: root, key). */}}
{{- define "hub.connectionRef" -}}
{{- $conn := index .root.Values .key -}}
{{- if $conn.existingSecret -}}
name: {{ $conn.existingSecret }}
key: {{ $conn.existingSecretKey }}
{{- else if $conn.url -}}
name: {{ include "hub.connectionSecret" .root }}
key: {{ .env }}
{{- else -}}
{{- fail (printf "%s: set %s.existingSecret (a Secret holding the URL) or %s.url" .env .key .key) -}}
{{- end -}}
{{- end -}}

{{/* Environment of a hub container (args: root, name, svc). */}}
{{- define "hub.env" -}}
- name: HUB_SERVICE
  value: {{ .name | quote }}
- name: OTEL_SERVICE_NAME
  value: {{ .name | quote }}
- name: OTEL_RESOURCE_ATTRIBUTES
  value: {{ printf "service.namespace=%s,deployment.environment=%s" .root.Release.Namespace (.root.Values.environment | default "production") | quote }}
{{- if .svc.port }}
- name: {{ .svc.portEnv }}
  value: {{ .svc.port | int | quote }}
{{- end }}
{{- if .svc.queue }}
- name: HUB_SHUTDOWN_GRACE
  value: {{ printf "%ds" (max 1 (sub (.svc.terminationGracePeriodSeconds | int) 10)) | quote }}
{{- end }}
- name: HUB_CONFIG_DIR
  value: {{ include "hub.configDir" .root | quote }}
- name: HUB_DATA_DIR
  value: {{ .root.Values.dataDir | quote }}
- name: AMQP_URL
  valueFrom:
    secretKeyRef:
      {{- include "hub.connectionRef" (dict "root" .root "key" "amqp" "env" "AMQP_URL") | nindent 6 }}
- name: DATABASE_URL
  valueFrom:
    secretKeyRef:
      {{- include "hub.connectionRef" (dict "root" .root "key" "database" "env" "DATABASE_URL") | nindent 6 }}
{{- if and (or .svc.kubernetesAccess .svc.kubernetesWatch) .root.Values.rbac.create }}
- name: KUBECONFIG
  value: /etc/hub/kube/kubeconfig
{{- end }}
{{- range $key, $value := merge (deepCopy (.svc.env | default dict)) (deepCopy .root.Values.env) }}
{{- if ne (toString $value) "" }}
- name: {{ $key }}
  value: {{ toString $value | quote }}
{{- end }}
{{- end }}
{{- end -}}

{{- define "hub.integrationsEnabled" -}}
{{- if or .Values.integrations.existingSecret .Values.integrations.values -}}true{{- end -}}
{{- end -}}

{{- /* How the gateway gets its tokens: "secret" (ingest.existingSecret), "integrations" (a
HUB_INGEST_TOKENS key among the integration credentials), "open", or "generated" (a Secret the chart makes). */}}
{{- define "hub.ingestTokens" -}}
{{- if .Values.ingest.existingSecret -}}secret
{{- else if or .Values.integrations.existingSecret (hasKey .Values.integrations.values "HUB_INGEST_TOKENS") -}}integrations
{{- else if .Values.ingest.open -}}open
{{- else -}}generated
{{- end -}}
{{- end -}}

{{- define "hub.ingestSecret" -}}
{{- .Values.ingest.existingSecret | default (printf "%s-ingest-tokens" (include "hub.fullname" .)) -}}
{{- end -}}

{{- /* The gateway's own variables: every interface, and its tokens (env wins over envFrom). */}}
{{- define "hub.gatewayEnv" -}}
- name: GATEWAY_HOST
  value: 0.0.0.0
{{- $mode := include "hub.ingestTokens" . }}
{{- if or (eq $mode "secret") (eq $mode "generated") }}
- name: HUB_INGEST_TOKENS
  valueFrom:
    secretKeyRef:
      name: {{ include "hub.ingestSecret" . }}
      key: {{ .Values.ingest.existingSecretKey }}
{{- else if eq $mode "open" }}
- name: HUB_INGEST_OPEN
  value: "true"
{{- end }}
{{- end -}}
