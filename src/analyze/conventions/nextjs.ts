// Next.js: route handlers (`app/**/route.ts` exporting GET, POST, …), server-rendered pages and layouts (default
// exports of `app/**/page.tsx` / `layout.tsx` without "use client"), server actions ("use server" modules and
// functions), `middleware.ts`, API routes (`pages/api/**` default exports) and `getServerSideProps`. Each path also
// counts under `src/`.
import ts from "../typescript.cjs";
import { functionName, isFunctionNode } from "../callgraph.js";
import { type Convention, EXT, hasDirective, routePath, withSrc } from "./convention.js";

const METHODS = new Set(["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]);
const APP = ["app", "src/app"];
const PAGES = ["pages", "src/pages"];

const isServerModule = (file: ts.SourceFile): boolean => !hasDirective(file.statements, "use client");

const nextjs: Convention = {
  name: "Next.js",
  files: [
    {
      paths: withSrc(`app/**/route.${EXT}`),
      exports: (name) => METHODS.has(name),
      label: (path, name) => `Next.js ${name} ${routePath(path, APP, false)}`,
    },
    {
      paths: withSrc(`app/**/page.${EXT}`),
      exports: (name) => name === "default",
      accepts: isServerModule,
      label: (path) => `Next.js page ${routePath(path, APP, false)}`,
    },
    {
      paths: withSrc(`app/**/layout.${EXT}`),
      exports: (name) => name === "default",
      accepts: isServerModule,
      label: (path) => `Next.js layout ${routePath(path, APP, false)}`,
    },
    {
      paths: withSrc(`middleware.${EXT}`),
      exports: (name) => name === "middleware" || name === "default",
      label: () => "Next.js middleware",
    },
    {
      paths: withSrc(`pages/api/**/*.${EXT}`),
      exports: (name) => name === "default",
      label: (path) => `Next.js API ${routePath(path, PAGES, true)}`,
    },
    {
      paths: withSrc(`pages/**/*.${EXT}`),
      exports: (name) => name === "getServerSideProps",
      label: (path) => `Next.js getServerSideProps ${routePath(path, PAGES, true)}`,
    },
  ],
  shapes: [
    {
      // A "use server" module: every export is a server action.
      kinds: [ts.SyntaxKind.SourceFile],
      detect(node, context) {
        const file = node as ts.SourceFile;
        if (!hasDirective(file.statements, "use server")) return;
        for (const exported of context.exportsOf(file)) {
          context.request([exported.fn], exported.at, `Next.js server action ${exported.name}`);
        }
      },
    },
    {
      // A function whose body starts with "use server" (an inline server action).
      kinds: [ts.SyntaxKind.FunctionDeclaration, ts.SyntaxKind.FunctionExpression, ts.SyntaxKind.ArrowFunction, ts.SyntaxKind.MethodDeclaration],
      detect(node, context) {
        if (!isFunctionNode(node) || node.body === undefined || !ts.isBlock(node.body)) return;
        if (!hasDirective(node.body.statements, "use server")) return;
        if (hasDirective(node.getSourceFile().statements, "use server")) return; // the module's exports already count
        context.request([node], node.body.statements[0], `Next.js server action ${functionName(node)}`);
      },
    },
  ],
};

export default nextjs;
