{{- /* The labels of every object and pod template: the platform's required labels and the chart's. */ -}}
{{- define "data.labels" -}}
{{- toYaml .root.Values.labels }}
app.kubernetes.io/name: {{ .name }}
app.kubernetes.io/part-of: genai-platform
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{- /* ArgoCD syncs the data services after the projects and before what uses them. */ -}}
{{- define "data.annotations" -}}
argocd.argoproj.io/sync-wave: {{ .Values.syncWave | quote }}
{{- end -}}

{{- /* An operator's custom resource: its CRD may not exist yet when ArgoCD dry-runs the sync. */ -}}
{{- define "data.customResourceAnnotations" -}}
{{ include "data.annotations" . }}
argocd.argoproj.io/sync-options: SkipDryRunOnMissingResource=true
{{- end -}}

{{- define "data.restricted" -}}
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
runAsNonRoot: true
capabilities:
  drop: [ALL]
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{- /* A namespaceSelector peer naming one namespace. */ -}}
{{- define "data.namespacePeer" -}}
namespaceSelector:
  matchLabels:
    kubernetes.io/metadata.name: {{ . }}
{{- end -}}

{{- /*
  Egress to the Kubernetes API, which policies see on the API servers' own addresses and ports
  (after the kubernetes Service's DNAT): to kubeApi.cidrs when given, else to any address on
  those ports only.
*/ -}}
{{- define "data.kubeApiEgress" -}}
- ports:
    {{- range .Values.kubeApi.ports }}
    - { port: {{ . }}, protocol: TCP }
    {{- end }}
  {{- with .Values.kubeApi.cidrs }}
  to:
    {{- range . }}
    - ipBlock: { cidr: {{ . }} }
    {{- end }}
  {{- end }}
{{- end -}}


{{- /* MinIO's S3 endpoint: the operator's `minio` Service of the tenant, on TLS (443 with requestAutoCert). */ -}}
{{- define "data.minioEndpoint" -}}
https://minio.{{ .Values.namespaces.storage }}.svc.{{ .Values.clusterDomain }}
{{- end -}}


{{- /*
  An operator's pods as a peer: its namespace, narrowed to its pods' labels when given (in the
  same namespace: the labels alone).
*/ -}}
{{- define "data.operatorPeer" -}}
{{- if ne .operator.namespace .namespace -}}
namespaceSelector:
  matchLabels:
    kubernetes.io/metadata.name: {{ .operator.namespace }}
{{ end -}}
{{- if or .operator.podLabels (eq .operator.namespace .namespace) -}}
podSelector:
  matchLabels: {{- toYaml (.operator.podLabels | default dict) | nindent 4 }}
{{- end -}}
{{- end -}}
