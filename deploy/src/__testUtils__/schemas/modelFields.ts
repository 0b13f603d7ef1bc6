import ts from 'typescript';

/*
 * The JSON schemas behind kubernetes-models and @kubernetes-models/* leave objects open, so a
 * misspelled field (`containrs`, `endpoints[0].intervall`) passes them while the API server
 * rejects or drops it. Their TypeScript declarations name every field of every type: walking a
 * manifest along the model's interface finds the fields the API does not have.
 */

const options: ts.CompilerOptions = {
  module: ts.ModuleKind.ESNext,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
  target: ts.ScriptTarget.ES2022,
  lib: ['lib.es2022.d.ts'],
  types: [],
  skipLibCheck: true,
  noEmit: true,
};

let program: ts.Program | undefined;
const interfaces = new Map<
  string,
  { checker: ts.TypeChecker; type: ts.Type } | undefined
>();

/**
 * Reads the declarations in one program. Every new file means a new type checker, which costs
 * seconds: a caller that knows the kinds it will check loads all their files at once.
 */
export function loadDeclarations(files: string[]): ts.Program {
  const known = program?.getRootFileNames() ?? [];
  if (!program || files.some(f => !program!.getSourceFile(f)))
    program = ts.createProgram(
      [...new Set([...known, ...files])],
      options,
      ts.createCompilerHost(options),
      program,
    );
  return program;
}

/** The interface `I<Kind>` declared in a model's .d.ts. */
function interfaceOf(
  declarationFile: string,
  kind: string,
): { checker: ts.TypeChecker; type: ts.Type } | undefined {
  const checker = loadDeclarations([declarationFile]).getTypeChecker();
  const source = program!.getSourceFile(declarationFile);
  const module = source && checker.getSymbolAtLocation(source);
  const symbol = module
    ? checker.getExportsOfModule(module).find(s => s.name === `I${kind}`)
    : undefined;
  return symbol
    ? { checker, type: checker.getDeclaredTypeOfSymbol(symbol) }
    : undefined;
}

const SCALAR =
  ts.TypeFlags.StringLike |
  ts.TypeFlags.NumberLike |
  ts.TypeFlags.BooleanLike |
  ts.TypeFlags.Any |
  ts.TypeFlags.Unknown;

function walk(
  checker: ts.TypeChecker,
  value: unknown,
  type: ts.Type,
  at: string,
): string[] {
  if (value === null || typeof value !== 'object') return [];
  const nonNull = checker.getNonNullableType(type);
  if (nonNull.isUnion()) {
    // IntOrString and the like: the value fits if it fits one member.
    const tries = nonNull.types.map(t => walk(checker, value, t, at));
    return tries.find(t => t.length === 0) ?? tries[0] ?? [];
  }
  if (nonNull.flags & SCALAR) return [];
  if (Array.isArray(value)) {
    const item = checker.getIndexTypeOfType(nonNull, ts.IndexKind.Number);
    return item
      ? value.flatMap((v, i) => walk(checker, v, item, `${at}[${i}]`))
      : [];
  }
  const map = checker.getIndexTypeOfType(nonNull, ts.IndexKind.String);
  const fields = checker.getPropertiesOfType(nonNull);
  if (!map && fields.length === 0) return [];
  return Object.entries(value).flatMap(([key, item]) => {
    const field = at ? `${at}.${key}` : key;
    const property = checker.getPropertyOfType(nonNull, key);
    const fieldType = property ? checker.getTypeOfSymbol(property) : map;
    return fieldType
      ? walk(checker, item, fieldType, field)
      : [`${field} is not a field of ${checker.typeToString(nonNull)}`];
  });
}

/**
 * The paths of the fields of `value` that the model's interface `I<kind>` does not have, prefixed
 * with `at`; undefined when the declarations have no such interface.
 */
export function unknownModelFields(
  declarationFile: string,
  kind: string,
  value: unknown,
  at = '',
): string[] | undefined {
  const key = `${declarationFile}#${kind}`;
  if (!interfaces.has(key))
    interfaces.set(key, interfaceOf(declarationFile, kind));
  const found = interfaces.get(key);
  return found && walk(found.checker, value, found.type, at);
}
