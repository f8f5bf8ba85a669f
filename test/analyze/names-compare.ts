// Compares what analyze/names.ts answers with what the type checker answers, name by name: the symbol a name stands
// for, what an alias stands for, what a module exports. Answers are compared by the declarations they lead to.
import ts from "../../src/analyze/typescript.cjs";
import type { Names } from "../../src/analyze/names.js";

const where = (declaration: ts.Node): string => {
  const source = declaration.getSourceFile();
  return `${source.fileName}:${source.getLineAndCharacterOfPosition(declaration.getStart(source)).line + 1}`;
};
const declarationsOf = (symbol: ts.Symbol | undefined): string => [...new Set((symbol?.declarations ?? []).map(where))].sort().join(",");

/** Whether the checker answers this name from types (a member of a value), which names.ts leaves to analyze/members.ts. */
function isMemberName(node: ts.Identifier): boolean {
  const parent = node.parent;
  if (ts.isPropertyAccessExpression(parent) && parent.name === node) return true;
  if (ts.isBindingElement(parent) && parent.propertyName === node) return true;
  if (ts.isJsxAttribute(parent) || ts.isJsxNamespacedName(parent)) return true;
  if (ts.isImportSpecifier(parent) || ts.isExportSpecifier(parent)) return parent.propertyName === node;
  // `typeof a.b`: `b` is a member of the value `a`; `typeof this.x`
  if (ts.isQualifiedName(parent) && parent.right === node && ts.findAncestor(parent, ts.isTypeQueryNode) !== undefined) return true;
  if (node.text === "this") return true;
  // `<spline-viewer>`: an element of the platform, which the checker looks up in JSX's global declarations.
  if ((ts.isJsxOpeningLikeElement(parent) || ts.isJsxClosingElement(parent)) && /^[a-z]/.test(node.text)) return true;
  if (ts.isMetaProperty(parent) || ts.isLabeledStatement(parent) || ts.isBreakOrContinueStatement(parent)) return true;
  // `{ [key]: … }` names, JSX tags of the platform, `this`-typed and JSDoc names
  return ts.isJSDoc(parent) || ts.findAncestor(node, (n) => ts.isJSDoc(n) || ts.isJSDocTypeExpression(n)) !== undefined;
}

export interface Disagreement {
  at: string;
  text: string;
  checker: string;
  names: string;
}

/** Every name of `files` where the two answers differ (limited to `limit`), and how many names were compared. */
export function nameDisagreements(checker: ts.TypeChecker, names: Names, files: readonly ts.SourceFile[], limit = 200): { compared: number; found: Disagreement[] } {
  const found: Disagreement[] = [];
  let compared = 0;
  const note = (node: ts.Node, text: string, theirs: string, mine: string) => {
    if (theirs !== mine && found.length < limit) found.push({ at: where(node), text, checker: theirs, names: mine });
  };
  for (const file of files) {
    const visit = (node: ts.Node): void => {
      if (ts.isIdentifier(node) && !isMemberName(node)) {
        compared++;
        const theirs = checker.getSymbolAtLocation(node);
        const mine = names.symbolAt(node);
        note(node, node.text, declarationsOf(theirs), declarationsOf(mine));
        if (theirs !== undefined && theirs.flags & ts.SymbolFlags.Alias && mine !== undefined) {
          let target: ts.Symbol | undefined;
          try {
            target = checker.getAliasedSymbol(theirs);
          } catch {
            target = undefined;
          }
          note(node, `${node.text} (alias)`, declarationsOf(target), declarationsOf(names.aliased(mine)));
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(file);
    const module = checker.getSymbolAtLocation(file) ?? (file as { symbol?: ts.Symbol }).symbol;
    const mine = names.symbolOf(file);
    if (module !== undefined && mine !== undefined) {
      compared++;
      const list = (symbols: readonly ts.Symbol[]) =>
        symbols.map((symbol) => `${symbol.name}=${declarationsOf(symbol)}`).sort().join(" ");
      note(file, "(exports)", list(checker.getExportsOfModule(module)), list(names.exportsOf(mine)));
    }
  }
  return { compared, found };
}
