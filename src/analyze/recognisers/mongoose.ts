// mongoose: `mongoose.connect(uri)`, `mongoose.createConnection(uri)`.
import { driver } from "./recogniser.js";

export default driver("mongoose", ["mongoose"], ["connect", "createConnection"]);
