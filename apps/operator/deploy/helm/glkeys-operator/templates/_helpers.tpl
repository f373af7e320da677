{{/* Names, labels and the checks every template shares. */}}

{{- define "glkeys-operator.name" -}}
{{- .Chart.Name | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "glkeys-operator.fullname" -}}
{{- if contains .Chart.Name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}

{{- define "glkeys-operator.selectorLabels" -}}
app.kubernetes.io/name: {{ include "glkeys-operator.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "glkeys-operator.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{ include "glkeys-operator.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/component: operator
app.kubernetes.io/part-of: glkeys
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{- define "glkeys-operator.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "glkeys-operator.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- required "serviceAccount.name is required when serviceAccount.create is false" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "glkeys-operator.image" -}}
{{- if .Values.image.digest }}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest }}
{{- else }}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}
{{- end }}

{{/*
The rules of config/rbac/role.yaml (copied to files/rbac.yaml by `pnpm run generate`): document 0
is the ClusterRole (reconciling), document 1 the Role in the operator's own namespace (Lease and
orphan record). One source, so the chart cannot drift from what the operator was tested with.
*/}}
{{- define "glkeys-operator.rbacDocument" -}}
{{- $docs := splitList "\n---\n" (.context.Files.Get "files/rbac.yaml") }}
{{- toYaml (get (index $docs .index | fromYaml) "rules") }}
{{- end }}

{{/* Refuse combinations that would run two reconcilers at once. */}}
{{- define "glkeys-operator.checks" -}}
{{- if and (gt (int .Values.replicaCount) 1) (not .Values.leaderElection.enabled) }}
{{- fail "replicaCount > 1 needs leaderElection.enabled: two replicas without a Lease would both reconcile" }}
{{- end }}
{{- end }}
