/*
 * Jest resolver for kube-sim's tests. kubernetes-models and its
 * @kubernetes-models dependencies are ESM-only with `import`-only package
 * exports, which Jest's CommonJS resolution does not match; resolve them with
 * the `import` condition (Jest's transform then compiles them to CommonJS).
 */
const ESM_ONLY = /(^|[\\/])(kubernetes-models|@kubernetes-models)([\\/]|$)/;

module.exports = (request, options) => {
  if (ESM_ONLY.test(request) || ESM_ONLY.test(options.basedir)) {
    return options.defaultResolver(request, {
      ...options,
      conditions: ['import', 'default'],
    });
  }
  return options.defaultResolver(request, options);
};
