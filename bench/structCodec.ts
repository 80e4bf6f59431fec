/**
 * What the plugin spends on the property messages of one preview — decoding its CheckRequest and
 * DiffRequest, encoding its CheckResponse — with google-protobuf (the stubs @pulumi/pulumi ships)
 * and with plugin/structCodec.ts, at 10 / 100 / 1,000 rules. Measured as the plugin meets them: once,
 * in a fresh process (cold code), median of RUNS processes each; and warm, the median of 200 rounds
 * in one process.
 *
 *   node dist/bench/structCodec.js [--runs 15]
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import * as proto from "@pulumi/pulumi/proto/provider_pb";
import type { WireProps } from "../plugin/propertyValues";
import { decodeCheckRequest, decodeDiffRequest, encodeCheckResponse } from "../plugin/structCodec";
import { flag, median, ownerAndViewers } from "./pulumiRuns";

type Codec = "google-protobuf" | "structCodec";

function properties(rules: number): WireProps {
  return { mappings: ownerAndViewers(rules) as WireProps[], overwriteExisting: true, breakGlassOwners: ["owner@example.com"] };
}

/** One preview's messages: the two requests as bytes, and the response's inputs. */
function messages(rules: number): { check: Uint8Array; diff: Uint8Array; inputs: WireProps } {
  const inputs = properties(rules);
  const struct = (): Struct => Struct.fromJavaScript(inputs as Record<string, never>);
  const urn = "urn:pulumi:dev::p::torq:index:ClaimMappings::rules";
  const check = new proto.CheckRequest().setUrn(urn).setType("torq:index:ClaimMappings").setOlds(struct()).setNews(struct());
  const diff = new proto.DiffRequest().setId("claim-mappings").setUrn(urn).setType("torq:index:ClaimMappings").setOlds(struct()).setNews(struct()).setOldInputs(struct());
  return { check: check.serializeBinary(), diff: diff.serializeBinary(), inputs };
}

/** The three steps with one codec; returns ms. */
function onePreview(codec: Codec, m: { check: Uint8Array; diff: Uint8Array; inputs: WireProps }): number {
  const started = performance.now();
  if (codec === "google-protobuf") {
    const check = proto.CheckRequest.deserializeBinary(m.check);
    void [check.getOlds()!.toJavaScript(), check.getNews()!.toJavaScript()];
    const diff = proto.DiffRequest.deserializeBinary(m.diff);
    void [diff.getOlds()!.toJavaScript(), diff.getNews()!.toJavaScript(), diff.getOldInputs()!.toJavaScript()];
    new proto.CheckResponse().setInputs(Struct.fromJavaScript(m.inputs as Record<string, never>)).serializeBinary();
  } else {
    decodeCheckRequest(m.check);
    decodeDiffRequest(m.diff);
    encodeCheckResponse({ inputs: m.inputs, failures: [] });
  }
  return performance.now() - started;
}

function child(codec: Codec, file: string): void {
  const m = JSON.parse(fs.readFileSync(file, "utf8")) as { check: string; diff: string; inputs: WireProps };
  const decoded = { check: Buffer.from(m.check, "base64"), diff: Buffer.from(m.diff, "base64"), inputs: m.inputs };
  process.stdout.write(String(onePreview(codec, decoded)));
}

function main(): void {
  const runs = Number(flag("runs", "15"));
  if (!Number.isInteger(runs) || runs < 1 || runs > 100) throw new Error("--runs takes an integer from 1 to 100");
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "torq-struct-codec-"));
  const codecs: Codec[] = ["google-protobuf", "structCodec"];
  try {
    console.log(`One preview's property messages (CheckRequest + DiffRequest in, CheckResponse out), ms; cold: median of ${runs} fresh processes`);
    console.log("rules  bytes   cold google-protobuf  cold structCodec  warm google-protobuf  warm structCodec");
    for (const rules of [10, 100, 1000]) {
      const m = messages(rules);
      const file = path.join(dir, `${rules}.json`);
      fs.writeFileSync(file, JSON.stringify({ check: Buffer.from(m.check).toString("base64"), diff: Buffer.from(m.diff).toString("base64"), inputs: m.inputs }));
      const cold = new Map<Codec, number[]>(codecs.map((c) => [c, []]));
      for (let run = 0; run < runs; run++) {
        for (const codec of codecs) cold.get(codec)!.push(Number(execFileSync(process.execPath, [__filename, "--child", codec, file], { encoding: "utf8" })));
      }
      const warm = new Map<Codec, number[]>(codecs.map((c) => [c, []]));
      for (let round = 0; round < 200; round++) for (const codec of codecs) warm.get(codec)!.push(onePreview(codec, m));
      const cell = (values: number[], width: number): string => median(values).toFixed(2).padStart(width);
      console.log(
        `${String(rules).padStart(5)}  ${String(m.check.length + m.diff.length).padStart(6)}  ${cell(cold.get("google-protobuf")!, 20)}  ${cell(cold.get("structCodec")!, 16)}  ${cell(warm.get("google-protobuf")!, 20)}  ${cell(warm.get("structCodec")!, 16)}`,
      );
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const at = process.argv.indexOf("--child");
if (at !== -1) child(process.argv[at + 1] as Codec, process.argv[at + 2]!);
else main();
