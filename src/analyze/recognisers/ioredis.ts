// ioredis: `new Redis(url | options)` (default or named import), `new Redis.Cluster(nodes)`.
import { driver } from "./recogniser.js";

export default driver("ioredis", ["ioredis"], ["new ", "new Redis", "new Cluster", "new Redis.Cluster"]);
