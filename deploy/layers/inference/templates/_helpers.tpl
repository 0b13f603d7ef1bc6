{{- /* The labels of every object of the layer: the platform's required labels and the chart's own. */ -}}
{{- define "inference.labels" -}}
{{- toYaml .root.Values.labels }}
app.kubernetes.io/name: {{ .name }}
app.kubernetes.io/part-of: genai-platform
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{- /* A model server's labels: the portal reads the component (model-server: the inference pool) and the model. */ -}}
{{- define "inference.modelLabels" -}}
{{- include "inference.labels" (dict "root" .root "name" "vllm" "component" "model-server") }}
app.kubernetes.io/instance: {{ .model.name }}
{{- end -}}

{{- /* What a model server's Service, PDB and policies select: its own pods only. */ -}}
{{- define "inference.selector" -}}
app.kubernetes.io/name: vllm
app.kubernetes.io/instance: {{ .model.name }}
{{- end -}}

{{- /* ArgoCD makes the model servers once the projects and the data layer exist. */ -}}
{{- define "inference.annotations" -}}
argocd.argoproj.io/sync-wave: {{ .Values.syncWave | quote }}
{{- end -}}

{{- /* An operator's custom resource: ArgoCD's dry run cannot know the kind before the operator is installed. */ -}}
{{- define "inference.crAnnotations" -}}
{{- include "inference.annotations" . }}
argocd.argoproj.io/sync-options: SkipDryRunOnMissingResource=true
{{- end -}}
