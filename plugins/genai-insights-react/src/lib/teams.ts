/** Team refs as people read them and as the pages' `?team=` takes them. */

/** "ml-research" from "group:default/ml-research"; other namespaces keep theirs. @public */
export function teamName(ref: string): string {
  const match = /^(?:[^:]+:)?(?:([^/]+)\/)?(.+)$/.exec(ref);
  if (!match) {
    return ref;
  }
  const [, namespace, name] = match;
  return namespace && namespace !== 'default' ? `${namespace}/${name}` : name;
}

/** How a team goes in the page's `?team=`: its name in the default namespace, else its ref. @public */
export function teamParam(ref: string): string {
  const match = /^group:default\/([^/]+)$/.exec(ref);
  return match ? match[1] : ref;
}
