// @upstash/redis (and Vercel KV): `new Redis({ url, token })`, and `Redis.fromEnv()`, which reads the REST URL from
// the environment itself — the connection is located at that call.
import type { Recogniser } from "./recogniser.js";

const FROM_ENV = ["UPSTASH_REDIS_REST_URL", "KV_REST_API_URL"];

const upstashRedis: Recogniser = {
  name: "upstash-redis",
  modules: ["@upstash/redis", "@vercel/kv"],
  recognise(site) {
    if (site.isNew && site.path === "Redis") return { kind: "connection", values: site.node.arguments ?? [] };
    if (!site.isNew && site.path === "Redis.fromEnv") return { kind: "connection", values: [], env: FROM_ENV };
    if (!site.isNew && site.path === "createClient") return { kind: "connection", values: site.node.arguments ?? [] };
    return undefined;
  },
};

export default upstashRedis;
