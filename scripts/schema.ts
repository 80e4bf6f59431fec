/** `make schema`: writes schema.json from provider/schemas. */
import { writeFileSync } from "node:fs";
import * as path from "node:path";
import { packageSchemaText } from "../provider/schemas/packageSchema";

const root = path.resolve(__dirname, "../..");
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { version } = require(path.join(root, "package.json")) as { version: string };
writeFileSync(path.join(root, "schema.json"), packageSchemaText(version));
process.stdout.write("wrote schema.json\n");
