{{- /* The labels of every object of the layer: the platform's required labels and the chart's own. */ -}}
{{- define "projects.labels" -}}
{{- toYaml .root.Values.labels }}
app.kubernetes.io/name: {{ .key }}
app.kubernetes.io/part-of: genai-platform
app.kubernetes.io/component: project
{{- end -}}

{{- /* ArgoCD makes the projects after the operators and before anything is put into them. */ -}}
{{- define "projects.annotations" -}}
argocd.argoproj.io/sync-wave: {{ .Values.syncWave | quote }}
{{- end -}}

{{- /* A project's namespace: its own `namespace`, else the shared `namespaces.<key>`, else genai-<key>. */ -}}
{{- define "projects.namespace" -}}
{{- .project.namespace | default (index .root.Values.namespaces .key) | default (printf "genai-%s" .key) -}}
{{- end -}}

{{- /* A project's GPUs: every GPU of the pool it runs on (nodes x GPUs per node), else none. */ -}}
{{- define "projects.gpus" -}}
{{- if .project.gpuPool -}}
{{- $pool := index .root.Values.gpuPools .project.gpuPool | default dict -}}
{{- if not $pool.nodes -}}
{{- fail (printf "projects.%s.gpuPool is %q, which gpuPools does not size" .key .project.gpuPool) -}}
{{- end -}}
{{- mul $pool.nodes .root.Values.gpu.gpusPerNode -}}
{{- else -}}
0
{{- end -}}
{{- end -}}
