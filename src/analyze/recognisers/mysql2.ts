// mysql2 (and mysql2/promise): `createPool`, `createConnection`, `createPoolCluster`.
import { driver } from "./recogniser.js";

export default driver("mysql2", ["mysql2", "mysql"], ["createPool", "createConnection", "createPoolCluster"]);
