// TypeORM: `new DataSource(options)`, the older `createConnection(options)`.
import { driver } from "./recogniser.js";

export default driver("typeorm", ["typeorm"], ["new DataSource", "createConnection"]);
