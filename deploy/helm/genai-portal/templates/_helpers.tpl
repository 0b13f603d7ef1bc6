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

{{- /* Exits 0 when the backend answers its liveness check on the pod's loopback address. */ -}}
{{- define "genai-portal.loopbackCheck" -}}
fetch('http://127.0.0.1:7007/.backstage/health/v1/liveness').then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))
{{- end -}}

{{- /*
The kubelet's own sleep (Kubernetes 1.30+, OpenShift 4.17+): no sleep binary needed in either
image, and it counts against terminationGracePeriodSeconds like any preStop hook.
*/ -}}
{{- define "genai-portal.preStop" -}}
preStop:
  sleep:
    seconds: {{ .Values.preStopSleepSeconds }}
{{- end -}}
