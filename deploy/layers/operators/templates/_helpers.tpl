{{- /* The labels of every object of the layer: the platform's required labels and the chart's own. */ -}}
{{- define "operators.labels" -}}
{{- toYaml .root.Values.labels }}
app.kubernetes.io/name: {{ .name }}
app.kubernetes.io/part-of: genai-platform
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{- /* ArgoCD installs the operators before any layer uses their CRDs. */ -}}
{{- define "operators.annotations" -}}
argocd.argoproj.io/sync-wave: {{ .Values.syncWave | quote }}
{{- end -}}

{{- /*
  The enabled operators by namespace, as YAML (namespace: [keys]): OLM allows one OperatorGroup per
  namespace, so operators sharing one share its OperatorGroup and guardrails.
*/ -}}
{{- define "operators.byNamespace" -}}
{{- $byNamespace := dict }}
{{- range $key, $operator := .Values.operators }}
{{- if $operator.enabled }}
{{- $namespace := required (printf "operators.%s.namespace" $key) $operator.namespace }}
{{- $_ := set $byNamespace $namespace (append (get $byNamespace $namespace | default list) $key) }}
{{- end }}
{{- end }}
{{- toYaml $byNamespace }}
{{- end -}}
