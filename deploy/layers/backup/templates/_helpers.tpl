{{- /* The labels of every object of the layer: the platform's required labels and the chart's own. */ -}}
{{- define "backup.labels" -}}
{{- toYaml .root.Values.labels }}
app.kubernetes.io/name: {{ .name }}
app.kubernetes.io/part-of: genai-platform
app.kubernetes.io/component: backup
{{- end -}}

{{- /* ArgoCD configures the backups once the workloads they cover are there. */ -}}
{{- define "backup.annotations" -}}
argocd.argoproj.io/sync-wave: {{ .Values.syncWave | quote }}
{{- end -}}

{{- /* An operator's custom resource: its CRD may not exist yet when ArgoCD dry-runs the sync. */ -}}
{{- define "backup.customResourceAnnotations" -}}
{{ include "backup.annotations" . }}
argocd.argoproj.io/sync-options: SkipDryRunOnMissingResource=true
{{- end -}}

{{- /* The tenant's S3 endpoint: its `minio` Service, TLS on 443. */ -}}
{{- define "backup.minioEndpoint" -}}
https://minio.{{ .Values.namespaces.storage }}.svc.{{ .Values.clusterDomain }}
{{- end -}}
