{{- /* The labels of every object of the layer: the platform's required labels and the chart's own. */ -}}
{{- define "blueprints.labels" -}}
{{- toYaml .root.Values.labels }}
app.kubernetes.io/name: {{ .name }}
app.kubernetes.io/part-of: genai-platform
app.kubernetes.io/component: blueprint-queue
{{- end -}}

{{- /* Kueue's objects: after the projects, once the operator's CRDs exist (ArgoCD cannot dry-run them before). */ -}}
{{- define "blueprints.annotations" -}}
argocd.argoproj.io/sync-wave: {{ .Values.syncWave | quote }}
argocd.argoproj.io/sync-options: SkipDryRunOnMissingResource=true
{{- end -}}
