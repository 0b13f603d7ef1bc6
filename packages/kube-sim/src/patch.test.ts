import { jsonPatch, mergePatch, strategicMergePatch } from './patch';

describe('patches', () => {
  it('merge patch replaces lists and deletes with null', () => {
    expect(
      mergePatch(
        { a: 1, b: { c: 2, d: 3 }, l: [1, 2] },
        { b: { c: null }, l: [3] },
      ),
    ).toEqual({ a: 1, b: { d: 3 }, l: [3] });
  });

  it('strategic merge patch merges containers, env and ports by key', () => {
    const pod = {
      spec: {
        containers: [
          {
            name: 'a',
            image: 'a:1',
            env: [{ name: 'X', value: '1' }],
            ports: [{ containerPort: 80, name: 'http' }],
          },
          { name: 'b', image: 'b:1' },
        ],
      },
    };
    const patched = strategicMergePatch(pod, {
      spec: {
        '$setElementOrder/containers': [{ name: 'a' }, { name: 'b' }],
        containers: [
          {
            name: 'a',
            env: [{ name: 'Y', value: '2' }],
            ports: [{ containerPort: 80, protocol: 'TCP' }],
          },
          { name: 'b', $patch: 'delete' },
          { name: 'c', image: 'c:1' },
        ],
      },
    });
    expect(patched.spec.containers).toEqual([
      {
        name: 'a',
        image: 'a:1',
        env: [
          { name: 'X', value: '1' },
          { name: 'Y', value: '2' },
        ],
        ports: [{ containerPort: 80, name: 'http', protocol: 'TCP' }],
      },
      { name: 'c', image: 'c:1' },
    ]);
    expect(
      strategicMergePatch(
        { metadata: { finalizers: ['a'] } },
        { metadata: { finalizers: ['b'] } },
      ),
    ).toEqual({ metadata: { finalizers: ['a', 'b'] } });
    expect(
      strategicMergePatch(
        { spec: { args: ['1', '2'] } },
        { spec: { args: ['3'] } },
      ),
    ).toEqual({ spec: { args: ['3'] } });
    expect(
      strategicMergePatch(
        {
          spec: {
            strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1 } },
          },
        },
        { spec: { strategy: { $retainKeys: ['type'], type: 'Recreate' } } },
      ),
    ).toEqual({ spec: { strategy: { type: 'Recreate' } } });
  });

  it('json patch applies RFC 6902 operations and fails tests with 422', () => {
    const doc = { metadata: { labels: { 'a/b': 'x' } }, list: [1, 2] };
    expect(
      jsonPatch(doc, [
        { op: 'replace', path: '/metadata/labels/a~1b', value: 'y' },
        { op: 'add', path: '/list/-', value: 3 },
        { op: 'remove', path: '/list/0' },
        { op: 'copy', from: '/list/0', path: '/first' },
      ]),
    ).toEqual({ metadata: { labels: { 'a/b': 'y' } }, list: [2, 3], first: 2 });
    expect(() =>
      jsonPatch(doc, [{ op: 'test', path: '/list/0', value: 9 }]),
    ).toThrow(expect.objectContaining({ code: 422 }));
    expect(() => jsonPatch(doc, [{ op: 'remove', path: '/nope' }])).toThrow(
      expect.objectContaining({ code: 422 }),
    );
  });
});
