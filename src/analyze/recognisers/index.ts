// The recognisers topo-lint knows, in the order they are tried. Adding a library: one file here + one fixture.
import type { TopologyConfig } from "../../model.js";
import apollo from "./apollo.js";
import axios from "./axios.js";
import { clientPackages } from "./client.js";
import drizzle from "./drizzle.js";
import fetch from "./fetch.js";
import got from "./got.js";
import graphqlRequest from "./graphql-request.js";
import grpc from "./grpc.js";
import http from "./http.js";
import ioredis from "./ioredis.js";
import knex from "./knex.js";
import ky from "./ky.js";
import mongodb from "./mongodb.js";
import mongoose from "./mongoose.js";
import mysql2 from "./mysql2.js";
import nestHttp from "./nest-http.js";
import ofetch from "./ofetch.js";
import openapiFetch from "./openapi-fetch.js";
import pg from "./pg.js";
import postgres from "./postgres.js";
import prisma from "./prisma.js";
import type { Recogniser } from "./recogniser.js";
import redis from "./redis.js";
import sequelize from "./sequelize.js";
import socketIo from "./socket-io.js";
import trpc from "./trpc.js";
import typeorm from "./typeorm.js";
import undici from "./undici.js";
import upstashRedis from "./upstash-redis.js";
import ws from "./ws.js";

/** Libraries that call services over HTTP or gRPC. */
export const callRecognisers: readonly Recogniser[] = [
  fetch,
  axios,
  got,
  ky,
  ofetch,
  openapiFetch,
  undici,
  http,
  nestHttp,
  graphqlRequest,
  apollo,
  trpc,
  ws,
  socketIo,
  grpc,
];

/** Database drivers. */
export const driverRecognisers: readonly Recogniser[] = [
  pg,
  postgres,
  mysql2,
  mongoose,
  mongodb,
  ioredis,
  redis,
  upstashRedis,
  prisma,
  knex,
  typeorm,
  sequelize,
  drizzle,
];

/** Every recogniser for a config: the fixed ones plus calls into the client packages services list. */
export function recognisersFor(config: TopologyConfig): Recogniser[] {
  return [clientPackages(config), ...callRecognisers, ...driverRecognisers];
}

export type { CallSite, Recognised, Recogniser } from "./recogniser.js";
