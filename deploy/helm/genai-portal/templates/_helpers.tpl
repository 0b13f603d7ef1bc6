{{- define "genai-portal.name" -}}{{ .Release.Name }}{{- end -}}

{{- define "genai-portal.labels" -}}
app.kubernetes.io/name: genai-portal
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
security-level: {{ .Values.securityLevel }}
data-classification: {{ .Values.dataClassification }}
{{- end -}}

{{- define "genai-portal.selector" -}}
app.kubernetes.io/name: genai-portal
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "genai-portal.restricted" -}}
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
runAsNonRoot: true
capabilities:
  drop: [ALL]
seccompProfile:
  type: RuntimeDefault
{{- end -}}
