{{- /* The labels of every object of the layer: the platform's required labels and the chart's own. */ -}}
{{- define "mesh.labels" -}}
{{- toYaml .root.Values.labels }}
app.kubernetes.io/name: {{ .name }}
app.kubernetes.io/part-of: genai-platform
app.kubernetes.io/component: service-mesh
{{- end -}}

{{- /* Istio's objects: once the Services exist, and the mesh's CRDs (ArgoCD cannot dry-run them before). */ -}}
{{- define "mesh.annotations" -}}
argocd.argoproj.io/sync-wave: {{ .Values.syncWave | quote }}
argocd.argoproj.io/sync-options: SkipDryRunOnMissingResource=true
{{- end -}}

{{- /* A Service's name inside the cluster, as Istio matches hosts. */ -}}
{{- define "mesh.host" -}}
{{ .service }}.{{ .namespace }}.svc.cluster.local
{{- end -}}
