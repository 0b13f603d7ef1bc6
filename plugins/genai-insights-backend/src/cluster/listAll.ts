/** The list metadata of a typed list (`_continue`) or of a raw one, as custom objects come (`continue`). */
export interface ListPageMeta {
  _continue?: string;
  continue?: string;
}

/** Every item of a list, following `continue` tokens. */
export async function listAll<T>(
  page: (
    token: string | undefined,
  ) => Promise<{ items: T[]; metadata?: ListPageMeta }>,
): Promise<T[]> {
  const items: T[] = [];
  let token: string | undefined;
  do {
    const list = await page(token);
    if (!Array.isArray(list?.items)) {
      throw new Error('the Kubernetes API answered a list without items');
    }
    items.push(...list.items);
    token = list.metadata?._continue || list.metadata?.continue || undefined;
  } while (token);
  return items;
}
