import TextField from '@material-ui/core/TextField';
import type { ChatParamsForm, ChatParamsText } from '../../hooks/useChatParams';

const fields: Array<{
  name: keyof ChatParamsText;
  label: string;
  id: string;
  inputProps: { step: number; min: number; max?: number };
}> = [
  {
    name: 'temperature',
    label: 'Temperature',
    id: 'inference-temperature',
    inputProps: { step: 0.1, min: 0, max: 2 },
  },
  {
    name: 'topP',
    label: 'Top P',
    id: 'inference-top-p',
    inputProps: { step: 0.05, min: 0, max: 1 },
  },
  {
    name: 'maxTokens',
    label: 'Max tokens',
    id: 'inference-max-tokens',
    inputProps: { step: 1, min: 1 },
  },
];

/** Temperature, top P and max tokens, each with what is wrong with it under it. */
export function ChatParamsFields(props: { form: ChatParamsForm }) {
  const { text, setText, errors } = props.form;
  return (
    <>
      {fields.map(field => (
        <TextField
          key={field.name}
          fullWidth
          label={field.label}
          id={field.id}
          type="number"
          value={text[field.name]}
          onChange={e => setText(field.name, e.target.value)}
          error={Boolean(errors[field.name])}
          helperText={errors[field.name]}
          inputProps={field.inputProps}
          variant="outlined"
          margin="dense"
        />
      ))}
    </>
  );
}
