// node-redis: `createClient({ url })`, `createCluster(…)`.
import { driver } from "./recogniser.js";

export default driver("redis", ["redis", "@redis/client"], ["createClient", "createCluster"]);
