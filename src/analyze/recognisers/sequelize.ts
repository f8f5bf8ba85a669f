// Sequelize: `new Sequelize(uri | database, user, password, { host })`.
import { driver } from "./recogniser.js";

export default driver("sequelize", ["sequelize", "sequelize-typescript"], ["new Sequelize"]);
