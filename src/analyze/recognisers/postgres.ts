// postgres (postgres.js): `postgres(url, options)`.
import { driver } from "./recogniser.js";

export default driver("postgres", ["postgres"], [""]);
