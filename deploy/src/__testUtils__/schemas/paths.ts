/** `/spec/template/0/name` (a JSON pointer, as ajv reports it) as `spec.template[0].name`. */
export function fieldPath(pointer: string): string {
  let out = '';
  for (const part of pointer.split('/').slice(1)) {
    const name = part.replace(/~1/g, '/').replace(/~0/g, '~');
    if (/^\d+$/.test(name)) out += `[${name}]`;
    else out += out ? `.${name}` : name;
  }
  return out;
}
