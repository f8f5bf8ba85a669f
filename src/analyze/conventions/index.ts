// The conventions topo-lint knows: frameworks that call exports of modules at conventional paths per request, and
// libraries that hand functions to a framework, a consumer loop or a scheduler. Adding one: a file here, listed
// below, and a fixture under fixtures/analyze/conventions/<name>/.
import picomatch from "picomatch";
import ts from "../typescript.cjs";
import agenda from "./agenda.js";
import amqplib from "./amqplib.js";
import astro from "./astro.js";
import bull from "./bull.js";
import connect from "./connect.js";
import { type Convention, type FileConvention, type Shape, methodName } from "./convention.js";
import cron from "./cron.js";
import fastify from "./fastify.js";
import honoOpenapi from "./hono-openapi.js";
import kafkajs from "./kafkajs.js";
import nats from "./nats.js";
import nest from "./nest.js";
import nextjs from "./nextjs.js";
import nitro from "./nitro.js";
import pgBoss from "./pg-boss.js";
import remix from "./remix.js";
import sqsConsumer from "./sqs-consumer.js";
import sveltekit from "./sveltekit.js";
import temporal from "./temporal.js";
import trpc from "./trpc.js";

/** Request conventions first, then background ones; each in alphabetical order. */
export const CONVENTIONS: readonly Convention[] = [
  astro,
  connect,
  fastify,
  honoOpenapi,
  nest,
  nextjs,
  nitro,
  remix,
  sveltekit,
  trpc,
  agenda,
  amqplib,
  bull,
  cron,
  kafkajs,
  nats,
  pgBoss,
  sqsConsumer,
  temporal,
];

const compiled = CONVENTIONS.flatMap((convention) =>
  (convention.files ?? []).map((file) => ({ file, matches: picomatch([...file.paths], { dot: true }) })),
);

/** The file conventions a path (relative to a convention base) matches. */
export function fileConventionsFor(path: string): FileConvention[] {
  return compiled.filter((entry) => entry.matches(path)).map((entry) => entry.file);
}

/** The shapes to try on a node of each kind, in the order of CONVENTIONS. */
const shapesByKind = new Map<ts.SyntaxKind, Shape[]>();
for (const convention of CONVENTIONS) {
  for (const shape of convention.shapes ?? []) {
    for (const kind of shape.kinds) shapesByKind.set(kind, [...(shapesByKind.get(kind) ?? []), shape]);
  }
}
const callShapes = shapesByKind.get(ts.SyntaxKind.CallExpression) ?? [];
/** The call shapes that try every call, whatever it is made through. */
const anyCallShapes = callShapes.filter((shape) => shape.methods === undefined);
/** Per method name some shape asks for, the call shapes to try on a call made through it, in the same order. */
const callShapesByMethod = new Map<string, Shape[]>();
for (const method of callShapes.flatMap((shape) => shape.methods ?? [])) {
  callShapesByMethod.set(method, callShapes.filter((shape) => shape.methods === undefined || shape.methods.includes(method)));
}

/** Every kind of node some shape looks at. */
export const SHAPE_KINDS: ReadonlySet<ts.SyntaxKind> = new Set(shapesByKind.keys());

/** The shapes to try on a node: those of its kind, and for a call only those that accept the method it is made through. */
export function shapesFor(node: ts.Node): readonly Shape[] {
  if (node.kind !== ts.SyntaxKind.CallExpression) return shapesByKind.get(node.kind) ?? [];
  const method = methodName(node as ts.CallExpression);
  return (method === undefined ? undefined : callShapesByMethod.get(method)) ?? anyCallShapes;
}

export type { Convention, FileConvention, Shape, ShapeContext } from "./convention.js";
