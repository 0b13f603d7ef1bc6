{{- /* The labels of every object of the layer: the platform's required labels and the chart's own. */ -}}
{{- define "observability.labels" -}}
{{- toYaml .root.Values.labels }}
app.kubernetes.io/name: {{ .name }}
app.kubernetes.io/part-of: genai-platform
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{- /* ArgoCD syncs the layer after the workloads it watches. */ -}}
{{- define "observability.annotations" -}}
argocd.argoproj.io/sync-wave: {{ .Values.syncWave | quote }}
{{- end -}}

{{- /* An operator's custom resource: ArgoCD skips its dry run while the operator's CRD is missing. */ -}}
{{- define "observability.crAnnotations" -}}
{{ include "observability.annotations" . }}
argocd.argoproj.io/sync-options: SkipDryRunOnMissingResource=true
{{- end -}}

{{- /* An alert's runbook: its section of the layer's README (GitHub's anchor: the heading lowercased). */ -}}
{{- define "observability.runbook" -}}
{{ .root.Values.runbookUrl }}#{{ lower .alert }}
{{- end -}}

{{- /* The platform's projects as a regular expression of namespace names. */ -}}
{{- define "observability.projectsRegex" -}}
{{- $names := list -}}
{{- range $key := list "portal" "inference" "blueprints" "data" "storage" "monitoring" "logging" "cicd" -}}
{{- $names = append $names (index $.Values.namespaces $key) -}}
{{- end -}}
{{- join "|" $names -}}
{{- end -}}

{{- /* The OpenTelemetry collector's Service, as the operator names it. */ -}}
{{- define "observability.collectorService" -}}
{{ .Values.tracing.collector.name }}-collector
{{- end -}}
