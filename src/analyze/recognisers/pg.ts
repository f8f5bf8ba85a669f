// node-postgres: `new Pool(config)`, `new Client(config)` (also `new pg.Pool(…)`).
import { driver } from "./recogniser.js";

export default driver("pg", ["pg"], ["new Pool", "new Client", "new native.Pool", "new native.Client"]);
