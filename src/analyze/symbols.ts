// Names the innermost named function, method, class or top-level variable around a node, for fingerprints.
import ts from "./typescript.cjs";

/** "src/a.ts#getLink", "src/a.ts#LinksController.get", or "src/a.ts" at module level outside any declaration. */
export function enclosingSymbol(node: ts.Node, file: string): string {
  for (let current: ts.Node | undefined = node; current; current = current.parent) {
    const name = declarationName(current);
    if (name === undefined) continue;
    const owner = current.parent && ts.isClassLike(current.parent) ? current.parent : undefined;
    const ownerName = owner?.name?.text;
    return `${file}#${ownerName ? `${ownerName}.${name}` : name}`;
  }
  return file;
}

function declarationName(node: ts.Node): string | undefined {
  if (
    (ts.isFunctionDeclaration(node) ||
      ts.isMethodDeclaration(node) ||
      ts.isClassDeclaration(node) ||
      ts.isClassExpression(node) ||
      ts.isGetAccessorDeclaration(node) ||
      ts.isSetAccessorDeclaration(node) ||
      ts.isPropertyDeclaration(node)) &&
    node.name &&
    (ts.isIdentifier(node.name) || ts.isStringLiteral(node.name) || ts.isPrivateIdentifier(node.name))
  ) {
    return node.name.text;
  }
  if (ts.isConstructorDeclaration(node)) return "constructor";
  // A variable names the symbol only at top level, or when it holds a function: renaming a local must not
  // change a fingerprint.
  if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name) && (isTopLevel(node) || holdsFunction(node))) return node.name.text;
  if ((ts.isFunctionExpression(node) || ts.isArrowFunction(node)) && node.parent) {
    if (ts.isPropertyAssignment(node.parent) && ts.isIdentifier(node.parent.name)) return node.parent.name.text;
    if (ts.isFunctionExpression(node) && node.name) return node.name.text;
  }
  return undefined;
}

function isTopLevel(declaration: ts.VariableDeclaration): boolean {
  const statement = declaration.parent?.parent;
  return statement !== undefined && ts.isVariableStatement(statement) && ts.isSourceFile(statement.parent);
}

function holdsFunction(declaration: ts.VariableDeclaration): boolean {
  const value = declaration.initializer;
  return value !== undefined && (ts.isArrowFunction(value) || ts.isFunctionExpression(value));
}
