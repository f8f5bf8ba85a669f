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
import type { Convention, FileConvention, Shape } from "./convention.js";
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

/** The shapes to try on a node, by its kind. */
const shapesByKind = new Map<ts.SyntaxKind, Shape[]>();
for (const convention of CONVENTIONS) {
  for (const shape of convention.shapes ?? []) {
    for (const kind of shape.kinds) shapesByKind.set(kind, [...(shapesByKind.get(kind) ?? []), shape]);
  }
}

/** Every kind of node some shape looks at. */
export const SHAPE_KINDS: ReadonlySet<ts.SyntaxKind> = new Set(shapesByKind.keys());

export function shapesFor(kind: ts.SyntaxKind): readonly Shape[] {
  return shapesByKind.get(kind) ?? [];
}

export type { Convention, FileConvention, Shape, ShapeContext } from "./convention.js";
