import { Progress } from '@backstage/core-components';
import { useEnvironments } from '@genai-portal/plugin-genai-playground-react';
import Grid from '@material-ui/core/Grid';
import Alert from '@material-ui/lab/Alert';
import { useEffect, useMemo, useState } from 'react';
import { useInferenceModels } from '../../hooks/useInferenceModels';
import { useChatParams } from '../../hooks/useChatParams';
import { useChatSession } from '../../hooks/useChatSession';
import { ChatComposer } from '../ChatComposer';
import { ChatConversation } from '../ChatConversation';
import {
  InferenceSettings,
  InferenceSettingsValues,
} from '../InferenceSettings';
import { ViewCodeDialog } from '../ViewCodeDialog';

/**
 * The inference playground: chat with the gateway's models as the signed-in user, streaming the
 * answer, with tokens and cost per answer, a side-by-side compare mode and code snippets.
 */
export function InferencePage() {
  const models = useInferenceModels();
  const environments = useEnvironments({});
  const paramsForm = useChatParams();
  const [settings, setSettings] = useState<InferenceSettingsValues>({
    modelIds: ['', ''],
    compare: false,
    environment: '',
    systemPrompt: '',
  });
  const [codeOpen, setCodeOpen] = useState(false);
  const { modelIds, compare } = settings;
  const active = compare ? [0, 1] : [0];
  const session = useChatSession({
    modelIds,
    active,
    systemPrompt: settings.systemPrompt,
    environment: settings.environment,
    params: paramsForm.params,
  });

  // embedding models cannot chat
  const list = useMemo(
    () => (models.value ?? []).filter(m => m.genai?.kind !== 'embedding'),
    [models.value],
  );

  // The first two models are proposed once they are known.
  useEffect(() => {
    if (list.length > 0 && !modelIds[0]) {
      setSettings(s => ({
        ...s,
        modelIds: [list[0].id, (list[1] ?? list[0]).id],
      }));
    }
  }, [list, modelIds]);

  if (models.loading) {
    return <Progress />;
  }
  if (models.error) {
    return (
      <Alert severity="error">
        Could not load the models: {models.error.message}
      </Alert>
    );
  }

  return (
    <Grid container spacing={3}>
      <Grid item xs={12} md={4}>
        <InferenceSettings
          models={list}
          environments={environments.value ?? []}
          values={settings}
          onChange={change => setSettings(s => ({ ...s, ...change }))}
          paramsForm={paramsForm}
          onViewCode={() => setCodeOpen(true)}
        />
      </Grid>
      <Grid item xs={12} md={8}>
        <Grid container spacing={2}>
          {active.map(index => (
            <Grid item xs={12} md={compare ? 6 : 12} key={index}>
              <ChatConversation
                title={modelIds[index] || 'Conversation'}
                panel={session.panels[index]}
                model={list.find(m => m.id === modelIds[index])}
              />
            </Grid>
          ))}
          <Grid item xs={12}>
            <ChatComposer
              canSend={Boolean(modelIds[0]) && !paramsForm.invalid}
              streaming={session.streaming}
              onSend={session.send}
              onStop={session.stop}
              onClear={session.clear}
            />
          </Grid>
        </Grid>
      </Grid>
      <ViewCodeDialog
        open={codeOpen}
        onClose={() => setCodeOpen(false)}
        model={modelIds[0]}
        systemPrompt={settings.systemPrompt.trim()}
        params={paramsForm.params}
      />
    </Grid>
  );
}
