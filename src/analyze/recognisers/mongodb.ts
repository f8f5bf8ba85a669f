// The MongoDB driver: `new MongoClient(uri)`, `MongoClient.connect(uri)`.
import { driver } from "./recogniser.js";

export default driver("mongodb", ["mongodb"], ["new MongoClient", "MongoClient.connect"]);
