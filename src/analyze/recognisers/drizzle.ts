// drizzle: `drizzle(url | client | { connection })` from any drizzle-orm driver subpath.
import { driver } from "./recogniser.js";

export default driver("drizzle", ["drizzle-orm"], ["drizzle"]);
