// knex: `knex({ client, connection })` (default or named import).
import { driver } from "./recogniser.js";

export default driver("knex", ["knex"], ["", "knex"]);
